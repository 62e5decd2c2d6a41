// Issue 9 item 5: with mail configured (SMTP_URL) an invitation is accepted only by an account whose email was
// verified through a mailed, single-use, expiring link. Mail goes to a real SMTP receiver on loopback
// (smtp-server); the link is read from the message it received. Only the token's hash is stored.
import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { auditEvents, emailVerifications } from "@/db/schema";
import { createEmailVerification, verifyEmail } from "@/lib/dal/email-verification";
import { acceptInvitation, createInvitation, EMAIL_NOT_VERIFIED } from "@/lib/dal/invitations";
import { sendVerificationMail } from "@/lib/verification-mail";
import { errorOf, makeTeam, makeUser, tablesContaining, type TTestTeam, type TTestUser } from "../support/fixtures";
import { startSmtpReceiver, type TSmtpReceiver } from "../support/smtp";

const inbox: { to: string; body: string }[] = [];
let smtp: TSmtpReceiver;
let owner: TTestUser;
let team: TTestTeam;
const saved = { SMTP_URL: process.env.SMTP_URL, APP_URL: process.env.APP_URL };

beforeAll(async () => {
  smtp = await startSmtpReceiver((m) => void inbox.push({ to: m.to.join(","), body: m.body }));
  process.env.SMTP_URL = smtp.url;
  process.env.APP_URL = "http://app.test";
  owner = await makeUser("ev-owner");
  team = await makeTeam(owner);
});

afterAll(async () => {
  process.env.SMTP_URL = saved.SMTP_URL ?? "";
  if (!saved.SMTP_URL) delete process.env.SMTP_URL;
  if (saved.APP_URL === undefined) delete process.env.APP_URL;
  else process.env.APP_URL = saved.APP_URL;
  await smtp.close();
  await closeDb();
});

/** The token of the last verification mail sent to `email` (quoted-printable soft breaks undone). */
function lastToken(email: string): string {
  const mail = [...inbox].reverse().find((m) => m.to === email);
  if (!mail) throw new Error(`no mail to ${email}`);
  const text = mail.body.replace(/=\r?\n/g, "");
  const m = /http:\/\/app\.test\/verify-email\/(evt_[A-Za-z0-9_-]{43})/.exec(text);
  if (!m) throw new Error("no verification link in the mail");
  return m[1]!;
}

const invite = async (email: string) => (await createInvitation({ actor: owner.actor, teamSlug: team.slug, email, role: "editor" })).token;

describe("email verification gates invitations (SMTP configured)", () => {
  it("an unverified password account cannot accept; after the mailed link it can; the link works once", async () => {
    const user = await makeUser("ev-invitee");
    const token = await invite(user.email);
    const refused = await errorOf(acceptInvitation({ user, token }));
    expect(refused.message).toBe(EMAIL_NOT_VERIFIED);

    expect(await sendVerificationMail(user.id)).toBe(true);
    const vt = lastToken(user.email);
    // Only the hash is stored: the token itself is in no table.
    expect(await tablesContaining(vt)).toEqual([]);
    const db = await getDb();
    const rows = await db.select().from(emailVerifications).where(eq(emailVerifications.userId, user.id));
    expect(rows.map((r) => r.tokenHash)).toEqual([createHash("sha256").update(vt).digest("hex")]);

    await expect(verifyEmail({ token: vt })).resolves.toEqual({ email: user.email });
    const again = await errorOf(verifyEmail({ token: vt }));
    expect(again.message).toMatch(/not valid, was already used, or has expired/);

    await expect(acceptInvitation({ user, token })).resolves.toEqual({ teamSlug: team.slug });
  });

  it("a verified account whose email does not match the invitation cannot accept it", async () => {
    const user = await makeUser("ev-other");
    await sendVerificationMail(user.id);
    await verifyEmail({ token: lastToken(user.email) });
    const token = await invite(`someone-else-${user.id.slice(0, 8)}@test.example`);
    const refused = await errorOf(acceptInvitation({ user, token }));
    expect(refused.code).toBe("forbidden");
    expect(refused.message).not.toBe(EMAIL_NOT_VERIFIED);
  });

  it("an expired link does not verify", async () => {
    const user = await makeUser("ev-expired");
    await sendVerificationMail(user.id);
    const vt = lastToken(user.email);
    const db = await getDb();
    await db.update(emailVerifications).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(emailVerifications.userId, user.id));
    const err = await errorOf(verifyEmail({ token: vt }));
    expect(err.code).toBe("not_found");
    const token = await invite(user.email);
    expect((await errorOf(acceptInvitation({ user, token }))).message).toBe(EMAIL_NOT_VERIFIED);
  });

  it("resends are rate-limited, and sending and verifying are audited in the user's teams", async () => {
    const user = await makeUser("ev-audit");
    const own = await makeTeam(user);
    await sendVerificationMail(user.id);
    const limited = await errorOf(createEmailVerification({ userId: user.id }));
    expect(limited.code).toBe("rate_limited");
    await verifyEmail({ token: lastToken(user.email) });
    const db = await getDb();
    const actions = await db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, own.id), eq(auditEvents.actorId, user.id)));
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(["user.email_verification_sent", "user.email_verified"]));
  });
});

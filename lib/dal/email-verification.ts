import "server-only";
// Email verification for password accounts: a signed (256 random bits, only the SHA-256 stored), single-use,
// expiring link mailed through SMTP_URL. Invitations are accepted only by an account whose verified email
// matches (lib/dal/invitations.ts). Without mail configured nothing can be verified: invitation links are
// bearer links, and the product says so to the inviter.
import { createHash, randomBytes } from "node:crypto";
import { and, count, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { getDb, type Executor } from "@/db/client";
import { emailVerifications, memberships, users } from "@/db/schema";
import { isMailConfigured } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { recordAudit } from "./audit";
import type { TRequestMeta } from "@/lib/types/actor";

export const EMAIL_VERIFICATION_TTL_HOURS = 24;
/** Resends: at most one a minute and five an hour per account. */
const RESEND_MIN_SECONDS = 60;
const RESENDS_PER_HOUR = 5;
const TOKEN_RE = /^evt_[A-Za-z0-9_-]{43}$/;

const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

/** Mail is what verification travels by: without SMTP_URL (and APP_URL in production) there is none. */
export const isVerificationRequired = isMailConfigured;

async function auditForUser(tx: Executor, user: { id: string; email: string }, action: string, meta?: TRequestMeta) {
  const teamsOfUser = await tx.select({ teamId: memberships.teamId }).from(memberships).where(eq(memberships.userId, user.id));
  for (const { teamId } of teamsOfUser) {
    await recordAudit(tx, { teamId, actor: { id: user.id, label: user.email }, action, targetType: "user", targetId: user.id, targetName: user.email, meta });
  }
}

/** A new verification link's token for the user's current email (shown to nobody but the mail). Rate-limited. */
export async function createEmailVerification(input: { userId: string; meta?: TRequestMeta }): Promise<{ token: string; email: string; expiresAt: string }> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [user] = await tx
      .select({ id: users.id, email: users.email, verifiedAt: users.emailVerifiedAt })
      .from(users)
      .where(eq(users.id, input.userId))
      .for("update");
    if (!user) throw new AppError("not_found", "Account not found.");
    if (user.verifiedAt) throw new AppError("conflict", "Your email address is already verified.");
    const [recent] = await tx
      .select({ n: count(), last: sql<string | null>`max(${emailVerifications.createdAt})` })
      .from(emailVerifications)
      .where(and(eq(emailVerifications.userId, user.id), gt(emailVerifications.createdAt, sql`now() - interval '1 hour'`)));
    const [tooSoon] = await tx
      .select({ id: emailVerifications.id })
      .from(emailVerifications)
      .where(and(eq(emailVerifications.userId, user.id), gt(emailVerifications.createdAt, sql`now() - make_interval(secs => ${RESEND_MIN_SECONDS})`)))
      .orderBy(desc(emailVerifications.createdAt))
      .limit(1);
    if (tooSoon || (recent?.n ?? 0) >= RESENDS_PER_HOUR) {
      throw new AppError("rate_limited", "A verification email was sent recently. Check your inbox, or try again in a few minutes.");
    }
    const token = `evt_${randomBytes(32).toString("base64url")}`;
    const expiresAt = new Date(Date.now() + EMAIL_VERIFICATION_TTL_HOURS * 3_600_000);
    await tx.insert(emailVerifications).values({ userId: user.id, email: user.email, tokenHash: hashToken(token), expiresAt });
    await auditForUser(tx, user, "user.email_verification_sent", input.meta);
    return { token, email: user.email, expiresAt: expiresAt.toISOString() };
  });
}

/** Uses a verification link once: marks the account's email verified if it is still the address the link was sent to. */
export async function verifyEmail(input: { token: string; meta?: TRequestMeta }): Promise<{ email: string }> {
  const invalid = new AppError("not_found", "This verification link is not valid, was already used, or has expired.");
  if (!TOKEN_RE.test(input.token)) throw invalid;
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [used] = await tx
      .update(emailVerifications)
      .set({ usedAt: sql`now()` })
      .where(and(eq(emailVerifications.tokenHash, hashToken(input.token)), isNull(emailVerifications.usedAt), gt(emailVerifications.expiresAt, sql`now()`)))
      .returning({ userId: emailVerifications.userId, email: emailVerifications.email });
    if (!used) throw invalid;
    const [user] = await tx
      .update(users)
      .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
      .where(and(eq(users.id, used.userId), eq(users.email, used.email)))
      .returning({ id: users.id, email: users.email });
    if (!user) throw invalid;
    await auditForUser(tx, user, "user.email_verified", input.meta);
    return { email: user.email };
  });
}

/**
 * Whether the account may act on mail sent to its address: verified by link, or an account without a password
 * (OAuth/OIDC only: the provider verified the address; OpenID providers must report email_verified).
 */
export async function hasVerifiedEmail(tx: Executor, userId: string): Promise<boolean> {
  const [row] = await tx.select({ verifiedAt: users.emailVerifiedAt, passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
  return !!row && (row.verifiedAt !== null || row.passwordHash === null);
}

/** For pages: is this account's email verified (no hash or token leaves this function). */
export async function emailVerificationStatus(userId: string): Promise<{ required: boolean; verified: boolean }> {
  const db = await getDb();
  return { required: isVerificationRequired(), verified: await hasVerifiedEmail(db, userId) };
}

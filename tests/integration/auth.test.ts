// Account safety through the real code paths: the sign-in action runs next-auth's real credentials flow
// (auth.ts authorize: the attempt counted before the password, argon2 verification, audit, server-side session), the
// limiter is lib/dal/rate-limit.ts against the real rate_limits table, and the session is read back by the
// real lib/session.ts. Only the Next request is simulated: request headers (with the cookies the previous
// calls set) and the cookie jar. No proxy is configured: the client is the connection's peer.
import { eq, like, sql } from "drizzle-orm";
import { isRedirectError } from "next/dist/client/components/redirect-error";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { auditEvents, rateLimits, userSessions, users } from "@/db/schema";
import { recordSignInFailure, signInRetryAfter } from "@/lib/dal/rate-limit";
import { createUserSession, isSessionActive, revokeUserSession } from "@/lib/dal/sessions";
import { createUser, verifyCredentials, type TSessionUser } from "@/lib/dal/users";
import { PASSWORD_MIN, ZSignUpInput } from "@/lib/validation/auth";
import { form, makeTeam, runId, tablesContaining } from "../support/fixtures";
import "../support/peer";

const req = vi.hoisted(() => ({ ip: "203.0.113.1", jar: new Map<string, string>() }));

vi.mock("next/headers", () => ({
  headers: async () =>
    new Headers({
      host: "localhost:3000",
      "x-forwarded-proto": "http",
      "user-agent": "vitest-auth/1.0",
      // The connection's peer, as server.mjs records it (tests/support/peer.ts raises its flag)...
      "x-team-secrets-peer": req.ip,
      // ...and a client-claimed address, a fresh one each call: with no proxy configured it must count for
      // nothing, so it can neither escape the per-address limit nor spend another address's (issue 9 item 3).
      "x-forwarded-for": `203.0.113.${Math.floor(Math.random() * 250)}`,
      cookie: [...req.jar].map(([k, v]) => `${k}=${v}`).join("; "),
    }),
  cookies: async () => ({
    get: (n: string) => (req.jar.has(n) ? { name: n, value: req.jar.get(n)! } : undefined),
    getAll: () => [...req.jar].map(([name, value]) => ({ name, value })),
    has: (n: string) => req.jar.has(n),
    set: (n: string, v: string, o?: { maxAge?: number; expires?: Date }) => {
      if (!v || o?.maxAge === 0 || (o?.expires && o.expires.getTime() <= Date.now())) req.jar.delete(n);
      else req.jar.set(n, v);
    },
    delete: (n: string) => req.jar.delete(n),
  }),
}));

const { signInAction, signOutAction, signUpAction } = await import("@/app/(auth)/actions");
const { currentUser } = await import("@/lib/session");

const PASSWORD = `correct horse ${runId()}`;
let alice: TSessionUser;

beforeAll(async () => {
  alice = await createUser({ name: "Alice", email: `alice-${runId()}@test.example`, password: PASSWORD });
});

afterAll(async () => {
  await closeDb();
});

let ipCounter = 0;
beforeEach(() => {
  req.jar.clear();
  // Each test signs in from its own address, so per-address counts do not leak between tests or runs.
  req.ip = `198.18.${Math.floor(Math.random() * 250)}.${(ipCounter++ % 250) + 1}`;
});

/** "redirect" when the action signed in (next-auth redirects), else the returned result. */
async function attempt(action: (f: FormData) => Promise<unknown>, fields: Record<string, string>) {
  try {
    return await action(form(fields));
  } catch (err) {
    if (isRedirectError(err)) return "redirect";
    throw err;
  }
}
const signIn = (email: string, password: string) => attempt(signInAction, { email, password });

async function newAccount(label: string) {
  const password = `pw ${label} ${runId()} ${runId()}`;
  const user = await createUser({ name: label, email: `${label}-${runId()}@test.example`, password });
  return { ...user, password };
}

async function rateLimitRows(email: string) {
  const db = await getDb();
  return db.select().from(rateLimits).where(like(rateLimits.key, `%${email}`));
}

describe("sign-in rate limit (per account, in the database)", () => {
  it("10 failures lock the account: the correct password is then refused with a clear message", async () => {
    const u = await newAccount("limited");
    for (let i = 0; i < 9; i++) {
      expect(await signIn(u.email, "wrong password!!")).toMatchObject({ ok: false, code: "unauthenticated" });
    }
    // Nine failures: still under the limit, the right password works.
    expect(await signIn(u.email, u.password)).toBe("redirect");
    expect(await signIn(u.email, "wrong password!!")).toMatchObject({ ok: false, code: "unauthenticated" });

    const locked = await signIn(u.email, u.password);
    expect(locked).toMatchObject({ ok: false, code: "rate_limited", message: expect.stringMatching(/Too many failed sign-in attempts/) });
    expect(JSON.stringify(locked)).not.toContain(u.password);
    // From another address too: the account itself is locked.
    req.ip = "198.19.0.1";
    expect(await signIn(u.email, u.password)).toMatchObject({ code: "rate_limited" });

    const rows = await rateLimitRows(u.email);
    expect(rows).toEqual([expect.objectContaining({ key: `signin:account:${u.email}`, points: 10 })]);
    expect(rows[0]!.expire!.getTime()).toBeGreaterThan(Date.now());
    expect(rows[0]!.expire!.getTime()).toBeLessThanOrEqual(Date.now() + 15 * 60 * 1000 + 5000);
    // No session was created for the refused attempts.
    const db = await getDb();
    const sessions = await db.select().from(userSessions).where(eq(userSessions.userId, u.id));
    expect(sessions).toHaveLength(1); // the one successful sign-in
  });

  it("an unknown email is limited the same way, so the limit does not reveal whether an account exists", async () => {
    const email = `nobody-${runId()}@test.example`;
    for (let i = 0; i < 10; i++) expect(await signIn(email, "some password")).toMatchObject({ code: "unauthenticated" });
    expect(await signIn(email, "some password")).toMatchObject({ code: "rate_limited" });
  });

  it("the state is shared: a new limiter instance (fresh module, no memory) sees the same count", async () => {
    const email = `shared-${runId()}@test.example`;
    for (let i = 0; i < 10; i++) await recordSignInFailure(email, null);
    expect(await signInRetryAfter(email, null)).toBeGreaterThan(0);

    // A second "instance": the limiter cache dropped and the module loaded again.
    delete (globalThis as { __rateLimiters?: unknown }).__rateLimiters;
    vi.resetModules();
    const second = await import("@/lib/dal/rate-limit");
    const wait = await second.signInRetryAfter(email, null);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    expect(await second.signInRetryAfter(`other-${runId()}@test.example`, null)).toBe(0);

    // ...and the count lives only in the table: remove the row and every instance lets the account in.
    const db = await getDb();
    await db.delete(rateLimits).where(eq(rateLimits.key, `signin:account:${email}`));
    expect(await second.signInRetryAfter(email, null)).toBe(0);
    expect(await signInRetryAfter(email, null)).toBe(0);
  });

  it("per address: 50 failures from one address refuse even a correct password from it, not from elsewhere", async () => {
    const u = await newAccount("ip-limited");
    const ip = req.ip;
    for (let i = 0; i < 50; i++) await recordSignInFailure(`spray-${i}-${runId()}@test.example`, ip);
    expect(await signIn(u.email, u.password)).toMatchObject({ code: "rate_limited" });
    req.ip = "198.19.0.2";
    expect(await signIn(u.email, u.password)).toBe("redirect");
  });
});

describe("sign-in limit under a concurrent burst (counted before the password is checked)", () => {
  const tally = (results: unknown[]) => {
    const codes = results.map((r) => (r === "redirect" ? "redirect" : (r as { code: string }).code));
    return { evaluated: codes.filter((c) => c !== "rate_limited").length, codes };
  };

  it("100 concurrent wrong passwords for one account evaluate at most 10; the right password inside the burst is refused", async () => {
    const u = await newAccount("burst");
    // All start at once; the right password is the 51st attempt.
    const results = await Promise.all(
      Array.from({ length: 101 }, (_, i) => signIn(u.email, i === 50 ? u.password : "wrong password!!")),
    );
    const { evaluated, codes } = tally(results);
    expect(evaluated).toBeLessThanOrEqual(10);
    expect(codes[50]).toBe("rate_limited");
    expect(codes.filter((c) => c === "redirect")).toEqual([]);
    const db = await getDb();
    expect(await db.select().from(userSessions).where(eq(userSessions.userId, u.id))).toEqual([]);
  });

  it("per address: a burst across 120 accounts from one address evaluates at most 50", async () => {
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => signIn(`burst-ip-${i}-${runId()}@test.example`, "wrong password!!")),
    );
    const { evaluated, codes } = tally(results);
    expect(evaluated).toBeLessThanOrEqual(50);
    expect(evaluated).toBeGreaterThan(0);
    expect(codes.filter((c) => c === "rate_limited").length).toBeGreaterThanOrEqual(70);
  });

  it("a success gives its attempt back: nine failures, then sign-ins that succeed, never lock the account", async () => {
    const u = await newAccount("refund");
    for (let i = 0; i < 9; i++) expect(await signIn(u.email, "wrong password!!")).toMatchObject({ code: "unauthenticated" });
    for (let i = 0; i < 3; i++) expect(await signIn(u.email, u.password)).toBe("redirect");
    const rows = await rateLimitRows(u.email);
    expect(rows).toEqual([expect.objectContaining({ points: 9 })]);
  });
});

describe("sign-in and sessions", () => {
  it("signs in for real: a session row, a member.signed_in event in each team with IP and user agent, and the session reads back", async () => {
    const u = await newAccount("signs-in");
    const team = await makeTeam({ ...u, actor: { id: u.id, label: u.email } });
    expect(await signIn(u.email, u.password)).toBe("redirect");
    expect([...req.jar.keys()].some((k) => k.endsWith("authjs.session-token"))).toBe(true);
    expect(await currentUser()).toEqual({ id: u.id, name: u.name, email: u.email });

    const db = await getDb();
    const events = await db.select().from(auditEvents).where(eq(auditEvents.teamId, team.id));
    expect(events.filter((e) => e.action === "member.signed_in")).toEqual([
      expect.objectContaining({ actorId: u.id, ip: req.ip, userAgent: "vitest-auth/1.0" }),
    ]);
    // The password is stored nowhere, not even hashed into another table.
    expect(await tablesContaining(u.password)).toEqual([]);
  });

  it("sign-out ends the session on the server: replaying the old cookie gives no user", async () => {
    const u = await newAccount("signs-out");
    expect(await signIn(u.email, u.password)).toBe("redirect");
    const cookie = [...req.jar].find(([k]) => k.endsWith("authjs.session-token"))!;
    expect(await currentUser()).toMatchObject({ id: u.id });

    await expect(signOutAction()).rejects.toSatisfy(isRedirectError);
    expect(req.jar.has(cookie[0])).toBe(false);
    req.jar.set(cookie[0], cookie[1]); // a copied cookie, still cryptographically valid
    expect(await currentUser()).toBeNull();
    const db = await getDb();
    const [s] = await db.select().from(userSessions).where(eq(userSessions.userId, u.id));
    expect(s?.revokedAt).toBeInstanceOf(Date);
  });

  it("sign-out through Auth.js's own endpoint (POST /api/auth/signout) also revokes the server-side session", async () => {
    const { handlers } = await import("@/auth");
    const u = await newAccount("signs-out-endpoint");
    expect(await signIn(u.email, u.password)).toBe("redirect");
    const session = [...req.jar].find(([k]) => k.endsWith("authjs.session-token"))!;
    expect(await currentUser()).toMatchObject({ id: u.id });

    const base = "http://localhost:3000/api/auth";
    const csrfRes = await handlers.GET(new NextRequest(`${base}/csrf`, { headers: { cookie: `${session[0]}=${session[1]}` } }));
    const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
    const csrfCookie = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.includes("csrf-token"))!;
    const res = await handlers.POST(
      new NextRequest(`${base}/signout`, {
        method: "POST",
        headers: { cookie: `${session[0]}=${session[1]}; ${csrfCookie}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrfToken, callbackUrl: "/sign-in" }),
      }),
    );
    expect(res.status).toBe(302);
    // A copy of the cookie kept from before the sign-out gives no user.
    expect(await currentUser()).toBeNull();
    const db = await getDb();
    const [s] = await db.select().from(userSessions).where(eq(userSessions.userId, u.id));
    expect(s?.revokedAt).toBeInstanceOf(Date);
  });

  it("isSessionActive: live; revoked; expired; another user's id", async () => {
    const u = await newAccount("sessions");
    const live = await createUserSession(u.id, 3600);
    expect(await isSessionActive(live, u.id)).toBe(true);
    expect(await isSessionActive(live, alice.id)).toBe(false);

    const revoked = await createUserSession(u.id, 3600);
    await revokeUserSession(revoked);
    expect(await isSessionActive(revoked, u.id)).toBe(false);

    const expired = await createUserSession(u.id, 3600);
    const db = await getDb();
    await db.update(userSessions).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(userSessions.id, expired));
    expect(await isSessionActive(expired, u.id)).toBe(false);

    expect(await isSessionActive(crypto.randomUUID(), u.id)).toBe(false);
    expect(await isSessionActive(live, u.id)).toBe(true);
  });

  it("a session whose account was deleted counts as signed out", async () => {
    const u = await newAccount("deleted");
    expect(await signIn(u.email, u.password)).toBe("redirect");
    expect(await currentUser()).toMatchObject({ id: u.id });
    const db = await getDb();
    await db.delete(users).where(eq(users.id, u.id));
    expect(await currentUser()).toBeNull();
  });
});

describe("passwords and account privacy", () => {
  it(`passwords need at least ${PASSWORD_MIN} characters`, () => {
    const base = { name: "N", email: "n@test.example" };
    const short = ZSignUpInput.safeParse({ ...base, password: "x".repeat(PASSWORD_MIN - 1) });
    expect(short.success).toBe(false);
    expect(short.error?.issues.map((i) => i.path.join("."))).toEqual(["password"]);
    expect(ZSignUpInput.safeParse({ ...base, password: "x".repeat(PASSWORD_MIN) }).success).toBe(true);
    expect(PASSWORD_MIN).toBe(12);
  });

  it("sign-up refuses a short password without creating the account or echoing it", async () => {
    const email = `short-${runId()}@test.example`;
    const r = await attempt(signUpAction, { name: "Short", email, password: "elevenchars" });
    expect(r).toMatchObject({ ok: false, code: "validation", fieldErrors: { password: [expect.stringMatching(/12 characters/)] } });
    expect(JSON.stringify(r)).not.toContain("elevenchars");
    const db = await getDb();
    expect(await db.select().from(users).where(eq(users.email, email))).toEqual([]);
  });

  it("sign-up creates the account and signs in", async () => {
    const email = `new-${runId()}@test.example`;
    const password = `a fine password ${runId()}`;
    expect(await attempt(signUpAction, { name: "New", email: email.toUpperCase(), password })).toBe("redirect");
    expect(await currentUser()).toMatchObject({ email });
    expect(await tablesContaining(password)).toEqual([]);
  });

  it("verifyCredentials gives the same null for an unknown email and a wrong password", async () => {
    const unknown = await verifyCredentials(`ghost-${runId()}@test.example`, PASSWORD);
    const wrong = await verifyCredentials(alice.email, `${PASSWORD}x`);
    expect(unknown).toBeNull();
    expect(wrong).toBeNull();
    expect(await verifyCredentials(alice.email, PASSWORD)).toEqual(alice);
  });

  it("the sign-in action answers an unknown email and a wrong password with the same message", async () => {
    const unknown = await signIn(`ghost-${runId()}@test.example`, PASSWORD);
    const wrong = await signIn(alice.email, `${PASSWORD}x`);
    expect(unknown).toEqual({ ok: false, code: "unauthenticated", message: "Incorrect email or password." });
    expect(wrong).toEqual(unknown);
  });
});

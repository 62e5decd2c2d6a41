import "server-only";
// Sign-in throttling with rate-limiter-flexible's Drizzle store: the counts live in the database (Postgres
// or the embedded one), so every app instance behind a load balancer shares them. Every attempt is counted
// per account and per client address BEFORE the password is checked, with one atomic upsert per key
// (INSERT ... ON CONFLICT DO UPDATE points = points + 1 RETURNING points): of a burst of any size only the
// first `limit` attempts are evaluated, the rest are refused unread. A successful sign-in gives its own
// attempt back, so the count is the number of failures (and attempts still being checked).
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import { getDb } from "@/db/client";
import { rateLimits } from "@/db/schema";
import { env } from "@/lib/env";

const WINDOW_SECONDS = 15 * 60;

type Limiters = { account: RateLimiterDrizzle; ip: RateLimiterDrizzle };
const globalForLimiters = globalThis as unknown as { __signInLimiters?: Promise<Limiters> };

async function limiters(): Promise<Limiters> {
  globalForLimiters.__signInLimiters ??= getDb().then((db) => {
    const make = (keyPrefix: string, points: number) =>
      new RateLimiterDrizzle({ storeClient: db, schema: rateLimits, keyPrefix, points, duration: WINDOW_SECONDS, clearExpiredByTimeout: false });
    return {
      account: make("signin:account", env().SIGNIN_MAX_FAILURES_PER_ACCOUNT),
      // Many people can share one address (an office NAT), so the per-address budget is larger.
      ip: make("signin:ip", env().SIGNIN_MAX_FAILURES_PER_IP),
    };
  });
  return globalForLimiters.__signInLimiters;
}

/** Seconds until sign-in is allowed again for this account or address, or 0 when it is allowed now. */
export async function signInRetryAfter(email: string, ip: string | null): Promise<number> {
  const l = await limiters();
  const checks = await Promise.all([l.account.get(email), ip ? l.ip.get(ip) : null]);
  let wait = 0;
  for (const [res, limiter] of [
    [checks[0], l.account],
    [checks[1], l.ip],
  ] as const) {
    if (res && res.consumedPoints >= limiter.points) wait = Math.max(wait, Math.ceil(res.msBeforeNext / 1000));
  }
  return wait;
}

type TKey = { limiter: RateLimiterDrizzle; key: string };

/** consume(): true when the attempt is within the budget; false (not a throw) when over it. */
async function take({ limiter, key }: TKey): Promise<boolean> {
  try {
    await limiter.consume(key);
    return true;
  } catch (e) {
    // consume() rejects with a RateLimiterRes (not an Error) once over the limit.
    if (e instanceof RateLimiterRes) return false;
    throw e;
  }
}

const giveBack = ({ limiter, key }: TKey) => limiter.reward(key, 1);

export type TSignInAttempt =
  | { allowed: false }
  | {
      allowed: true;
      /** The password was right: this attempt no longer counts. */
      succeeded: () => Promise<void>;
    };

/**
 * Counts one sign-in attempt against the account and the address, atomically, before the password is read.
 * Refused when either is over its budget. The count of a key is its failures plus the attempts still being
 * checked: a success or a refusal gives its point back, so at most `limit` failures are ever evaluated.
 */
export async function beginSignInAttempt(email: string, ip: string | null): Promise<TSignInAttempt> {
  const l = await limiters();
  const keys: TKey[] = [{ limiter: l.account, key: email }, ...(ip ? [{ limiter: l.ip, key: ip }] : [])];
  const taken = await Promise.all(keys.map(take));
  if (taken.every(Boolean)) return { allowed: true, succeeded: async () => void (await Promise.all(keys.map(giveBack))) };
  // Refused unread: the attempt gives back what it took from every key (the one over its limit stays at or
  // above the limit, since each of its points belongs to a failure or an attempt still being checked).
  await Promise.all(keys.map(giveBack));
  return { allowed: false };
}

/** One failed attempt on each key (for tests and tools that seed a count; sign-in uses beginSignInAttempt). */
export async function recordSignInFailure(email: string, ip: string | null): Promise<void> {
  const l = await limiters();
  const keys: TKey[] = [{ limiter: l.account, key: email }, ...(ip ? [{ limiter: l.ip, key: ip }] : [])];
  await Promise.all(keys.map(take));
}

// ---- Check value: SECRET_CHECKS_PER_MINUTE (default 10) per user and, separately, per secret (whoever asks),
// so neither one account nor several together can guess a value at more than that rate.

type TCheckLimiters = { user: RateLimiterDrizzle; secret: RateLimiterDrizzle };
const globalForChecks = globalThis as unknown as { __secretCheckLimiters?: Promise<TCheckLimiters> };

function checkLimiters(): Promise<TCheckLimiters> {
  globalForChecks.__secretCheckLimiters ??= getDb().then((db) => {
    const points = env().SECRET_CHECKS_PER_MINUTE;
    const make = (keyPrefix: string) =>
      new RateLimiterDrizzle({ storeClient: db, schema: rateLimits, keyPrefix, points, duration: 60, clearExpiredByTimeout: false });
    return { user: make("check:user"), secret: make("check:secret") };
  });
  return globalForChecks.__secretCheckLimiters;
}

/** Seconds until `key` has budget again after a refused consume(), or 0 when this one was within it. */
async function consumeOrWait({ limiter, key }: TKey): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (e) {
    if (e instanceof RateLimiterRes) return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    throw e;
  }
}

/**
 * Counts one check against the user, then the secret, each atomically (a burst cannot slip past either
 * budget). 0 when allowed; else the seconds until it may be tried again. The secret is counted only for a
 * check within the user's budget, and a refused check gives back what it took: an account over its own
 * budget does not spend the secret's budget for everyone else, and a burst of one user admits exactly its
 * budget (two counters taken at once would each admit a different subset of it).
 */
export async function beginSecretCheck(userId: string, secretId: string): Promise<number> {
  const l = await checkLimiters();
  const user: TKey = { limiter: l.user, key: userId };
  const secret: TKey = { limiter: l.secret, key: secretId };
  const userWait = await consumeOrWait(user);
  if (userWait > 0) {
    await giveBack(user);
    return userWait;
  }
  const secretWait = await consumeOrWait(secret);
  if (secretWait > 0) await Promise.all([giveBack(user), giveBack(secret)]);
  return secretWait;
}

import "server-only";
// Sign-in throttling with rate-limiter-flexible's Drizzle store: the counts live in the database (Postgres
// or the embedded one), so every app instance behind a load balancer shares them. Failed attempts are
// counted per account and per client address; once a key is over its limit, every attempt is refused until
// the window ends, even with the right password.
import { RateLimiterDrizzle } from "rate-limiter-flexible";
import { getDb } from "@/db/client";
import { rateLimits } from "@/db/schema";

const WINDOW_SECONDS = 15 * 60;

type Limiters = { account: RateLimiterDrizzle; ip: RateLimiterDrizzle };
const globalForLimiters = globalThis as unknown as { __signInLimiters?: Promise<Limiters> };

function limit(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

async function limiters(): Promise<Limiters> {
  globalForLimiters.__signInLimiters ??= getDb().then((db) => {
    const make = (keyPrefix: string, points: number) =>
      new RateLimiterDrizzle({ storeClient: db, schema: rateLimits, keyPrefix, points, duration: WINDOW_SECONDS, clearExpiredByTimeout: false });
    return {
      account: make("signin:account", limit("SIGNIN_MAX_FAILURES_PER_ACCOUNT", 10)),
      // Many people can share one address (an office NAT), so the per-address budget is larger.
      ip: make("signin:ip", limit("SIGNIN_MAX_FAILURES_PER_IP", 50)),
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

export async function recordSignInFailure(email: string, ip: string | null): Promise<void> {
  const l = await limiters();
  // consume() rejects with a result (not an Error) once over the limit: the count is what matters here.
  const ignoreOverLimit = (e: unknown) => {
    if (e instanceof Error) throw e;
  };
  await Promise.all([l.account.consume(email).catch(ignoreOverLimit), ip ? l.ip.consume(ip).catch(ignoreOverLimit) : null]);
}

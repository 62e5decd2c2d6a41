import "server-only";
// Per-token budget for the secrets API, kept in the database (rate-limiter-flexible's Drizzle store) so
// every app instance shares the count. Failed authentications get a per-address budget too, so guessing
// tokens from one address is slowed down.
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import { getDb } from "@/db/client";
import { rateLimits } from "@/db/schema";

type Limiters = { token: RateLimiterDrizzle; badAuth: RateLimiterDrizzle };
const globalForLimiters = globalThis as unknown as { __apiLimiters?: Promise<Limiters> };

function limit(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

async function limiters(): Promise<Limiters> {
  globalForLimiters.__apiLimiters ??= getDb().then((db) => {
    const make = (keyPrefix: string, points: number) =>
      new RateLimiterDrizzle({ storeClient: db, schema: rateLimits, keyPrefix, points, duration: 60, clearExpiredByTimeout: false });
    return {
      token: make("api:token", limit("API_TOKEN_REQUESTS_PER_MINUTE", 120)),
      badAuth: make("api:badauth", limit("API_FAILED_AUTH_PER_MINUTE", 30)),
    };
  });
  return globalForLimiters.__apiLimiters;
}

/** Counts one request; seconds to wait when over the budget, else 0. */
async function take(limiter: RateLimiterDrizzle, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (e) {
    if (e instanceof RateLimiterRes) return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    throw e;
  }
}

export async function consumeTokenRequest(tokenId: string): Promise<number> {
  return take((await limiters()).token, tokenId);
}

/** Is this address already over its failed-authentication budget (without counting this attempt)? */
export async function badAuthRetryAfter(address: string | null): Promise<number> {
  if (!address) return 0;
  const l = (await limiters()).badAuth;
  const res = await l.get(address);
  return res && res.consumedPoints >= l.points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
}

export async function recordBadAuth(address: string | null): Promise<void> {
  if (address) await take((await limiters()).badAuth, address);
}

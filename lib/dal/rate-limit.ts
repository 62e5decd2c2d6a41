import "server-only";
// Every budget of the app, kept in the database (rate_limits) so every app instance behind a load balancer
// shares them: sign-in failures per account and per address, Check value per user and per secret, and the
// secrets API's failed authentications per address — each a rate-limiter-flexible Drizzle store (one atomic
// upsert per counted point: INSERT ... ON CONFLICT DO UPDATE points = points + 1 RETURNING points) — and the
// secrets API's requests per token, counted in memory and added to its row in batches.
import { sql } from "drizzle-orm";
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import { getDb, type Database } from "@/db/client";
import { rateLimits } from "@/db/schema";
import { env } from "@/lib/env";
import { preparedPerDb } from "./sql";

const globalForLimiters = globalThis as unknown as { __rateLimiters?: Map<string, Promise<RateLimiterDrizzle>>; __tokenBudget?: Map<string, TTokenCount> };

/** The budget stored under `prefix`: `points` per `seconds`, one limiter per process (as a module reload keeps it). */
function limiter(prefix: string, points: number, seconds: number): Promise<RateLimiterDrizzle> {
  const all = (globalForLimiters.__rateLimiters ??= new Map());
  let made = all.get(prefix);
  if (!made) {
    made = getDb().then(
      (db) => new RateLimiterDrizzle({ storeClient: db, schema: rateLimits, keyPrefix: prefix, points, duration: seconds, clearExpiredByTimeout: false }),
    );
    all.set(prefix, made);
  }
  return made;
}

type TKey = { limiter: RateLimiterDrizzle; key: string };

const secondsUntil = (msBeforeNext: number) => Math.max(1, Math.ceil(msBeforeNext / 1000));

/** Counts one point on the key: 0 when within the budget, else the seconds until it has budget again. */
async function consume({ limiter, key }: TKey): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (e) {
    // consume() rejects with a RateLimiterRes (not an Error) once over the limit.
    if (e instanceof RateLimiterRes) return secondsUntil(e.msBeforeNext);
    throw e;
  }
}

const giveBack = ({ limiter, key }: TKey) => limiter.reward(key, 1);

/** Seconds until the key is within its budget again, counting nothing; 0 when it is now (expired rows are not read). */
async function retryAfter({ limiter, key }: TKey): Promise<number> {
  const res = await limiter.get(key);
  return res && res.consumedPoints >= limiter.points ? secondsUntil(res.msBeforeNext) : 0;
}

// ---- Sign-in: SIGNIN_MAX_FAILURES_PER_ACCOUNT / _PER_IP per 15 minutes. Every attempt is counted per account
// and per client address BEFORE the password is checked: of a burst of any size only the first `limit`
// attempts are evaluated, the rest are refused unread. A successful sign-in gives its own attempt back, so
// the count is the number of failures (and attempts still being checked).

const SIGNIN_WINDOW_SECONDS = 15 * 60;

async function signInKeys(email: string, ip: string | null): Promise<TKey[]> {
  const [account, address] = await Promise.all([
    limiter("signin:account", env().SIGNIN_MAX_FAILURES_PER_ACCOUNT, SIGNIN_WINDOW_SECONDS),
    // Many people can share one address (an office NAT), so the per-address budget is larger.
    limiter("signin:ip", env().SIGNIN_MAX_FAILURES_PER_IP, SIGNIN_WINDOW_SECONDS),
  ]);
  return [{ limiter: account, key: email }, ...(ip ? [{ limiter: address, key: ip }] : [])];
}

/** Seconds until sign-in is allowed again for this account or address, or 0 when it is allowed now. */
export async function signInRetryAfter(email: string, ip: string | null): Promise<number> {
  const waits = await Promise.all((await signInKeys(email, ip)).map(retryAfter));
  return Math.max(0, ...waits);
}

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
  const keys = await signInKeys(email, ip);
  const waits = await Promise.all(keys.map(consume));
  if (waits.every((w) => w === 0)) return { allowed: true, succeeded: async () => void (await Promise.all(keys.map(giveBack))) };
  // Refused unread: the attempt gives back what it took from every key (the one over its limit stays at or
  // above the limit, since each of its points belongs to a failure or an attempt still being checked).
  await Promise.all(keys.map(giveBack));
  return { allowed: false };
}

/** One failed attempt on each key (for tests and tools that seed a count; sign-in uses beginSignInAttempt). */
export async function recordSignInFailure(email: string, ip: string | null): Promise<void> {
  await Promise.all((await signInKeys(email, ip)).map(consume));
}

// ---- Check value: SECRET_CHECKS_PER_MINUTE (default 10) per user and, separately, per secret (whoever asks),
// so neither one account nor several together can guess a value at more than that rate.

/**
 * Counts one check against the user, then the secret, each atomically (a burst cannot slip past either
 * budget). 0 when allowed; else the seconds until it may be tried again. The secret is counted only for a
 * check within the user's budget, and a refused check gives back what it took: an account over its own
 * budget does not spend the secret's budget for everyone else, and a burst of one user admits exactly its
 * budget (two counters taken at once would each admit a different subset of it).
 */
export async function beginSecretCheck(userId: string, secretId: string): Promise<number> {
  const points = env().SECRET_CHECKS_PER_MINUTE;
  const user: TKey = { limiter: await limiter("check:user", points, 60), key: userId };
  const secret: TKey = { limiter: await limiter("check:secret", points, 60), key: secretId };
  const userWait = await consume(user);
  if (userWait > 0) {
    await giveBack(user);
    return userWait;
  }
  const secretWait = await consume(secret);
  if (secretWait > 0) await Promise.all([giveBack(user), giveBack(secret)]);
  return secretWait;
}

// ---- Secrets API, failed authentications per client address (API_FAILED_AUTH_PER_MINUTE): only failures
// write, so guessing tokens from one address is slowed down. No address known: one shared "unknown" budget.

const BAD_AUTH_PREFIX = "api:badauth";
const badAuth = async (address: string | null): Promise<TKey> => ({
  limiter: await limiter(BAD_AUTH_PREFIX, env().API_FAILED_AUTH_PER_MINUTE, 60),
  key: address ?? "unknown",
});

/** The rate_limits key of an address's failed-authentication budget (rate-limiter-flexible's `prefix:key`). */
export function badAuthKey(address: string | null): string {
  return `${BAD_AUTH_PREFIX}:${address ?? "unknown"}`;
}

/** Seconds to wait, from the budget's row as read (points and expiry of an unexpired row, or nulls), else 0. */
export function badAuthRetryFromRow(points: number | null, expire: Date | null): number {
  if (points === null || points < env().API_FAILED_AUTH_PER_MINUTE) return 0;
  return secondsUntil((expire?.getTime() ?? Date.now() + 60_000) - Date.now());
}

/** Is this address already over its failed-authentication budget (without counting this attempt)? */
export async function badAuthRetryAfter(address: string | null): Promise<number> {
  return retryAfter(await badAuth(address));
}

/** Counts one failed authentication from this address. */
export async function recordBadAuth(address: string | null): Promise<void> {
  await consume(await badAuth(address));
}

// ---- Secrets API, per token: API_TOKEN_REQUESTS_PER_MINUTE, counted in memory and added to one shared row
// in batches, so the requests of one token do not queue on that row (see consumeTokenRequest for the tolerance).

/** Requests an instance may admit before the shared row has seen them (the cross-instance tolerance). */
export const TOKEN_SYNC_BATCH = 10;
const TOKEN_WINDOW_SECONDS = 60;

type TTokenCount = {
  /** The shared window's total as of the last upsert (every instance's requests). */
  known: number;
  /** Requests this instance admitted that the row has not seen yet. */
  unsent: number;
  /** When the shared window ends (ms since epoch); 0 before the first upsert. */
  windowEnd: number;
  sync: Promise<void> | null;
  /** Sends a few unsent requests that no later request has sent. */
  trailing: ReturnType<typeof setTimeout> | null;
};
const TRAILING_SYNC_MS = 1000;
const counts = () => (globalForLimiters.__tokenBudget ??= new Map());

// Adds a delta to the token's window (a new window when the row's has ended) and returns the total. Prepared
// (see preparedPerDb): every few requests of a busy token send it.
const tokenBudgetUpsert = preparedPerDb((db: Database) => {
  const ended = sql`${rateLimits.expire} is null or ${rateLimits.expire} <= now()`;
  return db
    .insert(rateLimits)
    .values({ key: sql.placeholder("key"), points: sql.placeholder("delta"), expire: sql`now() + interval '${sql.raw(String(TOKEN_WINDOW_SECONDS))} seconds'` })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        points: sql`case when ${ended} then excluded.points else ${rateLimits.points} + excluded.points end`,
        expire: sql`case when ${ended} then excluded.expire else ${rateLimits.expire} end`,
      },
    })
    .returning({ points: rateLimits.points, expire: rateLimits.expire })
    .prepare("token_budget");
});

/** Adds this instance's unsent requests to the shared row and learns the window's total; one in flight per token. */
function sync(key: string, c: TTokenCount): Promise<void> {
  c.sync ??= (async () => {
    try {
      const delta = c.unsent;
      const [row] = await tokenBudgetUpsert(await getDb()).execute({ key, delta });
      c.unsent -= delta;
      c.known = Number(row!.points);
      c.windowEnd = new Date(row!.expire!).getTime();
    } finally {
      c.sync = null;
    }
  })();
  return c.sync;
}

/**
 * Counts one request of this token; seconds to wait when over the budget, else 0.
 *
 * Each instance counts in memory and adds its count to the token's row in rate_limits in batches: one upsert
 * carries every request admitted since the last one and returns the shared window's total, against which the
 * next requests are decided. A request waits for the database only when it is the first of a window in this
 * instance, or when TOKEN_SYNC_BATCH requests are already unsent (it then waits for that one upsert).
 *
 * Half a batch unsent starts that upsert in the background; fewer than that are sent within a second.
 *
 * Tolerance: the row lacks at most TOKEN_SYNC_BATCH requests per instance at any moment, so a token gets at
 * most its budget + N × 10 requests per 60-second window on N instances (exact on one instance).
 */
export async function consumeTokenRequest(tokenId: string): Promise<number> {
  const limit = env().API_TOKEN_REQUESTS_PER_MINUTE;
  const key = `api:token:${tokenId}`;
  const map = counts();
  let c = map.get(key);
  if (!c) map.set(key, (c = { known: 0, unsent: 0, windowEnd: 0, sync: null, trailing: null }));
  if (Date.now() >= c.windowEnd) {
    // A new window here: learn the shared total before deciding.
    while (c.sync) await c.sync;
    if (Date.now() >= c.windowEnd) await sync(key, c);
  }
  if (c.known + c.unsent >= limit) return Math.max(1, Math.ceil((c.windowEnd - Date.now()) / 1000));
  c.unsent += 1;
  if (c.unsent >= TOKEN_SYNC_BATCH) {
    while (c.unsent >= TOKEN_SYNC_BATCH) await sync(key, c);
  } else if (!c.sync && c.unsent >= TOKEN_SYNC_BATCH / 2) {
    // Half a batch unsent: send it in the background, so a busy token rarely waits. (An upsert per request
    // was a fourth round trip on every read.) Errors surface on the next request that has to wait for a sync.
    sync(key, c).catch(() => {});
  } else if (!c.trailing) {
    // A quiet token's last few requests still reach the shared row within a second.
    c.trailing = setTimeout(() => {
      c.trailing = null;
      if (c.unsent > 0 && !c.sync) sync(key, c).catch(() => {});
    }, TRAILING_SYNC_MS);
    c.trailing.unref?.();
  }
  if (map.size > 10_000) {
    const now = Date.now();
    for (const [k, v] of map) if (v.windowEnd < now && !v.sync && !v.trailing && v.unsent === 0) map.delete(k);
  }
  return 0;
}

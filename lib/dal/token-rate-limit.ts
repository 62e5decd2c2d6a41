import "server-only";
// Budgets of the secrets API, kept in the database so every app instance shares them.
// - Per token (API_TOKEN_REQUESTS_PER_MINUTE): counted in memory and added to one shared row in batches, so
//   the requests of one token do not queue on that row (see consumeTokenRequest for the tolerance).
// - Failed authentications per client address (API_FAILED_AUTH_PER_MINUTE): rate-limiter-flexible's Drizzle
//   store; only failures write, so guessing tokens from one address is slowed down.
import { sql } from "drizzle-orm";
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import { getDb, type Database } from "@/db/client";
import { preparedPerDb } from "./sql";
import { rateLimits } from "@/db/schema";
import { env } from "@/lib/env";

const globalForLimiters = globalThis as unknown as { __apiBadAuth?: Promise<RateLimiterDrizzle>; __tokenBudget?: Map<string, TTokenCount> };

function badAuthLimiter(): Promise<RateLimiterDrizzle> {
  globalForLimiters.__apiBadAuth ??= getDb().then(
    (db) =>
      new RateLimiterDrizzle({ storeClient: db, schema: rateLimits, keyPrefix: BAD_AUTH_PREFIX, points: env().API_FAILED_AUTH_PER_MINUTE, duration: 60, clearExpiredByTimeout: false }),
  );
  return globalForLimiters.__apiBadAuth;
}

const BAD_AUTH_PREFIX = "api:badauth";

/** The rate_limits key of an address's failed-authentication budget (rate-limiter-flexible's `prefix:key`). */
export function badAuthKey(address: string | null): string {
  return `${BAD_AUTH_PREFIX}:${address ?? "unknown"}`;
}

/** Seconds to wait, from the budget's row as read (points and expiry of an unexpired row, or nulls), else 0. */
export function badAuthRetryFromRow(points: number | null, expire: Date | null): number {
  if (points === null || points < env().API_FAILED_AUTH_PER_MINUTE) return 0;
  return Math.max(1, Math.ceil(((expire?.getTime() ?? Date.now() + 60_000) - Date.now()) / 1000));
}

/** Is this address already over its failed-authentication budget (without counting this attempt)? */
export async function badAuthRetryAfter(address: string | null): Promise<number> {
  const l = await badAuthLimiter();
  const res = await l.get(address ?? "unknown");
  return res && res.consumedPoints >= l.points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
}

/** Counts one failed authentication from this address (no address known: one shared "unknown" budget). */
export async function recordBadAuth(address: string | null): Promise<void> {
  try {
    await (await badAuthLimiter()).consume(address ?? "unknown");
  } catch (e) {
    if (!(e instanceof RateLimiterRes)) throw e;
  }
}

// ---- Per-token budget.

/** Requests an instance may admit before the shared row has seen them (the cross-instance tolerance). */
export const TOKEN_SYNC_BATCH = 10;
const WINDOW_SECONDS = 60;

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
    .values({ key: sql.placeholder("key"), points: sql.placeholder("delta"), expire: sql`now() + interval '${sql.raw(String(WINDOW_SECONDS))} seconds'` })
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

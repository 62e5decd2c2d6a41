import "server-only";
// The usage recorder: "Last used" of secrets and tokens, written off the read path.
//
// Why: writing last_used_at inside a read's transaction made every reader of the same secrets (and every
// request of one token) queue on the same row locks, and two reads locking the same rows in different orders
// deadlocked (pg 40P01). Readers now only call recordUsage(), which is synchronous and touches memory; a
// flusher writes what accumulated, every USAGE_FLUSH_MS (default 5 s) and at shutdown (flushUsage()).
//
// Guarantees:
// - No row is written more than once a minute (USAGE_ROW_INTERVAL_SECONDS): per process by memory, and across
//   instances by the UPDATE's own guard (`last_used_at < at - interval`). "Last used" may lag by that much.
// - Deterministic order and no waiting: each table is written by one statement that locks its rows in id
//   order with FOR UPDATE SKIP LOCKED, outside any other transaction, so the flusher can neither deadlock
//   with a reader, a rotation or another instance's flusher, nor wait for them (a skipped row is simply
//   written by whoever holds it, or at the next flush).
// - A failed flush keeps its entries for the next one (logged by kind and code only).
//
// API (the version each consumer last received is written from the same entries: ./consumer-versions.ts):
//   recordUsage({ teamId, consumerKind: "token" | "webhook", consumerId, secretId, version, at? })
//     one call per secret a consumer received (secretId + version), or with secretId/version null for a use
//     that carried no value (`?values=false`). Entries coalesce by (kind, consumer, secret): the latest `at`
//     and its version win.
//   flushUsage(): writes everything pending now (tests, shutdown).
//   USAGE_WRITERS: the list of writers a flush runs, in order, each given every pending entry. A new kind of
//     usage data (e.g. a consumer-version table) is one more writer: a function of (db, entries) that writes
//     in a deterministic order without waiting on locks, and uses `due()` for its once-a-minute rule.
import { sql, type SQL } from "drizzle-orm";
import { getDb, type Executor } from "@/db/client";
import { env } from "@/lib/env";
import { logError } from "@/lib/log";
import { writeConsumerVersions, type TVersionEntry } from "./consumer-versions";

export type TUsageConsumerKind = "token" | "webhook";
export type TUsage = {
  teamId: string;
  consumerKind: TUsageConsumerKind;
  consumerId: string;
  /** The secret the consumer received, or null for a use that carried no value. */
  secretId: string | null;
  /** The version of that secret the consumer received (null with secretId null). */
  version: number | null;
  /** When the consumer received it (default: now). */
  at?: Date;
};
export type TUsageEntry = Required<TUsage>;
export type TUsageWriter = (db: Executor, entries: readonly TUsageEntry[]) => Promise<void>;

const ROW_INTERVAL_MS = () => env().USAGE_ROW_INTERVAL_SECONDS * 1000;
const FLUSH_MS = () => env().USAGE_FLUSH_MS;

type TState = {
  pending: Map<string, TUsageEntry>;
  /** row key -> when this process last wrote it (and the version it wrote, for version-carrying rows). */
  written: Map<string, { at: number; version: number | null }>;
  timer?: NodeJS.Timeout;
  flushing: Promise<void> | null;
};
const g = globalThis as unknown as { __usageRecorder?: TState };
const state = (): TState => (g.__usageRecorder ??= { pending: new Map(), written: new Map(), flushing: null });

/** Records that a consumer received a secret (or used its access without a value). Never touches the database. */
export function recordUsage(u: TUsage): void {
  const s = state();
  const entry: TUsageEntry = { ...u, at: u.at ?? new Date() };
  const key = `${u.consumerKind}:${u.consumerId}:${u.secretId ?? ""}`;
  const prev = s.pending.get(key);
  if (!prev || prev.at.getTime() <= entry.at.getTime()) s.pending.set(key, entry);
  if (!s.timer && FLUSH_MS() > 0) {
    s.timer = setTimeout(() => {
      s.timer = undefined;
      void flushUsage();
    }, FLUSH_MS());
    s.timer.unref?.();
  }
}

/**
 * May `rowKey` be written for a use at `at` (carrying `version`)? True when this process has not written it in
 * the last minute, or the version differs from the one it wrote. Marks it written when true.
 */
export function due(rowKey: string, at: Date, version: number | null = null): boolean {
  const s = state();
  const last = s.written.get(rowKey);
  if (last && at.getTime() - last.at < ROW_INTERVAL_MS() && last.version === version) return false;
  s.written.set(rowKey, { at: at.getTime(), version });
  if (s.written.size > 50_000) {
    const cutoff = Date.now() - ROW_INTERVAL_MS();
    for (const [k, v] of s.written) if (v.at < cutoff) s.written.delete(k);
  }
  return true;
}

/** Latest use per row id, for rows this process may write now; sorted by id (the lock order). */
function latestPerRow(table: string, entries: readonly TUsageEntry[], pick: (e: TUsageEntry) => string | null) {
  const rows = new Map<string, { teamId: string; id: string; at: Date }>();
  for (const e of entries) {
    const id = pick(e);
    if (!id) continue;
    const prev = rows.get(id);
    if (!prev || prev.at < e.at) rows.set(id, { teamId: e.teamId, id, at: e.at });
  }
  return [...rows.values()].filter((r) => due(`${table}:${r.id}`, r.at)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * One statement per table: lock the rows that are due, in id order, skipping any another transaction holds,
 * and set last_used_at unless some instance already wrote it within the interval.
 */
async function touch(db: Executor, table: "secrets" | "access_tokens", rows: { teamId: string; id: string; at: Date }[]): Promise<void> {
  if (rows.length === 0) return;
  const t = sql.identifier(table);
  const values = sql.join(
    rows.map((r) => sql`(${r.teamId}::uuid, ${r.id}::uuid, ${r.at.toISOString()}::timestamptz)`),
    sql`, `,
  );
  const interval = `${Math.round(ROW_INTERVAL_MS() / 1000)} seconds`;
  const q: SQL = sql`
    with u(team_id, id, at) as (values ${values}),
    locked as (
      select r.id, u.at from ${t} r join u on u.id = r.id and u.team_id = r.team_id
      where r.last_used_at is null or r.last_used_at < u.at - ${interval}::interval
      order by r.id
      for update of r skip locked
    )
    update ${t} r set last_used_at = locked.at from locked where r.id = locked.id`;
  await db.execute(q);
}

/** Secrets' Last used: every secret any consumer received. */
const writeSecretsLastUsed: TUsageWriter = (db, entries) => touch(db, "secrets", latestPerRow("secrets", entries, (e) => e.secretId));

/** Tokens' Last used (webhooks have no such column; their use shows on the secrets they carry). */
const writeTokensLastUsed: TUsageWriter = (db, entries) =>
  touch(db, "access_tokens", latestPerRow("access_tokens", entries, (e) => (e.consumerKind === "token" ? e.consumerId : null)));

/**
 * Which version of each secret each consumer last received (consumer_secret_versions), and the close-out of
 * rotations that this completes (`secret.consumers_current`): see ./consumer-versions.ts.
 */
const writeVersions: TUsageWriter = (db, entries) =>
  writeConsumerVersions(
    db,
    entries.filter((e): e is TUsageEntry & TVersionEntry => e.secretId !== null && e.version !== null),
    due,
  );

export const USAGE_WRITERS: TUsageWriter[] = [writeSecretsLastUsed, writeTokensLastUsed, writeVersions];

async function flushOnce(): Promise<void> {
  const s = state();
  if (s.pending.size === 0) return;
  const batch = s.pending;
  s.pending = new Map();
  const entries = [...batch.values()];
  try {
    const db = await getDb();
    for (const write of USAGE_WRITERS) await write(db, entries);
  } catch (err) {
    // Keep what was not written for the next flush (a newer entry for the same key wins), and forget that
    // these rows were "written", so the retry is not throttled away.
    for (const [k, e] of batch) {
      const cur = s.pending.get(k);
      if (!cur || cur.at < e.at) s.pending.set(k, e);
    }
    s.written.clear();
    logError("usageRecorder", err);
  }
}

/** Writes everything recorded so far. Concurrent calls share one flush, then run another for what came after. */
export async function flushUsage(): Promise<void> {
  const s = state();
  while (s.flushing) await s.flushing;
  s.flushing = flushOnce().finally(() => (s.flushing = null));
  await s.flushing;
}

/** Pending entries (tests). */
export function pendingUsageCount(): number {
  return state().pending.size;
}

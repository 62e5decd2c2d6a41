import "server-only";
// Which version of each secret each consumer last received (issue 12, "consumers on an old version").
//
// Consumers are exactly the secret's Used by (./secret-usage.ts): live access tokens bound to it (not revoked,
// not expired) and webhooks that have it selected. A consumer's row (consumer_secret_versions) says which
// version it last received and when; a consumer without a row has not received this secret yet (a new token
// not used since, a webhook that has not delivered since it was given the secret, or whose template does not
// reference it) and so holds no old value: it is listed as "Not fetched yet", never counted as behind, and
// does not hold back `secret.consumers_current`.
//
// Writes come only from the usage recorder's flush (writeConsumerVersions, registered in ./usage-recorder.ts):
// one upsert in primary-key order that only moves a row forward (a higher version, or the same version
// fetched later than the once-a-minute interval), then the close-out check (closeOutRotations) for the
// secrets of the batch. The read path of the secrets API writes nothing new.
//
// `secret.consumers_current` fires once per rotation: when, after a rotation (version ≥ 2), no live consumer
// is behind and at least one has received the current version. The guard is secret_consumers_current: an
// INSERT … ON CONFLICT that only moves forward, in the transaction that queues the event, so two instances
// flushing at once emit it once (the second waits for the first's row and then finds nothing to move). Each
// flush commits its version rows before it checks, so of two concurrent flushes the later one sees both.
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { consumerSecretVersions } from "@/db/schema";
import { summarizeConsumerVersions, type TConsumerVersions } from "@/lib/consumer-versions";
import { env } from "@/lib/env";
import type { TConsumer, TConsumerKind } from "@/lib/types/secrets";
import { consumerHref } from "./secret-usage";
import { emitTeamEvent } from "./team-events";

/** What a consumer last received of one secret. */
export type TFetched = { version: number; lastFetchedAt: Date };

const key = (kind: TConsumerKind, id: string) => `${kind}:${id}`;

/** The recorded versions of these secrets (one team), keyed by secret id, then by "kind:consumerId". */
export async function fetchedVersionsBySecret(db: Executor, teamId: string, secretIds: string[]): Promise<Map<string, Map<string, TFetched>>> {
  const out = new Map<string, Map<string, TFetched>>(secretIds.map((id) => [id, new Map()]));
  if (secretIds.length === 0) return out;
  const rows = await db
    .select({
      secretId: consumerSecretVersions.secretId,
      kind: consumerSecretVersions.consumerKind,
      consumerId: consumerSecretVersions.consumerId,
      version: consumerSecretVersions.version,
      lastFetchedAt: consumerSecretVersions.lastFetchedAt,
    })
    .from(consumerSecretVersions)
    .where(and(eq(consumerSecretVersions.teamId, teamId), inArray(consumerSecretVersions.secretId, secretIds)));
  for (const r of rows) out.get(r.secretId)?.set(key(r.kind, r.consumerId), { version: r.version, lastFetchedAt: r.lastFetchedAt });
  return out;
}

/** The secret's consumers with what each last received, and the row's summary ("2 of 5 consumers still on v3"). */
export function consumerVersionsOf(
  teamSlug: string,
  currentVersion: number,
  consumers: readonly TConsumer[],
  fetched: Map<string, TFetched> | undefined,
): TConsumerVersions {
  return summarizeConsumerVersions(
    currentVersion,
    consumers.map((c) => {
      const f = fetched?.get(key(c.kind, c.id));
      return { ...c, href: consumerHref(teamSlug, c), version: f?.version ?? null, lastFetchedAt: f?.lastFetchedAt.toISOString() ?? null };
    }),
  );
}

// ---- Writes (the usage recorder's flush) -----------------------------------------------------------------

export type TVersionEntry = { teamId: string; consumerKind: TConsumerKind; consumerId: string; secretId: string; version: number; at: Date };

/** Rows of `db.execute`, which differ by driver (postgres.js: an array; PGlite: `{ rows }`). */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Writes the versions consumers received, then closes out the rotations this completed. `due(rowKey, at,
 * version)` is the recorder's once-a-minute rule per process (a changed version is always due).
 */
export async function writeConsumerVersions(
  db: Executor,
  entries: readonly TVersionEntry[],
  due: (rowKey: string, at: Date, version: number | null) => boolean,
): Promise<void> {
  if (entries.length === 0) return;
  // The primary key's order (secret, kind, consumer): two flushes lock the rows they share in the same order.
  const rows = entries
    .filter((e) => due(`consumer_secret_versions:${e.secretId}:${e.consumerKind}:${e.consumerId}`, e.at, e.version))
    .sort((a, b) => cmp(a.secretId, b.secretId) || cmp(a.consumerKind, b.consumerKind) || cmp(a.consumerId, b.consumerId));
  if (rows.length > 0) {
    const col = <T>(f: (r: TVersionEntry) => T) => sql.param(rows.map(f));
    const interval = `${env().USAGE_ROW_INTERVAL_SECONDS} seconds`;
    // Only secrets of the entry's team that still exist; a row only moves forward (a use read before a
    // rotation but flushed after a newer one never takes a consumer back). Times travel as text (postgres.js
    // as configured here refuses a timestamptz[] parameter).
    await db.execute(sql`
      INSERT INTO consumer_secret_versions (secret_id, team_id, consumer_kind, consumer_id, version, last_fetched_at)
      SELECT u.secret_id, u.team_id, u.kind::secret_consumer_kind, u.consumer_id, u.version, u.at::timestamptz
      FROM unnest(${col((r) => r.secretId)}::uuid[], ${col((r) => r.teamId)}::uuid[], ${col((r) => r.consumerKind)}::text[],
                  ${col((r) => r.consumerId)}::uuid[], ${col((r) => r.version)}::int[], ${col((r) => r.at.toISOString())}::text[])
        AS u(secret_id, team_id, kind, consumer_id, version, at)
      JOIN secrets s ON s.id = u.secret_id AND s.team_id = u.team_id
      ORDER BY u.secret_id, u.kind, u.consumer_id
      ON CONFLICT (secret_id, consumer_kind, consumer_id) DO UPDATE
        SET version = excluded.version, last_fetched_at = excluded.last_fetched_at
        WHERE consumer_secret_versions.version < excluded.version
           OR (consumer_secret_versions.version = excluded.version
               AND consumer_secret_versions.last_fetched_at < excluded.last_fetched_at - ${interval}::interval)`);
  }
  // Every secret of the batch is checked, written now or not: a flush that failed after its upsert committed
  // is retried with rows that no longer change, and its close-out must still happen.
  const byTeam = new Map<string, Set<string>>();
  for (const e of entries) (byTeam.get(e.teamId) ?? byTeam.set(e.teamId, new Set()).get(e.teamId)!).add(e.secretId);
  for (const [teamId, ids] of byTeam) await closeOutRotations(db, teamId, [...ids]);
}

/** SQL: the consumer row `c` belongs to a live consumer of the secret `s` (as consumersBySecret counts them). */
function liveConsumerRow(c: string, s: string): SQL {
  const C = sql.raw(c);
  const S = sql.raw(s);
  return sql`${C}.secret_id = ${S}.id AND ${C}.team_id = ${S}.team_id AND (
    (${C}.consumer_kind = 'token' AND EXISTS (
      SELECT 1 FROM access_token_secrets b JOIN access_tokens t ON t.id = b.token_id AND t.team_id = b.team_id
      WHERE b.token_id = ${C}.consumer_id AND b.secret_id = ${S}.id AND b.team_id = ${S}.team_id
        AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())))
    OR (${C}.consumer_kind = 'webhook' AND EXISTS (
      SELECT 1 FROM webhook_secrets b WHERE b.webhook_id = ${C}.consumer_id AND b.secret_id = ${S}.id AND b.team_id = ${S}.team_id)))`;
}

/**
 * For these secrets of one team: emits `secret.consumers_current` for each rotated secret whose live
 * consumers have all caught up (none behind, at least one on the current version), once per version.
 * Called by the flush, and inside the transactions that take a consumer away (revoking a token, changing or
 * deleting a webhook), since the one left behind may have been the last. Returns how many it emitted.
 */
export async function closeOutRotations(db: Executor, teamId: string, secretIds: string[]): Promise<number> {
  if (secretIds.length === 0) return 0;
  const run = async (tx: Executor) => {
    const result = await tx.execute(sql`
      WITH cand AS (
        SELECT s.id, s.team_id, s.name, s.version,
               (SELECT count(*)::int FROM consumer_secret_versions c WHERE ${liveConsumerRow("c", "s")} AND c.version = s.version) AS on_current
        FROM secrets s
        WHERE s.team_id = ${teamId}::uuid AND s.id = ANY(${sql.param(secretIds)}::uuid[]) AND s.version > 1
          AND NOT EXISTS (SELECT 1 FROM consumer_secret_versions c WHERE ${liveConsumerRow("c", "s")} AND c.version < s.version)
      ),
      closed AS (
        INSERT INTO secret_consumers_current (secret_id, team_id, version)
        SELECT id, team_id, version FROM cand WHERE on_current > 0
        ORDER BY id
        ON CONFLICT (secret_id) DO UPDATE SET version = excluded.version, reached_at = now()
          WHERE secret_consumers_current.version < excluded.version
        RETURNING secret_id, version
      )
      SELECT cand.name, closed.version, cand.on_current AS "onCurrent" FROM closed JOIN cand ON cand.id = closed.secret_id
      ORDER BY cand.name`);
    const closed = rowsOf<{ name: string; version: number; onCurrent: number }>(result);
    // Names and numbers only: never a value.
    for (const c of closed) {
      await emitTeamEvent(tx, teamId, "secret.consumers_current", { secret: c.name, version: Number(c.version), consumers: Number(c.onCurrent) });
    }
    return closed.length;
  };
  // Its own transaction (a savepoint inside a caller's): the guard row and the queued event commit together.
  return db.transaction(run);
}

/** Inside a secret's delete: its consumers' rows and its close-out guard go with it. */
export async function deleteSecretConsumerRowsTx(tx: Executor, teamId: string, secretId: string): Promise<void> {
  // Locked in primary-key order first, as the flush locks them: a delete and a flush cannot deadlock.
  await tx.execute(sql`
    WITH doomed AS (
      SELECT secret_id, consumer_kind, consumer_id FROM consumer_secret_versions
      WHERE team_id = ${teamId}::uuid AND secret_id = ${secretId}::uuid
      ORDER BY secret_id, consumer_kind, consumer_id FOR UPDATE
    )
    DELETE FROM consumer_secret_versions c USING doomed d
    WHERE c.secret_id = d.secret_id AND c.consumer_kind = d.consumer_kind AND c.consumer_id = d.consumer_id`);
  await tx.execute(sql`DELETE FROM secret_consumers_current WHERE team_id = ${teamId}::uuid AND secret_id = ${secretId}::uuid`);
}

/**
 * Inside a webhook's update or delete: forgets what it received of secrets it no longer sends (unselected,
 * or no longer referenced by its template; all of them when `keep` is empty), so a webhook that stopped
 * sending a secret is not reported behind on it forever. Returns the secrets it forgot.
 */
export async function forgetWebhookSecretsTx(tx: Executor, teamId: string, webhookId: string, keep: string[]): Promise<string[]> {
  const result = await tx.execute(sql`
    WITH doomed AS (
      SELECT secret_id, consumer_kind, consumer_id FROM consumer_secret_versions
      WHERE team_id = ${teamId}::uuid AND consumer_kind = 'webhook' AND consumer_id = ${webhookId}::uuid
        AND NOT (secret_id = ANY(${sql.param(keep)}::uuid[]))
      ORDER BY secret_id, consumer_kind, consumer_id FOR UPDATE
    )
    DELETE FROM consumer_secret_versions c USING doomed d
    WHERE c.secret_id = d.secret_id AND c.consumer_kind = d.consumer_kind AND c.consumer_id = d.consumer_id
    RETURNING c.secret_id AS "secretId"`);
  return rowsOf<{ secretId: string }>(result).map((r) => r.secretId);
}

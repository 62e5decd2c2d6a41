import "server-only";
// SQL of key rotation: which envelopes are wrapped by which key, the next batch still under another key,
// and the compare-and-swap that replaces wrapped keys. No key work here (lib/jobs/key-rewrap.ts does it).
//
// Every envelope-encrypted column is listed in ENVELOPE_COLUMNS; `keys status` and `keys rotate` cover
// exactly that list, and tests/integration/key-rotation.test.ts fails when a column holding envelopes is
// missing from it.
import { and, asc, count, eq, gt, ne, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { auditEvents, keyMaterial, secrets, secretValues, webhookSigningSecrets } from "@/db/schema";
import { auditEventColumns } from "./audit";
import { columnsOf, executePrepared, preparedPerDb } from "./sql";
import type { TMachineActor } from "@/lib/types/actor";

export type TEnvelopeColumn = "secret_values.ciphertext" | "key_material.wrapped" | "webhook_signing_secrets.ciphertext";
export const ENVELOPE_COLUMNS: readonly TEnvelopeColumn[] = ["secret_values.ciphertext", "key_material.wrapped", "webhook_signing_secrets.ciphertext"];

// Signing secrets are few (one or two per webhook): selected by the key id inside the envelope, no column.
const signingKeyId = sql<string>`split_part(${webhookSigningSecrets.ciphertext}, ':', 2)`;

/** How many envelopes each key id wraps, per column. */
export async function countEnvelopesByKey(): Promise<{ column: TEnvelopeColumn; keyId: string; count: number }[]> {
  const db = await getDb();
  const [values, material, signing] = await Promise.all([
    db.select({ keyId: secretValues.keyId, n: count() }).from(secretValues).groupBy(secretValues.keyId),
    db.select({ keyId: keyMaterial.keyId, n: count() }).from(keyMaterial).groupBy(keyMaterial.keyId),
    db.select({ keyId: signingKeyId, n: count() }).from(webhookSigningSecrets).groupBy(signingKeyId),
  ]);
  return [
    ...signing.map((r) => ({ column: "webhook_signing_secrets.ciphertext" as const, keyId: r.keyId, count: r.n })),
    ...values.map((r) => ({ column: "secret_values.ciphertext" as const, keyId: r.keyId, count: r.n })),
    ...material.map((r) => ({ column: "key_material.wrapped" as const, keyId: r.keyId, count: r.n })),
  ];
}

export type TSecretValueRow = { secretId: string; teamId: string; version: number; ciphertext: string };

// Below every generated id (random UUIDs): the first page starts after it.
const FIRST_ID = "00000000-0000-0000-0000-000000000000";

// One page of the primary key in order, whatever the key: a plan that no statistic can spoil. Filtering by
// `key_id <> active` in the WHERE let the planner trust key_id statistics taken before the rotation (say
// "every value is under key A" when re-wrapping back to A): it then expected one row, chose a nested loop over
// every remaining value plus a sort, and each batch read the whole rest of the table (quadratic). Values
// already under the active key come back without their ciphertext and are passed over. Both sides of the
// join are bounded by the cursor (bounding only secret_values made the merge join read `secrets` from its
// first id on every batch). Prepared (see lib/dal/sql.ts): one round trip per batch, no parse.
const pageQuery = preparedPerDb((db: Database) =>
  db
    .select({
      secretId: secretValues.secretId,
      teamId: secretValues.teamId,
      version: secrets.version,
      ciphertext: sql<string | null>`case when ${secretValues.keyId} <> ${sql.placeholder("activeKeyId")} then ${secretValues.ciphertext} end`,
    })
    .from(secretValues)
    .innerJoin(secrets, and(eq(secrets.id, secretValues.secretId), eq(secrets.teamId, secretValues.teamId)))
    .where(and(gt(secretValues.secretId, sql.placeholder("afterId")), gt(secrets.id, sql.placeholder("afterId"))))
    .orderBy(asc(secretValues.secretId))
    .limit(sql.placeholder("limit"))
    .prepare("keys_rewrap_page"),
);

/**
 * The next `limit` secret values after `afterId` in id order (keyset pagination): those not under
 * `activeKeyId` (with the version their envelope is bound to: the secret's current version, as on reads),
 * and the last id looked at (null at the end of the table).
 */
export async function pageSecretValuesNotUnder(
  activeKeyId: string,
  afterId: string | null,
  limit: number,
): Promise<{ rows: TSecretValueRow[]; lastId: string | null }> {
  const page = await pageQuery(await getDb()).execute({ activeKeyId, afterId: afterId ?? FIRST_ID, limit });
  return { rows: page.filter((r): r is TSecretValueRow => r.ciphertext !== null), lastId: page.at(-1)?.secretId ?? null };
}

export async function countSecretValuesNotUnder(activeKeyId: string): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(secretValues).where(ne(secretValues.keyId, activeKeyId));
  return row?.n ?? 0;
}

export type TSwap = { secretId: string; teamId: string; from: string; to: string };

const ACTOR: TMachineActor = { id: null, label: "keys rotate" };

/**
 * One batch, one statement and so one transaction: replaces each ciphertext only if it is still the one
 * that was re-wrapped (a value rotated meanwhile is skipped, never overwritten), and writes one
 * `keys.rewrapped` audit event per team with counts only, from what the UPDATE actually changed. The swap
 * and its events commit together or not at all (a kill -9 mid-way leaves neither).
 *
 * One prepared statement instead of BEGIN, UPDATE, INSERT, COMMIT as four unnamed ones: one round trip per
 * batch instead of six, and no server-side parse. Arrays (unnest), not bind parameters per row.
 */
export async function swapSecretValues(toKeyId: string, swaps: TSwap[]): Promise<{ rewrapped: number; skipped: number }> {
  if (swaps.length === 0) return { rewrapped: 0, skipped: 0 };
  // The batch's id range bounds the scan (a batch is a keyset range of the primary key): without it the
  // planner hashed the whole table for each batch. UUIDs order as their lowercase text does.
  let lo = swaps[0]!.secretId.toLowerCase();
  let hi = lo;
  for (const s of swaps) {
    const id = s.secretId.toLowerCase();
    if (id < lo) lo = id;
    if (id > hi) hi = id;
  }
  const col = (f: (s: TSwap) => string) => sql.param(swaps.map(f));
  const event = auditEventColumns({ actor: ACTOR, action: "keys.rewrapped", targetType: "keys", targetName: toKeyId });
  const rows = await executePrepared<{ rewrapped: number; skipped: number }>(
    await getDb(),
    sql`with v as (
        select * from unnest(${col((s) => s.secretId)}::uuid[], ${col((s) => s.teamId)}::uuid[], ${col((s) => s.from)}::text[], ${col((s) => s.to)}::text[]) as v(id, team, prev, next)
      ), swapped as (
        update ${secretValues} as sv set ciphertext = v.next, key_id = ${toKeyId}::text
        from v
        where sv.secret_id = v.id and sv.secret_id between ${lo}::uuid and ${hi}::uuid and sv.ciphertext = v.prev
        returning sv.secret_id
      ), per_team as (
        select v.team, count(swapped.secret_id)::int as rewrapped, (count(*) - count(swapped.secret_id))::int as skipped
        from v left join swapped on swapped.secret_id = v.id
        group by v.team
      ), events as (
        insert into ${auditEvents} (team_id, actor_id, actor_label, action, target_type, target_name, metadata)
        select per_team.team, ${event.actorId}::uuid, ${event.actorLabel}::text, ${event.action}::text, ${event.targetType}::text, ${event.targetName}::text,
          jsonb_build_object('rewrapped', per_team.rewrapped, 'skipped', per_team.skipped, 'toKeyId', ${toKeyId}::text)
        from per_team
      )
      select coalesce(sum(rewrapped), 0)::int as rewrapped, coalesce(sum(skipped), 0)::int as skipped from per_team`,
  );
  return rows[0] ?? { rewrapped: 0, skipped: 0 };
}

export async function listKeyMaterialNotUnder(activeKeyId: string): Promise<{ name: string; wrapped: string }[]> {
  const db = await getDb();
  return db.select({ name: keyMaterial.name, wrapped: keyMaterial.wrapped }).from(keyMaterial).where(ne(keyMaterial.keyId, activeKeyId));
}

/** Compare-and-swap of one piece of key material. */
export async function swapKeyMaterial(name: string, from: string, to: string, toKeyId: string): Promise<boolean> {
  const db = await getDb();
  const done = await db
    .update(keyMaterial)
    .set({ wrapped: to, keyId: toKeyId })
    .where(and(eq(keyMaterial.name, name), eq(keyMaterial.wrapped, from)))
    .returning({ name: keyMaterial.name });
  return done.length === 1;
}

export type TSigningRow = { id: string; teamId: string; webhookId: string; version: number; ciphertext: string };

/** Webhook signing secrets not under `activeKeyId`, in id order after `afterId`. */
export async function listSigningSecretsNotUnder(activeKeyId: string, afterId: string | null, limit: number): Promise<TSigningRow[]> {
  const db = await getDb();
  return db
    .select(columnsOf(webhookSigningSecrets, "id", "teamId", "webhookId", "version", "ciphertext"))
    .from(webhookSigningSecrets)
    .where(and(ne(signingKeyId, activeKeyId), afterId ? gt(webhookSigningSecrets.id, afterId) : undefined))
    .orderBy(asc(webhookSigningSecrets.id))
    .limit(limit);
}

/** Compare-and-swap of one signing secret (a rotation meanwhile wins). */
export async function swapSigningSecret(id: string, teamId: string, from: string, to: string): Promise<boolean> {
  const db = await getDb();
  const done = await db
    .update(webhookSigningSecrets)
    .set({ ciphertext: to })
    .where(and(eq(webhookSigningSecrets.id, id), eq(webhookSigningSecrets.teamId, teamId), eq(webhookSigningSecrets.ciphertext, from)))
    .returning({ id: webhookSigningSecrets.id });
  return done.length === 1;
}

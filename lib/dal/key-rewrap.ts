import "server-only";
// SQL of key rotation: which envelopes are wrapped by which key, the next batch still under another key,
// and the compare-and-swap that replaces wrapped keys. No key work here (lib/jobs/key-rewrap.ts does it).
//
// Every envelope-encrypted column is listed in ENVELOPE_COLUMNS; `keys status` and `keys rotate` cover
// exactly that list, and tests/integration/key-rotation.test.ts fails when a column holding envelopes is
// missing from it.
import { and, asc, count, eq, gt, ne, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { keyMaterial, secrets, secretValues, webhookSigningSecrets } from "@/db/schema";
import { recordAudit } from "./audit";
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

/** Next batch of secret values not under `activeKeyId`, in id order after `afterId` (keyset pagination). */
export async function listSecretValuesNotUnder(activeKeyId: string, afterId: string | null, limit: number): Promise<TSecretValueRow[]> {
  const db = await getDb();
  // The version an envelope is bound to is the secret's current version (secrets.version), as on reads.
  return db
    .select({ secretId: secretValues.secretId, teamId: secretValues.teamId, version: secrets.version, ciphertext: secretValues.ciphertext })
    .from(secretValues)
    .innerJoin(secrets, and(eq(secrets.id, secretValues.secretId), eq(secrets.teamId, secretValues.teamId)))
    .where(and(ne(secretValues.keyId, activeKeyId), afterId ? gt(secretValues.secretId, afterId) : undefined))
    .orderBy(asc(secretValues.secretId))
    .limit(limit);
}

export async function countSecretValuesNotUnder(activeKeyId: string): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(secretValues).where(ne(secretValues.keyId, activeKeyId));
  return row?.n ?? 0;
}

export type TSwap = { secretId: string; teamId: string; from: string; to: string };

const ACTOR: TMachineActor = { id: null, label: "keys rotate" };

/**
 * One batch, one transaction: replaces each ciphertext only if it is still the one that was re-wrapped
 * (a value rotated meanwhile is skipped, never overwritten), and writes one `keys.rewrapped` audit event
 * per team with counts only.
 */
export async function swapSecretValues(toKeyId: string, swaps: TSwap[]): Promise<{ rewrapped: number; skipped: number }> {
  if (swaps.length === 0) return { rewrapped: 0, skipped: 0 };
  const db = await getDb();
  return db.transaction(async (tx) => {
    // Three array parameters (unnest), not three bind parameters per row: no per-row SQL to build or parse.
    const col = (f: (s: TSwap) => string) => sql.param(swaps.map(f));
    const updated = (await tx.execute(sql`
      update ${secretValues} as sv set ciphertext = v.next, key_id = ${toKeyId}
      from unnest(${col((s) => s.secretId)}::uuid[], ${col((s) => s.from)}::text[], ${col((s) => s.to)}::text[]) as v(id, prev, next)
      where sv.secret_id = v.id and sv.ciphertext = v.prev
      returning sv.secret_id as "secretId"`)) as unknown as { secretId: string }[] | { rows: { secretId: string }[] };
    const done = new Set((Array.isArray(updated) ? updated : updated.rows).map((r) => r.secretId));
    const perTeam = new Map<string, { rewrapped: number; skipped: number }>();
    for (const s of swaps) {
      const t = perTeam.get(s.teamId) ?? { rewrapped: 0, skipped: 0 };
      if (done.has(s.secretId)) t.rewrapped++;
      else t.skipped++;
      perTeam.set(s.teamId, t);
    }
    for (const [teamId, counts] of perTeam) {
      await recordAudit(tx, { teamId, actor: ACTOR, action: "keys.rewrapped", targetType: "keys", targetName: toKeyId, metadata: { ...counts, toKeyId } });
    }
    return { rewrapped: done.size, skipped: swaps.length - done.size };
  });
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
    .select({
      id: webhookSigningSecrets.id,
      teamId: webhookSigningSecrets.teamId,
      webhookId: webhookSigningSecrets.webhookId,
      version: webhookSigningSecrets.version,
      ciphertext: webhookSigningSecrets.ciphertext,
    })
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

import "server-only";
// The single path from ciphertext back to plaintext, for consumers that hand values to software (webhook
// deliveries, machine tokens). The settings UI never calls it. Callers authorize before calling.
import { and, eq, inArray } from "drizzle-orm";
import { getDb, type Executor } from "@/db/client";
import { secrets, secretValues } from "@/db/schema";
import { decryptSecretValue } from "@/lib/crypto";

export type TResolvedSecret = { id: string; name: string; version: number; value: string };

export async function resolveSecretValues(
  teamId: string,
  names: readonly string[],
  opts: { executor?: Executor; taintOwner?: object } = {},
): Promise<Map<string, TResolvedSecret>> {
  const out = new Map<string, TResolvedSecret>();
  if (names.length === 0) return out;
  const db = opts.executor ?? (await getDb());
  const rows = await db
    .select({ id: secrets.id, name: secrets.name, version: secretValues.version, ciphertext: secretValues.ciphertext })
    .from(secrets)
    .innerJoin(secretValues, and(eq(secretValues.secretId, secrets.id), eq(secretValues.teamId, teamId)))
    .where(and(eq(secrets.teamId, teamId), inArray(secrets.name, [...names])));
  for (const r of rows) {
    const value = decryptSecretValue(r.ciphertext, { teamId, secretId: r.id, version: r.version }, opts.taintOwner);
    out.set(r.name, { id: r.id, name: r.name, version: r.version, value });
  }
  return out;
}

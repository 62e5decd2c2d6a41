import "server-only";
// What a machine token reads through the secrets API. Values come only from resolveSecretValues (the one
// decrypt path); every read of values is an audit event (token, names, versions, source address; never a
// value) written before the values are handed back, so there is no read without its event. A value that
// does not open fails the whole read (UndecryptableError, naming it): never a partial result.
// A read writes nothing else: Last used (of the token and its secrets) and the version each secret reached
// this token go to the usage recorder (lib/dal/usage-recorder.ts), which writes them later, coalesced, in
// one order, outside any reader's transaction — so readers of the same secrets never wait for each other.
import { and, asc, eq, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { accessTokenSecrets, secrets } from "@/db/schema";
import type { TTokenPrincipal } from "./access-tokens";
import { recordUndecryptable, resolveTokenSecretValues, type TTokenValue, UndecryptableError } from "./secret-values";
import { recordAuditNow } from "./audit";
import { withRetry } from "./retry";
import { preparedPerDb } from "./sql";
import { recordUsage } from "./usage-recorder";
import type { TRequestMeta } from "@/lib/types/actor";

/** `description` is present only when the secret has one (plain text, never secret). */
export type TApiSecret = { name: string; env: string; version: number; description?: string; value: string };
export type TApiSecretMeta = Omit<TApiSecret, "value">;

const withDescription = (d: string | null) => (d ? { description: d } : {});

// Prepared (see preparedPerDb): `run --watch` polls this.
const bindingsQuery = preparedPerDb((db: Database) =>
  db
    .select({ secretId: secrets.id, name: secrets.name, env: accessTokenSecrets.envName, version: secrets.version, description: secrets.description })
    .from(accessTokenSecrets)
    .innerJoin(secrets, and(eq(secrets.id, accessTokenSecrets.secretId), eq(secrets.teamId, sql.placeholder("teamId"))))
    .where(and(eq(accessTokenSecrets.tokenId, sql.placeholder("tokenId")), eq(accessTokenSecrets.teamId, sql.placeholder("teamId"))))
    .orderBy(asc(secrets.name))
    .prepare("token_bindings"),
);

async function bindingsOf(principal: TTokenPrincipal) {
  return bindingsQuery(await getDb()).execute({ teamId: principal.teamId, tokenId: principal.id });
}

/** Names, env names and versions only (what `run --watch` polls): no value, so no decrypt and no audit event. */
export async function listTokenSecretVersions(principal: TTokenPrincipal): Promise<TApiSecretMeta[]> {
  const rows = await bindingsOf(principal);
  recordUsage({ teamId: principal.teamId, consumerKind: "token", consumerId: principal.id, secretId: null, version: null });
  return rows.map((r) => ({ name: r.name, env: r.env, version: r.version, ...withDescription(r.description) }));
}

/**
 * The values of the token's secrets (all, or the one named `only`), or null when `only` is not bound to this
 * token. The taint owner keeps the values out of anything React would serialize.
 */
export async function readTokenSecrets(
  principal: TTokenPrincipal,
  only: string | null,
  meta: TRequestMeta,
  taintOwner?: object,
): Promise<TApiSecret[] | null> {
  const db = await getDb();
  // One statement reads the bindings with every value (one snapshot: a concurrent rotation is seen whole or
  // not at all), then one insert records the read. No transaction is needed for that order, and none is held open.
  const readAndAudit = () => withRetry(async () => {
    const read = await resolveTokenSecretValues(principal.teamId, principal.id, only, { executor: db, taintOwner });
    if (only !== null && read.length === 0) return null;
    // The actor is a token, not a user: actor id stays null, the label names the token.
    await recordAuditNow(db, {
      teamId: principal.teamId,
      actor: { id: null, label: `token ${principal.name} (${principal.prefix}…)` },
      action: "secrets.read_by_token",
      targetType: "access_token",
      targetId: principal.id,
      targetName: principal.name,
      version: read.length === 1 ? read[0]!.version : null,
      metadata: { prefix: principal.prefix, secrets: read.map((s) => ({ name: s.name, version: s.version })) },
      meta,
    });
    return read;
  });
  let out: TTokenValue[] | null;
  try {
    out = await readAndAudit();
  } catch (err) {
    // Nothing was audited or handed back: flag the secrets and log them by name, then fail the whole read.
    if (err instanceof UndecryptableError) await recordUndecryptable("secrets API", err);
    throw err;
  }
  if (out === null) return null;
  const at = new Date();
  for (const s of out) {
    recordUsage({ teamId: principal.teamId, consumerKind: "token", consumerId: principal.id, secretId: s.id, version: s.version, at });
  }
  if (out.length === 0) recordUsage({ teamId: principal.teamId, consumerKind: "token", consumerId: principal.id, secretId: null, version: null, at });
  return out.map((s) => ({ name: s.name, env: s.env, version: s.version, ...withDescription(s.description), value: s.value }));
}

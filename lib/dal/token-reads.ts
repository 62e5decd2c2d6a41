import "server-only";
// What a machine token reads through the secrets API. Values come only from resolveSecretValues (the one
// decrypt path); every read of values is an audit event (token, names, versions, source address; never a
// value) written before the values are handed back, so there is no read without its event.
import { and, asc, eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { accessTokens, accessTokenSecrets, secrets } from "@/db/schema";
import type { TRequestMeta } from "./audit";
import type { TTokenPrincipal } from "./access-tokens";
import { resolveSecretValues } from "./secret-values";
import { markSecretsUsed } from "./secret-usage";
import { recordAudit } from "./audit";

export type TApiSecret = { name: string; env: string; version: number; value: string };
export type TApiSecretMeta = Omit<TApiSecret, "value">;

async function bindingsOf(principal: TTokenPrincipal) {
  const db = await getDb();
  return db
    .select({ secretId: secrets.id, name: secrets.name, env: accessTokenSecrets.envName, version: secrets.version })
    .from(accessTokenSecrets)
    .innerJoin(secrets, and(eq(secrets.id, accessTokenSecrets.secretId), eq(secrets.teamId, principal.teamId)))
    .where(and(eq(accessTokenSecrets.tokenId, principal.id), eq(accessTokenSecrets.teamId, principal.teamId)))
    .orderBy(asc(secrets.name));
}

/** Names, env names and versions only (what `run --watch` polls): no value, so no decrypt and no audit event. */
export async function listTokenSecretVersions(principal: TTokenPrincipal): Promise<TApiSecretMeta[]> {
  const rows = await bindingsOf(principal);
  const db = await getDb();
  await db
    .update(accessTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(accessTokens.id, principal.id), eq(accessTokens.teamId, principal.teamId)));
  return rows.map((r) => ({ name: r.name, env: r.env, version: r.version }));
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
  const bound = await bindingsOf(principal);
  const wanted = only === null ? bound : bound.filter((b) => b.name === only);
  if (only !== null && wanted.length === 0) return null;
  const db = await getDb();
  return db.transaction(async (tx) => {
    const values = await resolveSecretValues(
      principal.teamId,
      wanted.map((b) => b.name),
      { executor: tx, taintOwner },
    );
    const out: TApiSecret[] = [];
    for (const b of wanted) {
      const v = values.get(b.name);
      if (v) out.push({ name: b.name, env: b.env, version: v.version, value: v.value });
    }
    await markSecretsUsed(tx, principal.teamId, out.map((s) => values.get(s.name)!.id));
    await tx
      .update(accessTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(and(eq(accessTokens.id, principal.id), eq(accessTokens.teamId, principal.teamId)));
    // The actor is a token, not a user: actor id stays null, the label names the token.
    await recordAudit(tx, {
      teamId: principal.teamId,
      actor: { id: null, label: `token ${principal.name} (${principal.prefix}…)` },
      action: "secrets.read_by_token",
      targetType: "access_token",
      targetId: principal.id,
      targetName: principal.name,
      version: out.length === 1 ? out[0]!.version : null,
      metadata: { prefix: principal.prefix, secrets: out.map((s) => ({ name: s.name, version: s.version })) },
      meta,
    });
    return out;
  });
}

import "server-only";
// Who uses a secret. Consumers are webhooks that may send it and machine tokens that may read it; a
// revoked or expired token is no longer a consumer. Used by the secrets table (Used by / Last used), the
// rotate dialog (what will get the new value) and delete (refused while anything uses the secret).
import { and, eq, gt, inArray, isNull, notInArray, or, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { accessTokens, accessTokenSecrets, webhooks, webhookSecrets } from "@/db/schema";
import type { TConsumer } from "@/lib/types/secrets";

const activeToken = () =>
  and(isNull(accessTokens.revokedAt), or(isNull(accessTokens.expiresAt), gt(accessTokens.expiresAt, sql`now()`)));

/** Consumers of each of these secrets (all in one team), keyed by secret id. */
export async function consumersBySecret(db: Executor, teamId: string, secretIds: string[]): Promise<Map<string, TConsumer[]>> {
  const out = new Map<string, TConsumer[]>(secretIds.map((id) => [id, []]));
  if (secretIds.length === 0) return out;
  const [hooks, tokens] = await Promise.all([
    db
      .select({ secretId: webhookSecrets.secretId, id: webhooks.id, name: webhooks.name })
      .from(webhookSecrets)
      .innerJoin(webhooks, and(eq(webhooks.id, webhookSecrets.webhookId), eq(webhooks.teamId, teamId)))
      .where(and(eq(webhookSecrets.teamId, teamId), inArray(webhookSecrets.secretId, secretIds))),
    db
      .select({ secretId: accessTokenSecrets.secretId, id: accessTokens.id, name: accessTokens.name })
      .from(accessTokenSecrets)
      .innerJoin(accessTokens, and(eq(accessTokens.id, accessTokenSecrets.tokenId), eq(accessTokens.teamId, teamId)))
      .where(and(eq(accessTokenSecrets.teamId, teamId), inArray(accessTokenSecrets.secretId, secretIds), activeToken())),
  ]);
  for (const h of hooks) out.get(h.secretId)?.push({ kind: "webhook", id: h.id, name: h.name });
  for (const t of tokens) out.get(t.secretId)?.push({ kind: "token", id: t.id, name: t.name });
  for (const list of out.values()) list.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  return out;
}

/**
 * Inside a delete: drops the bindings of dead tokens (revoked or expired) to this secret, which no longer
 * count as uses, and returns the consumers that remain.
 */
export async function releaseDeadBindings(tx: Executor, teamId: string, secretId: string): Promise<TConsumer[]> {
  const live = tx
    .select({ id: accessTokens.id })
    .from(accessTokens)
    .where(and(eq(accessTokens.teamId, teamId), activeToken()));
  await tx
    .delete(accessTokenSecrets)
    .where(and(eq(accessTokenSecrets.teamId, teamId), eq(accessTokenSecrets.secretId, secretId), notInArray(accessTokenSecrets.tokenId, live)));
  return (await consumersBySecret(tx, teamId, [secretId])).get(secretId) ?? [];
}

/** Where a consumer is managed in the UI. */
export function consumerHref(teamSlug: string, c: TConsumer): string {
  return c.kind === "webhook" ? `/teams/${teamSlug}/settings/webhooks#webhook-${c.id}` : `/teams/${teamSlug}/settings/tokens#token-${c.id}`;
}

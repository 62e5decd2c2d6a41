import "server-only";
// Which secrets a webhook carries (webhook_secrets): the one place that writes a webhook's bindings and the
// one check that a role may use what a webhook carries (lib/authz's visibility map), shared by the webhook
// writes (attach), Send test, redelivery and the delivery log (send).
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { secrets, webhookSecrets, type TRole } from "@/db/schema";
import { barredVisibilities, type TVisibilityUse } from "@/lib/authz";
import { AppError } from "@/lib/errors";

/** Binds these secrets (all of the team, already checked) to a webhook that has no bindings yet. */
export async function bindSecretsTx(tx: Executor, teamId: string, webhookId: string, secretIds: readonly string[]): Promise<void> {
  if (!secretIds.length) return;
  await tx.insert(webhookSecrets).values(secretIds.map((secretId) => ({ webhookId, secretId, teamId })));
}

/**
 * Refuses a role that may not `use` a secret the webhook carries (Editors and Restricted secrets): a
 * forbidden AppError whose message `refusal` writes from the barred secrets' names, sorted.
 */
export async function requireWebhookUse(
  db: Executor,
  role: TRole,
  teamId: string,
  webhookId: string,
  use: TVisibilityUse,
  refusal: (names: string) => string,
): Promise<void> {
  const barred = barredVisibilities(role, use);
  if (!barred.length) return;
  const rows = await db
    .select({ name: secrets.name })
    .from(webhookSecrets)
    .innerJoin(secrets, and(eq(secrets.id, webhookSecrets.secretId), eq(secrets.teamId, teamId)))
    .where(and(eq(webhookSecrets.teamId, teamId), eq(webhookSecrets.webhookId, webhookId), inArray(secrets.visibility, barred)))
    .orderBy(asc(secrets.name));
  if (rows.length) throw new AppError("forbidden", refusal(rows.map((r) => r.name).join(", ")));
}

/** The refusal of Send test, redelivery and the delivery log for a webhook that carries a Restricted secret. */
export const carriesRestricted = (webhookName: string, verb: string) => (names: string) =>
  `${webhookName} carries the Restricted secret ${names}: only Owners and Admins can ${verb}.`;

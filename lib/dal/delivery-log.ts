import "server-only";
// The delivery log (webhook_delivery_attempts) as the Webhooks page reads it: attempts are written by the
// queue (./webhook-deliveries.ts recordAttempt) with their texts already redacted; this module only lists
// them, withholding from Editors every attempt of a webhook that carries (or carried) a Restricted secret.
import { and, desc, eq, notExists, sql } from "drizzle-orm";
import { secrets, webhookDeliveries, webhookDeliveryAttempts, webhooks, webhookSecrets } from "@/db/schema";
import { canUseVisibility } from "@/lib/authz";
import type { TActor } from "@/lib/types/actor";
import type { TDeliveryAttemptDTO } from "@/lib/types/webhooks";
import { carriesRestricted, requireWebhookUse } from "./webhook-bindings";
import { authorizeTeam } from "./team-scope";

const RESPONSE_WITHHELD_NOTE = "Response withheld: this delivery carried secrets.";

/**
 * The newest attempts of the team's deliveries (stored as templates, responses withheld when secrets were
 * sent), optionally for one webhook. Editors get none of a webhook that carries a Restricted secret, or of
 * an attempt made while it did; asking for such a webhook by id is refused.
 */
export async function listDeliveryAttempts(actor: TActor, teamSlug: string, opts: { webhookId?: string; limit?: number } = {}) {
  const { db, team, role } = await authorizeTeam({ actor, teamSlug }, "webhooks.read");
  const seesRestricted = canUseVisibility(role, "send", "restricted");
  if (opts.webhookId && !seesRestricted) {
    const [hook] = await db
      .select({ id: webhooks.id, name: webhooks.name })
      .from(webhooks)
      .where(and(eq(webhooks.id, opts.webhookId), eq(webhooks.teamId, team.id)));
    if (hook) await requireWebhookUse(db, role, team.id, hook.id, "send", carriesRestricted(hook.name, "see its deliveries"));
  }
  const restrictedNow = db
    .select({ one: sql`1` })
    .from(webhookSecrets)
    .innerJoin(secrets, and(eq(secrets.id, webhookSecrets.secretId), eq(secrets.teamId, team.id)))
    .where(
      and(
        eq(webhookSecrets.teamId, team.id),
        eq(webhookSecrets.webhookId, webhookDeliveryAttempts.webhookId),
        eq(secrets.visibility, "restricted"),
      ),
    );
  const rows = await db
    .select({
      id: webhookDeliveryAttempts.id,
      deliveryId: webhookDeliveryAttempts.deliveryId,
      webhookId: webhookDeliveryAttempts.webhookId,
      webhookName: webhooks.name,
      trigger: webhookDeliveries.trigger,
      deliveryStatus: webhookDeliveries.status,
      attempt: webhookDeliveryAttempts.attempt,
      redelivery: webhookDeliveryAttempts.redelivery,
      startedAt: webhookDeliveryAttempts.startedAt,
      durationMs: webhookDeliveryAttempts.durationMs,
      outcome: webhookDeliveryAttempts.outcome,
      statusCode: webhookDeliveryAttempts.statusCode,
      method: webhookDeliveryAttempts.requestMethod,
      url: webhookDeliveryAttempts.requestUrl,
      headers: webhookDeliveryAttempts.requestHeaders,
      body: webhookDeliveryAttempts.requestBody,
      responseBody: webhookDeliveryAttempts.responseBody,
      responseWithheld: webhookDeliveryAttempts.responseWithheld,
      responseHeaderNames: webhookDeliveryAttempts.responseHeaderNames,
      responseBytes: webhookDeliveryAttempts.responseBytes,
      error: webhookDeliveryAttempts.error,
    })
    .from(webhookDeliveryAttempts)
    .innerJoin(webhooks, and(eq(webhooks.id, webhookDeliveryAttempts.webhookId), eq(webhooks.teamId, team.id)))
    .innerJoin(webhookDeliveries, and(eq(webhookDeliveries.id, webhookDeliveryAttempts.deliveryId), eq(webhookDeliveries.teamId, team.id)))
    .where(
      and(
        eq(webhookDeliveryAttempts.teamId, team.id),
        opts.webhookId ? eq(webhookDeliveryAttempts.webhookId, opts.webhookId) : undefined,
        seesRestricted ? undefined : and(eq(webhookDeliveryAttempts.carriedRestricted, false), notExists(restrictedNow)),
      ),
    )
    .orderBy(desc(webhookDeliveryAttempts.startedAt), desc(webhookDeliveryAttempts.redelivery), desc(webhookDeliveryAttempts.attempt))
    .limit(opts.limit ?? 50);
  return rows.map(
    (r): TDeliveryAttemptDTO => ({
      id: r.id,
      deliveryId: r.deliveryId,
      webhookId: r.webhookId,
      webhookName: r.webhookName,
      trigger: r.trigger,
      attempt: r.attempt,
      redelivery: r.redelivery,
      startedAt: r.startedAt.toISOString(),
      durationMs: r.durationMs,
      outcome: r.outcome,
      statusCode: r.statusCode,
      deliveryStatus: r.deliveryStatus,
      request: { method: r.method, url: r.url, headers: r.headers, body: r.body },
      responseBody: r.responseWithheld ? null : r.responseBody,
      response: {
        withheld: r.responseWithheld,
        note: r.responseWithheld ? RESPONSE_WITHHELD_NOTE : null,
        headerNames: r.responseHeaderNames,
        bytes: r.responseBytes,
      },
      error: r.error,
    }),
  );
}

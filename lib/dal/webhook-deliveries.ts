import "server-only";
// The delivery queue: SQL only. Rows in webhook_deliveries are claimed with FOR UPDATE SKIP LOCKED and a
// lease, so several app instances never send one delivery at once and a delivery whose worker died is
// claimed again when its lease runs out (at-least-once). Each attempt is written to the delivery log, which
// ./delivery-log.ts reads. Sending, rendering and redaction live above this, in lib/jobs/webhook-delivery.ts.
import { and, asc, eq, inArray, lte, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { secrets, teams, webhookDeliveries, webhookDeliveryAttempts, webhooks, webhookSecrets } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { recordAudit, recordCallAudit } from "./audit";
import { carriesRestricted, requireWebhookUse } from "./webhook-bindings";
import { authorizeTeam, type TTeamCall } from "./team-scope";

export type TClaimed = {
  id: string;
  teamId: string;
  webhookId: string;
  trigger: string;
  eventData: Record<string, unknown>;
  attempts: number;
  /** 0 for the original round of attempts, n after the n-th redelivery. */
  redeliveries: number;
  triggeredBy: string | null;
  triggeredByLabel: string | null;
  createdAt: Date;
};

/** Claims up to `limit` due deliveries (or the one `onlyId`, if due and not held by another worker). */
export async function claimDeliveries(limit: number, onlyId?: string): Promise<TClaimed[]> {
  const db = await getDb();
  const leaseMs = env().WEBHOOK_TIMEOUT_MS + 30_000;
  const due = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        onlyId ? eq(webhookDeliveries.id, onlyId) : undefined,
        or(
          and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, sql`now()`)),
          and(eq(webhookDeliveries.status, "sending"), lte(webhookDeliveries.lockedUntil, sql`now()`)),
        ),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(webhookDeliveries)
    .set({
      status: "sending",
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      lockedUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
    })
    .where(inArray(webhookDeliveries.id, due))
    .returning({
      id: webhookDeliveries.id,
      teamId: webhookDeliveries.teamId,
      webhookId: webhookDeliveries.webhookId,
      trigger: webhookDeliveries.trigger,
      eventData: webhookDeliveries.eventData,
      attempts: webhookDeliveries.attempts,
      redeliveries: webhookDeliveries.redeliveries,
      triggeredBy: webhookDeliveries.triggeredBy,
      triggeredByLabel: webhookDeliveries.triggeredByLabel,
      createdAt: webhookDeliveries.createdAt,
    });
}

/** The webhook of a claimed delivery as it is now, and the secrets selected for it; null when it is gone. */
export async function loadDeliveryTarget(d: TClaimed) {
  const db = await getDb();
  const [hook] = await db
    .select({ id: webhooks.id, name: webhooks.name, url: webhooks.url, method: webhooks.method, headers: webhooks.headers, payload: webhooks.payload, teamSlug: teams.slug })
    .from(webhooks)
    .innerJoin(teams, eq(teams.id, webhooks.teamId))
    .where(and(eq(webhooks.id, d.webhookId), eq(webhooks.teamId, d.teamId)));
  if (!hook) return null;
  const bound = await db
    .select({
      id: secrets.id,
      name: secrets.name,
      allowedHosts: secrets.allowedHosts,
      visibility: secrets.visibility,
      expiresOn: secrets.expiresOn,
      stopServingAfterExpiry: secrets.stopServingAfterExpiry,
    })
    .from(webhookSecrets)
    .innerJoin(secrets, and(eq(secrets.id, webhookSecrets.secretId), eq(secrets.teamId, d.teamId)))
    .where(and(eq(webhookSecrets.teamId, d.teamId), eq(webhookSecrets.webhookId, hook.id)));
  return { hook, bound };
}

/** One audit event per secret a delivery resolved (webhook.secret_resolved), in one transaction. */
export async function recordSecretsResolved(
  d: TClaimed,
  hook: { id: string; name: string },
  resolved: Iterable<{ id: string; name: string; version: number }>,
): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    for (const r of resolved) {
      await recordAudit(tx, {
        teamId: d.teamId,
        // A delivery acts for whoever triggered it; none (null) once that account is gone.
        actor: { id: d.triggeredBy as string, label: d.triggeredByLabel ?? "webhook delivery" },
        action: "webhook.secret_resolved",
        targetType: "secret",
        targetId: r.id,
        targetName: r.name,
        version: r.version,
        metadata: { webhookId: hook.id, webhook: hook.name, deliveryId: d.id, trigger: d.trigger, attempt: d.attempts },
      });
    }
  });
}

export type TAttemptRecord = {
  startedAt: Date;
  durationMs: number;
  outcome: string;
  statusCode: number | null;
  method: string;
  url: string;
  headers: { name: string; value: string }[];
  body: string;
  responseBody: string | null;
  responseWithheld: boolean;
  responseHeaderNames: string[];
  responseBytes: number | null;
  carriedRestricted: boolean;
  error: string | null;
};

/**
 * Writes an attempt to the delivery log (texts already redacted) and moves the delivery on: done, failed,
 * or pending again after `backoffMs` — only if this claim still holds it (same attempt count).
 */
export async function recordAttempt(d: TClaimed, a: TAttemptRecord, finalStatus: "succeeded" | "failed" | "pending", backoffMs: number): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.insert(webhookDeliveryAttempts).values({
      deliveryId: d.id,
      teamId: d.teamId,
      webhookId: d.webhookId,
      attempt: d.attempts,
      redelivery: d.redeliveries,
      startedAt: a.startedAt,
      durationMs: a.durationMs,
      outcome: a.outcome,
      statusCode: a.statusCode,
      requestMethod: a.method || "-",
      requestUrl: a.url || "-",
      requestHeaders: a.headers,
      requestBody: a.body,
      responseBody: a.responseWithheld ? null : a.responseBody,
      responseWithheld: a.responseWithheld,
      responseHeaderNames: a.responseHeaderNames,
      responseBytes: a.responseBytes,
      carriedRestricted: a.carriedRestricted,
      error: a.error,
    });
    await tx
      .update(webhookDeliveries)
      .set({
        status: finalStatus,
        lockedUntil: null,
        lastError: a.error ?? (a.outcome === "succeeded" ? null : `HTTP ${a.statusCode}`),
        nextAttemptAt: finalStatus === "pending" ? sql`now() + ${`${backoffMs} milliseconds`}::interval` : webhookDeliveries.nextAttemptAt,
        completedAt: finalStatus === "pending" ? null : sql`now()`,
      })
      .where(
        and(
          eq(webhookDeliveries.id, d.id),
          eq(webhookDeliveries.teamId, d.teamId),
          eq(webhookDeliveries.attempts, d.attempts),
          eq(webhookDeliveries.redeliveries, d.redeliveries),
        ),
      );
  });
}

/** "Send test": queues a test delivery of the team's webhook (authorized here); returns its id. */
export async function enqueueTestDelivery(input: TTeamCall & { webhookId: string }): Promise<string> {
  const { db, team, role } = await authorizeTeam(input, "webhooks.write");
  const [hook] = await db
    .select({ id: webhooks.id, name: webhooks.name })
    .from(webhooks)
    .where(and(eq(webhooks.id, input.webhookId), eq(webhooks.teamId, team.id)));
  if (!hook) throw new AppError("not_found", "This webhook no longer exists.");
  await requireWebhookUse(db, role, team.id, hook.id, "send", carriesRestricted(hook.name, "send a test of it"));
  const [row] = await db
    .insert(webhookDeliveries)
    .values({ teamId: team.id, webhookId: hook.id, trigger: "test", eventData: { test: true }, triggeredBy: input.actor.id, triggeredByLabel: input.actor.label })
    .returning({ id: webhookDeliveries.id });
  if (!row) throw new Error("delivery insert returned nothing");
  return row.id;
}

/**
 * Owners/Admins: puts a finished delivery back in the queue as a fresh round of attempts (same id, so the
 * same webhook-id), acting for the redeliverer from now on; audited. Returns its id, to be sent at once.
 */
export async function requeueForRedelivery(input: TTeamCall & { deliveryId: string }): Promise<string> {
  const { db, team, role } = await authorizeTeam(input, "webhooks.redeliver");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: webhookDeliveries.id, status: webhookDeliveries.status, trigger: webhookDeliveries.trigger, redeliveries: webhookDeliveries.redeliveries, webhookId: webhooks.id, webhookName: webhooks.name })
      .from(webhookDeliveries)
      .innerJoin(webhooks, and(eq(webhooks.id, webhookDeliveries.webhookId), eq(webhooks.teamId, team.id)))
      .where(and(eq(webhookDeliveries.id, input.deliveryId), eq(webhookDeliveries.teamId, team.id)))
      .for("update", { of: webhookDeliveries });
    if (!row) throw new AppError("not_found", "This delivery no longer exists.");
    await requireWebhookUse(tx, role, team.id, row.webhookId, "send", carriesRestricted(row.webhookName, "redeliver its deliveries"));
    if (row.status === "pending" || row.status === "sending") {
      throw new AppError("conflict", "This delivery is still being sent or retried; redeliver it once it has finished.");
    }
    const redelivery = row.redeliveries + 1;
    await tx
      .update(webhookDeliveries)
      .set({
        status: "pending",
        attempts: 0,
        redeliveries: redelivery,
        nextAttemptAt: sql`now()`,
        lockedUntil: null,
        lastError: null,
        completedAt: null,
        triggeredBy: input.actor.id,
        triggeredByLabel: input.actor.label,
      })
      .where(and(eq(webhookDeliveries.id, row.id), eq(webhookDeliveries.teamId, team.id)));
    await recordCallAudit(tx, input, team.id, {
      action: "webhook.redelivered",
      target: { type: "webhook", id: row.webhookId, name: row.webhookName },
      metadata: { deliveryId: row.id, trigger: row.trigger, redelivery, previousStatus: row.status },
    });
    return row.id;
  });
}

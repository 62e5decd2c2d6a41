import "server-only";
// The delivery queue. Rows in webhook_deliveries are claimed with FOR UPDATE SKIP LOCKED and a lease, so
// several app instances never send one delivery at once and a delivery whose worker died is claimed again
// when its lease runs out (at-least-once). Each attempt reads the webhook as it is now and decrypts only
// the secrets it references, at send time: a rotation takes effect on the next delivery. The attempt log
// stores the request and the first 4 KiB of the response with every resolved value redacted.
import { and, asc, eq, inArray, lte, or, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { secrets, teams, webhookDeliveries, webhookDeliveryAttempts, webhooks, webhookSecrets } from "@/db/schema";
import { requireTeamPermission } from "@/lib/authz";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { HttpFailure, sendHttp, type TFailureKind } from "@/lib/webhooks/http";
import { Redactor } from "@/lib/webhooks/redact";
import { checkDestination, DestinationError, hostMatches } from "@/lib/webhooks/ssrf";
import { allReferences, RenderError, renderUrl, renderWebhookRequest, TemplateSyntaxError } from "@/lib/webhooks/template";
import { recordAudit, type TActor, type TRequestMeta } from "./audit";
import { recordUsage } from "./usage-recorder";
import { recordUndecryptable, resolveSecretValues, UndecryptableError } from "./secret-values";

export const MAX_ATTEMPTS = 3;
const LOG_BYTES = 4096;
const READ_CAP = 64 * 1024;
const USER_AGENT = "TeamSecrets-Webhooks/1.0";

const num = (v: string | undefined, fallback: number) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};
/** Timeout and backoff come from the environment so tests can shorten them. */
export const deliveryConfig = () => ({
  timeoutMs: num(process.env.WEBHOOK_TIMEOUT_MS, 10_000),
  retryBaseMs: num(process.env.WEBHOOK_RETRY_BASE_MS, 10_000),
});

type TClaimed = {
  id: string;
  teamId: string;
  webhookId: string;
  trigger: string;
  eventData: Record<string, unknown>;
  attempts: number;
  triggeredBy: string | null;
  triggeredByLabel: string | null;
  createdAt: Date;
};

/** Claims up to `limit` due deliveries (or the one `onlyId`, if due and not held by another worker). */
export async function claimDeliveries(limit: number, onlyId?: string): Promise<TClaimed[]> {
  const db = await getDb();
  const leaseMs = deliveryConfig().timeoutMs + 30_000;
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
      triggeredBy: webhookDeliveries.triggeredBy,
      triggeredByLabel: webhookDeliveries.triggeredByLabel,
      createdAt: webhookDeliveries.createdAt,
    });
}

type TOutcome = "succeeded" | "http_error" | TFailureKind | "refused";
export type TAttemptResult = { deliveryId: string; attempt: number; outcome: TOutcome; statusCode: number | null; status: string };

type TLog = {
  method: string;
  url: string;
  headers: { name: string; value: string }[];
  body: string;
  responseBody: string | null;
  statusCode: number | null;
  error: string | null;
};

/** Sends one claimed delivery and records the attempt. Never throws for a failed send. */
export async function processDelivery(d: TClaimed): Promise<TAttemptResult> {
  const db = await getDb();
  const started = Date.now();
  const startedAt = new Date(started);
  const log: TLog = { method: "", url: "", headers: [], body: "", responseBody: null, statusCode: null, error: null };
  let outcome: TOutcome;
  let retryable = false;
  try {
    if (d.attempts > MAX_ATTEMPTS) throw new Refusal("The worker stopped during the last attempt; no attempts left.");
    const r = await attempt(db, d, log);
    outcome = r.outcome;
    retryable = r.retryable;
  } catch (err) {
    if (err instanceof Refusal) {
      outcome = "refused";
      log.error = err.message;
    } else {
      logError("webhookDelivery", err);
      outcome = "network";
      retryable = true;
      log.error = "Unexpected error while sending; see the server log.";
    }
  }
  const durationMs = Date.now() - started;
  const finalStatus = outcome === "succeeded" ? "succeeded" : retryable && d.attempts < MAX_ATTEMPTS ? "pending" : "failed";
  const backoffMs = deliveryConfig().retryBaseMs * 3 ** (d.attempts - 1);
  await db.transaction(async (tx) => {
    await tx.insert(webhookDeliveryAttempts).values({
      deliveryId: d.id,
      teamId: d.teamId,
      webhookId: d.webhookId,
      attempt: d.attempts,
      startedAt,
      durationMs,
      outcome,
      statusCode: log.statusCode,
      requestMethod: log.method || "-",
      requestUrl: log.url || "-",
      requestHeaders: log.headers,
      requestBody: log.body,
      responseBody: log.responseBody,
      error: log.error,
    });
    await tx
      .update(webhookDeliveries)
      .set({
        status: finalStatus,
        lockedUntil: null,
        lastError: log.error ?? (outcome === "succeeded" ? null : `HTTP ${log.statusCode}`),
        nextAttemptAt: finalStatus === "pending" ? sql`now() + ${`${backoffMs} milliseconds`}::interval` : webhookDeliveries.nextAttemptAt,
        completedAt: finalStatus === "pending" ? null : sql`now()`,
      })
      .where(and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.teamId, d.teamId), eq(webhookDeliveries.attempts, d.attempts)));
  });
  return { deliveryId: d.id, attempt: d.attempts, outcome, statusCode: log.statusCode, status: finalStatus };
}

class Refusal extends Error {}

async function attempt(db: Database, d: TClaimed, log: TLog): Promise<{ outcome: TOutcome; retryable: boolean }> {
  const [hook] = await db
    .select({ id: webhooks.id, name: webhooks.name, url: webhooks.url, method: webhooks.method, headers: webhooks.headers, payload: webhooks.payload, teamSlug: teams.slug })
    .from(webhooks)
    .innerJoin(teams, eq(teams.id, webhooks.teamId))
    .where(and(eq(webhooks.id, d.webhookId), eq(webhooks.teamId, d.teamId)));
  if (!hook) throw new Refusal("The webhook no longer exists.");
  log.method = hook.method;
  const bound = await db
    .select({ id: secrets.id, name: secrets.name, allowedHosts: secrets.allowedHosts })
    .from(webhookSecrets)
    .innerJoin(secrets, and(eq(secrets.id, webhookSecrets.secretId), eq(secrets.teamId, d.teamId)))
    .where(and(eq(webhookSecrets.teamId, d.teamId), eq(webhookSecrets.webhookId, hook.id)));

  let referenced: string[];
  try {
    referenced = allReferences(hook);
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw new Refusal(`The webhook's template has a ${err.message}.`);
    throw err;
  }
  const boundNames = new Set(bound.map((b) => b.name));
  const unbound = referenced.filter((n) => !boundNames.has(n));
  if (unbound.length) throw new Refusal(`${unbound.join(", ")} ${unbound.length === 1 ? "is" : "are"} not selected for this webhook.`);

  // Destination and allowed hosts are checked before anything is decrypted.
  let host: string;
  try {
    const dest = checkDestination(renderUrl(hook.url, { get: () => "x" }));
    host = dest.host;
    log.url = `${dest.url.origin}${dest.url.pathname}`;
  } catch (err) {
    if (err instanceof DestinationError) throw new Refusal(`Destination refused: ${err.message}`);
    throw err;
  }
  for (const b of bound) {
    if (b.allowedHosts.length && !hostMatches(host, b.allowedHosts)) {
      throw new Refusal(`${b.name} may only be sent to ${b.allowedHosts.join(", ")}; this webhook goes to ${host}. Nothing was sent.`);
    }
  }

  let resolved: Awaited<ReturnType<typeof resolveSecretValues>>;
  try {
    resolved = await resolveSecretValues(d.teamId, referenced, { executor: db });
  } catch (err) {
    // Final, not retried: the stored value will not open on a second try either.
    if (!(err instanceof UndecryptableError)) throw err;
    await recordUndecryptable("webhookDelivery", err);
    const names = err.names;
    throw new Refusal(
      `${names.map((n) => `cannot decrypt ${n}`).join("; ")}: the stored value does not open. Rotate ${names.length === 1 ? "it" : "them"} to a new value. Nothing was sent.`,
    );
  }
  const missing = referenced.filter((n) => !resolved.has(n));
  if (missing.length) throw new Refusal(`${missing.join(", ")} could not be resolved.`);
  const redactor = new Redactor([...resolved.values()].map((r) => ({ name: r.name, value: r.value })));
  const values = new Map([...resolved.values()].map((r) => [r.name, r.value]));

  if (resolved.size) {
    await db.transaction(async (tx) => {
      for (const r of resolved.values()) {
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
    // Last used (and the version this webhook received) through the recorder: never a hot-row write here.
    for (const r of resolved.values()) {
      recordUsage({ teamId: d.teamId, consumerKind: "webhook", consumerId: hook.id, secretId: r.id, version: r.version });
    }
  }

  let rendered;
  try {
    rendered = renderWebhookRequest(hook, values);
  } catch (err) {
    if (err instanceof RenderError) throw new Refusal(err.message);
    throw err;
  }
  const body =
    hook.method === "GET"
      ? ""
      : rendered.body ||
        JSON.stringify({ event: d.trigger, deliveryId: d.id, team: hook.teamSlug, webhook: hook.name, data: d.eventData, createdAt: d.createdAt.toISOString() });
  const has = (name: string) => rendered.headers.some((h) => h.name.toLowerCase() === name);
  const headers = [
    ...(body && !has("content-type") ? [{ name: "Content-Type", value: "application/json" }] : []),
    ...(has("user-agent") ? [] : [{ name: "User-Agent", value: USER_AGENT }]),
    { name: "X-Webhook-Event", value: d.trigger },
    { name: "X-Webhook-Delivery", value: d.id },
    ...rendered.headers,
  ];
  log.url = redactor.redact(rendered.url);
  log.headers = headers.map((h) => ({ name: h.name, value: redactor.redact(h.value) }));
  log.body = redactor.redact(body);

  try {
    const res = await sendHttp(
      { url: rendered.url, method: hook.method, headers, body },
      { timeoutMs: deliveryConfig().timeoutMs, maxResponseBytes: READ_CAP },
    );
    log.statusCode = res.status;
    log.responseBody = redactor.redact(res.body.toString("utf8"), res.truncated).slice(0, LOG_BYTES);
    if (res.status >= 200 && res.status < 300) return { outcome: "succeeded", retryable: false };
    if (res.status >= 300 && res.status < 400) {
      log.error = `Redirects are not followed (HTTP ${res.status}${res.location ? ` to ${redactor.redact(res.location)}` : ""}).`;
      return { outcome: "http_error", retryable: false };
    }
    return { outcome: "http_error", retryable: res.status >= 500 };
  } catch (err) {
    if (err instanceof HttpFailure) {
      log.error = err.message;
      return { outcome: err.kind, retryable: err.kind !== "blocked" };
    }
    if (err instanceof DestinationError) throw new Refusal(`Destination refused: ${err.message}`);
    throw err;
  }
}

/** Claims and sends due deliveries; returns how many were processed. */
export async function processDueDeliveries(limit = 5): Promise<number> {
  const claimed = await claimDeliveries(limit);
  await Promise.all(claimed.map((d) => processDelivery(d)));
  return claimed.length;
}

/** "Send test": queues a test delivery and sends it right away (the worker retries it if it fails). */
export async function sendTestDelivery(input: {
  actor: TActor;
  teamSlug: string;
  webhookId: string;
  meta?: TRequestMeta;
}): Promise<TAttemptResult | { deliveryId: string; status: "queued" }> {
  const db = await getDb();
  const { team } = await requireTeamPermission(db, input.actor.id, input.teamSlug, "webhooks.write");
  const [hook] = await db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.id, input.webhookId), eq(webhooks.teamId, team.id)));
  if (!hook) throw new AppError("not_found", "This webhook no longer exists.");
  const [row] = await db
    .insert(webhookDeliveries)
    .values({ teamId: team.id, webhookId: hook.id, trigger: "test", eventData: { test: true }, triggeredBy: input.actor.id, triggeredByLabel: input.actor.label })
    .returning({ id: webhookDeliveries.id });
  if (!row) throw new Error("delivery insert returned nothing");
  const [claimed] = await claimDeliveries(1, row.id);
  if (!claimed) return { deliveryId: row.id, status: "queued" };
  return processDelivery(claimed);
}

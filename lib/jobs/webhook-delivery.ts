import "server-only";
// The webhook delivery engine: for one claimed delivery, reads the webhook as it is now, checks the
// destination and each secret's allowed hosts, decrypts only the secrets it references (at send time: a
// rotation takes effect on the next delivery), renders and sends the request, and records the attempt.
// The log holds the request as templated (`${NAME}`, never a rendered value) and, for a delivery that
// resolved any secret, no response text at all: a receiver may echo a value in any encoding, and pattern
// redaction (still applied to everything logged) cannot be complete. Queue SQL and the delivery log are in lib/dal/webhook-deliveries.ts;
// this layer combines them with HTTP, templates and redaction (lib/webhooks/*).
import {
  claimDeliveries,
  enqueueTestDelivery,
  loadDeliveryTarget,
  recordAttempt,
  recordSecretsResolved,
  requeueForRedelivery,
  type TAttemptRecord,
  type TClaimed,
} from "@/lib/dal/webhook-deliveries";
import { liveSigningKeys } from "@/lib/dal/webhook-signing";
import { DecryptError } from "@/lib/crypto";
import { signWebhookMessage } from "@/lib/crypto/webhook-signing";
import { SENDER_HEADERS } from "@/lib/validation/webhooks";
import { recordUndecryptable, refuseExpired, resolveSecretValues, SecretExpiredError, UndecryptableError } from "@/lib/dal/secret-values";
import { recordUsage } from "@/lib/dal/usage-recorder";
import { env } from "@/lib/env";
import { logError } from "@/lib/log";
import { HttpFailure, sendHttp, type TFailureKind } from "@/lib/webhooks/http";
import { Redactor } from "@/lib/webhooks/redact";
import { allowedHostsFromEnv, checkDestination, DestinationError, hostMatches } from "@/lib/webhooks/ssrf";
import { allReferences, destinationUrl, RenderError, renderWebhookRequest, TemplateSyntaxError } from "@/lib/webhooks/template";
import type { TTeamCall } from "@/lib/dal/team-scope";

const MAX_ATTEMPTS = 3;
const LOG_BYTES = 4096;
const READ_CAP = 64 * 1024;
const USER_AGENT = "TeamSecrets-Webhooks/1.0";

type TOutcome = "succeeded" | "http_error" | TFailureKind | "refused";
export type TAttemptResult = { deliveryId: string; attempt: number; outcome: TOutcome; statusCode: number | null; status: string };

/** What an attempt writes to the delivery log, gathered while it runs (timing and outcome are added last). */
type TLog = Omit<TAttemptRecord, "startedAt" | "durationMs" | "outcome">;

/** Sends one claimed delivery and records the attempt. Never throws for a failed send. */
export async function processDelivery(d: TClaimed): Promise<TAttemptResult> {
  const started = Date.now();
  const startedAt = new Date(started);
  const log: TLog = {
    method: "",
    url: "",
    headers: [],
    body: "",
    responseBody: null,
    responseWithheld: false,
    responseHeaderNames: [],
    responseBytes: null,
    carriedRestricted: false,
    statusCode: null,
    error: null,
  };
  let outcome: TOutcome;
  let retryable = false;
  try {
    if (d.attempts > MAX_ATTEMPTS) throw new Refusal("The worker stopped during the last attempt; no attempts left.");
    const r = await attempt(d, log);
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
  const backoffMs = env().WEBHOOK_RETRY_BASE_MS * 3 ** (d.attempts - 1);
  await recordAttempt(d, { startedAt, durationMs, outcome, ...log }, finalStatus, backoffMs);
  return { deliveryId: d.id, attempt: d.attempts, outcome, statusCode: log.statusCode, status: finalStatus };
}

class Refusal extends Error {}

const abbreviateSignatures = (header: string) =>
  header
    .split(" ")
    .map((sig) => `${sig.slice(0, 11)}…`)
    .join(" ");

async function attempt(d: TClaimed, log: TLog): Promise<{ outcome: TOutcome; retryable: boolean }> {
  const target = await loadDeliveryTarget(d);
  if (!target) throw new Refusal("The webhook no longer exists.");
  const { hook, bound } = target;
  log.method = hook.method;
  log.carriedRestricted = bound.some((b) => b.visibility === "restricted");

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
    const dest = checkDestination(destinationUrl(hook.url), allowedHostsFromEnv(env().WEBHOOK_ALLOWED_HOSTS));
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

  // "Stop serving after expiry": an expired secret is refused before anything is decrypted (final, not retried).
  try {
    refuseExpired(bound.filter((b) => referenced.includes(b.name)), new Date());
  } catch (err) {
    if (!(err instanceof SecretExpiredError)) throw err;
    throw new Refusal(
      `${err.expired.map((e) => `secret ${e.name} expired on ${e.expiresOn}`).join("; ")} and is set to stop serving after expiry. Nothing was sent.`,
    );
  }

  let resolved: Awaited<ReturnType<typeof resolveSecretValues>>;
  try {
    resolved = await resolveSecretValues(d.teamId, referenced);
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
  const carriesSecrets = resolved.size > 0;

  if (resolved.size) {
    await recordSecretsResolved(d, hook, resolved.values());
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
  // The exact bytes sent are the bytes signed (Standard Webhooks: id.timestamp.body, per live signing key).
  const bodyBytes = Buffer.from(body, "utf8");
  const keys = await liveSigningKeys(d.teamId, hook.id);
  const sentAt = new Date();
  let signature: string;
  try {
    signature = await signWebhookMessage(keys, d.id, sentAt, bodyBytes);
  } catch (err) {
    if (err instanceof DecryptError) throw new Refusal("The webhook's signing secret could not be opened with the configured master keys. Nothing was sent.");
    throw err;
  }
  // The sender's own headers win over a template's (rows saved before these names were reserved).
  const own = new Set<string>(SENDER_HEADERS);
  const templated = rendered.headers.filter((h) => !own.has(h.name.toLowerCase()));
  const has = (name: string) => templated.some((h) => h.name.toLowerCase() === name);
  const headers = [
    ...(body && !has("content-type") ? [{ name: "Content-Type", value: "application/json" }] : []),
    ...(has("user-agent") ? [] : [{ name: "User-Agent", value: USER_AGENT }]),
    { name: "webhook-id", value: d.id },
    { name: "webhook-timestamp", value: String(Math.floor(sentAt.getTime() / 1000)) },
    { name: "webhook-signature", value: signature },
    { name: "X-Webhook-Event", value: d.trigger },
    { name: "X-Webhook-Delivery", value: d.id },
    ...templated,
  ];
  // The log shows the request as templated: the sender's own headers, then the template's headers with
  // their `${NAME}` references, the template's payload (or the event body, which carries no secret).
  // Signatures are logged shortened: enough to match a receiver's log, not a replayable request.
  // (rendered.headers is hook.headers rendered one for one, so the same filter keeps the same entries.)
  const templateHeaders = hook.headers.filter((h) => !own.has(h.name.toLowerCase()));
  const logged = [...headers.slice(0, headers.length - templated.length), ...templateHeaders];
  log.url = redactor.redact(hook.url);
  log.headers = logged.map((h) => ({ name: h.name, value: h.name === "webhook-signature" ? abbreviateSignatures(h.value) : redactor.redact(h.value) }));
  log.body = redactor.redact(hook.method === "GET" ? "" : rendered.body ? hook.payload : body);

  try {
    const res = await sendHttp(
      { url: rendered.url, method: hook.method, headers, body: bodyBytes },
      { timeoutMs: env().WEBHOOK_TIMEOUT_MS, maxResponseBytes: READ_CAP, allowlist: allowedHostsFromEnv(env().WEBHOOK_ALLOWED_HOSTS) },
    );
    log.statusCode = res.status;
    log.responseHeaderNames = res.headerNames;
    log.responseBytes = res.bytes;
    if (carriesSecrets) {
      log.responseWithheld = true;
    } else {
      log.responseBody = redactor.redact(res.body.toString("utf8"), res.truncated).slice(0, LOG_BYTES);
    }
    if (res.status >= 200 && res.status < 300) {
      // The receiver took it: Last used, and the version this webhook now holds (what "consumers on an old
      // version" counts), through the recorder — never a hot-row write here. A failed attempt changes neither.
      for (const r of resolved.values()) {
        recordUsage({ teamId: d.teamId, consumerKind: "webhook", consumerId: hook.id, secretId: r.id, version: r.version });
      }
      return { outcome: "succeeded", retryable: false };
    }
    if (res.status >= 300 && res.status < 400) {
      // A Location header is receiver text too.
      const to = res.location && !carriesSecrets ? ` to ${redactor.redact(res.location)}` : "";
      log.error = `Redirects are not followed (HTTP ${res.status}${to}).`;
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

type TSendNowResult = TAttemptResult | { deliveryId: string; status: "queued" };

/** Sends a delivery just queued, now; if the worker claimed it first it is the worker's ("queued"). */
async function sendNow(deliveryId: string): Promise<TSendNowResult> {
  const [claimed] = await claimDeliveries(1, deliveryId);
  if (!claimed) return { deliveryId, status: "queued" };
  return processDelivery(claimed);
}

/** "Send test": queues a test delivery and sends it right away (the worker retries it if it fails). */
export async function sendTestDelivery(input: TTeamCall & { webhookId: string }): Promise<TSendNowResult> {
  return sendNow(await enqueueTestDelivery(input));
}

/**
 * Owners/Admins: sends a finished delivery again, now. Same webhook-id (the delivery id), a new timestamp
 * and signature, the webhook and its secrets' values as they are now, and a fresh round of attempts (the
 * worker retries it as usual). Audited; the redeliverer is who the secret resolutions act for.
 */
export async function redeliverDelivery(input: TTeamCall & { deliveryId: string }): Promise<TSendNowResult> {
  return sendNow(await requeueForRedelivery(input));
}

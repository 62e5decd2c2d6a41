import "server-only";
// Webhooks: the only code that reads or writes them. The role rules are lib/authz's visibility map and
// webhookPolicy: Owners and Admins manage every webhook; Editors create and edit webhooks with Masked
// secrets only, and cannot change (or delete) one that carries a Restricted secret. Every save checks the template's references, the destination (SSRF
// guard) and each secret's allowed hosts, in the transaction that writes the webhook and its audit event.
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { getDb, type Tx } from "@/db/client";
import { secrets, users, webhookDeliveries, webhooks, webhookSecrets, type TRole } from "@/db/schema";
import { canUseVisibility, roleCan, webhookPolicy } from "@/lib/authz";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { TWebhookInput } from "@/lib/validation/webhooks";
import { allowedHostsFromEnv, checkDestination, DestinationError, hostMatches } from "@/lib/webhooks/ssrf";
import { allReferences, checkWebhookTemplate, destinationHost, destinationUrl, type TFieldErrors } from "@/lib/webhooks/template";
import { recordCallAudit } from "./audit";
import { closeOutRotations, forgetWebhookSecretsTx } from "./consumer-versions";
import { bindSecretsTx, requireWebhookUse } from "./webhook-bindings";
import { insertSigningSecretTx, signingOverlaps } from "./webhook-signing";
import { lockTeamSecret } from "./secret-lock";
import { columnsOf } from "./sql";
import { authorizeTeam, type TTeamCall } from "./team-scope";
import type { TActor } from "@/lib/types/actor";
import type { TSecretOption, TWebhookDTO, TWebhookList } from "@/lib/types/webhooks";

// Only the Allowed hosts editor (Owners/Admins) still lists secrets up front; the webhook dialog's Secrets
// picker searches the secrets list route instead, so it is not bound by this cap.
const SECRET_OPTIONS_LIMIT = 2000;

export async function listWebhooks(actor: TActor, teamSlug: string): Promise<TWebhookList> {
  const { db, team, role } = await authorizeTeam({ actor, teamSlug }, "webhooks.read");
  const rows = await db
    .select({ ...columnsOf(webhooks, "id", "name", "url", "method", "headers", "payload", "events", "updatedAt"), updatedBy: users.email })
    .from(webhooks)
    .leftJoin(users, eq(users.id, webhooks.updatedBy))
    .where(eq(webhooks.teamId, team.id))
    .orderBy(asc(sql`lower(${webhooks.name})`), asc(webhooks.id));
  const ids = rows.map((r) => r.id);
  // Allowed hosts are a property of secrets: their writers edit them (and create secrets from the dialog).
  const canWriteSecrets = roleCan(role, "secrets.write");
  const [bindings, last, options, overlaps] = await Promise.all([
    ids.length
      ? db
          .select({ webhookId: webhookSecrets.webhookId, id: secrets.id, name: secrets.name, visibility: secrets.visibility })
          .from(webhookSecrets)
          .innerJoin(secrets, and(eq(secrets.id, webhookSecrets.secretId), eq(secrets.teamId, team.id)))
          .where(and(eq(webhookSecrets.teamId, team.id), inArray(webhookSecrets.webhookId, ids)))
          .orderBy(asc(secrets.name))
      : [],
    ids.length
      ? db
          .selectDistinctOn([webhookDeliveries.webhookId], {
            webhookId: webhookDeliveries.webhookId,
            status: webhookDeliveries.status,
            at: webhookDeliveries.createdAt,
          })
          .from(webhookDeliveries)
          .where(and(eq(webhookDeliveries.teamId, team.id), inArray(webhookDeliveries.webhookId, ids)))
          .orderBy(webhookDeliveries.webhookId, desc(webhookDeliveries.createdAt))
      : [],
    canWriteSecrets ? listSecretOptions(team.id) : [],
    ids.length ? signingOverlaps(db, team.id) : new Map<string, string>(),
  ]);
  const items: TWebhookDTO[] = rows.map((r) => {
    const refs = bindings.filter((b) => b.webhookId === r.id).map(({ id, name, visibility }) => ({ id, name, visibility }));
    const l = last.find((x) => x.webhookId === r.id);
    const policy = webhookPolicy(role, refs.map((s) => s.visibility));
    return {
      ...r,
      updatedAt: r.updatedAt.toISOString(),
      secrets: refs,
      ...policy,
      lastDelivery: l && policy.canSeeDeliveries ? { status: l.status, at: l.at.toISOString() } : null,
      previousSigningSecretUntil: overlaps.get(r.id) ?? null,
    };
  });
  return {
    items,
    role,
    canWriteSecrets,
    canAttachRestricted: canUseVisibility(role, "attach", "restricted"),
    canSign: roleCan(role, "webhooks.signing_secret"),
    canRedeliver: roleCan(role, "webhooks.redeliver"),
    secretOptions: options,
  };
}

async function listSecretOptions(teamId: string): Promise<TSecretOption[]> {
  const db = await getDb();
  return db
    .select({ id: secrets.id, name: secrets.name, visibility: secrets.visibility, allowedHosts: secrets.allowedHosts })
    .from(secrets)
    .where(eq(secrets.teamId, teamId))
    .orderBy(asc(sql`lower(${secrets.name})`))
    .limit(SECRET_OPTIONS_LIMIT);
}

/** Checks a webhook against the team's secrets and the destination rules; throws a validation AppError. */
async function validateWebhook(tx: Tx, teamId: string, role: TRole, input: TWebhookInput) {
  const selected = input.secretIds.length
    ? await tx
        .select({ id: secrets.id, name: secrets.name, visibility: secrets.visibility, allowedHosts: secrets.allowedHosts })
        .from(secrets)
        .where(and(eq(secrets.teamId, teamId), inArray(secrets.id, input.secretIds)))
        .for("share")
    : [];
  if (selected.length !== input.secretIds.length) {
    throw new AppError("validation", "A selected secret no longer exists. Reload and choose again.", {
      secretIds: ["A selected secret no longer exists. Reload and choose again."],
    });
  }
  const barred = selected.filter((s) => !canUseVisibility(role, "attach", s.visibility)).map((s) => s.name);
  if (barred.length) {
    const msg = `${barred.join(", ")} ${barred.length === 1 ? "is" : "are"} Restricted: only Owners and Admins can attach Restricted secrets.`;
    throw new AppError("forbidden", msg, { secretIds: [msg] });
  }
  const template = { url: input.url, method: input.method, headers: input.headers, payload: input.payload };
  // Names referenced but not selected still need to be told apart from names that do not exist.
  const allNames = await tx.select({ name: secrets.name }).from(secrets).where(eq(secrets.teamId, teamId));
  const { fieldErrors } = checkWebhookTemplate(template, selected.map((s) => s.name), allNames.map((n) => n.name));
  const add = (field: string, message: string) => ((fieldErrors[field] ??= []).push(message), undefined);
  if (input.method === "GET" && input.payload.trim()) add("payload", "Payload: GET requests carry no body; clear the payload or choose another method.");
  let host: string | null = null;
  if (!fieldErrors.url) {
    try {
      host = checkDestination(destinationUrl(input.url), allowedHostsFromEnv(env().WEBHOOK_ALLOWED_HOSTS)).host;
    } catch (err) {
      if (!(err instanceof DestinationError)) throw err;
      add("url", `URL: ${err.message}`);
    }
  }
  if (host !== null) {
    for (const s of selected) {
      if (s.allowedHosts.length && !hostMatches(host, s.allowedHosts)) {
        add("url", `URL: ${s.name} may only be sent to ${s.allowedHosts.join(", ")}; this URL goes to ${host}.`);
      }
    }
  }
  throwIfErrors(fieldErrors);
  return selected;
}

function throwIfErrors(fieldErrors: TFieldErrors) {
  const first = Object.values(fieldErrors)[0]?.[0];
  if (first) throw new AppError("validation", first, fieldErrors);
}

/** The columns a create and an edit both write from the validated input. */
const templateColumns = (d: TWebhookInput) => ({ name: d.name, url: d.url, method: d.method, headers: d.headers, payload: d.payload, events: d.events });

function auditDetails(input: TWebhookInput, selected: { name: string }[]) {
  // The host only: a literal query string may hold something its author should have made a secret.
  let host: string | null = null;
  try {
    host = new URL(destinationUrl(input.url)).host;
  } catch {
    host = null;
  }
  return { host, method: input.method, events: input.events, secrets: selected.map((s) => s.name) };
}

/**
 * Creates a webhook with its first signing secret. `signingSecret` is the plaintext, returned once and only
 * to Owners/Admins (an Editor's webhook is signed too; an Owner/Admin sees a secret by rotating it).
 */
export async function createWebhook(input: TTeamCall & { data: TWebhookInput }): Promise<{ id: string; name: string; signingSecret: string | null }> {
  const { db, team, role } = await authorizeTeam(input, "webhooks.write");
  return db.transaction(async (tx) => {
    const selected = await validateWebhook(tx, team.id, role, input.data);
    const d = input.data;
    const [row] = await tx
      .insert(webhooks)
      .values({ teamId: team.id, ...templateColumns(d), createdBy: input.actor.id, updatedBy: input.actor.id })
      .returning({ id: webhooks.id });
    if (!row) throw new Error("webhook insert returned nothing");
    const signingSecret = await insertSigningSecretTx(tx, team.id, row.id, 1);
    await bindSecretsTx(tx, team.id, row.id, selected.map((s) => s.id));
    await recordCallAudit(tx, input, team.id, {
      action: "webhook.created",
      target: { type: "webhook", id: row.id, name: d.name },
      metadata: auditDetails(d, selected),
    });
    return { id: row.id, name: d.name, signingSecret: roleCan(role, "webhooks.signing_secret") ? signingSecret : null };
  });
}

/** Locks a webhook of this team and checks that this role may change it. */
async function lockWebhook(tx: Tx, teamId: string, webhookId: string, role: TRole, verb: string) {
  const [row] = await tx
    .select({ id: webhooks.id, name: webhooks.name })
    .from(webhooks)
    .where(and(eq(webhooks.id, webhookId), eq(webhooks.teamId, teamId)))
    .for("update");
  if (!row) throw new AppError("not_found", "This webhook no longer exists.");
  await requireWebhookUse(tx, role, teamId, row.id, "attach", (names) => `${row.name} uses the Restricted secret ${names}: only Owners and Admins can ${verb} it.`);
  return row;
}

export async function updateWebhook(input: TTeamCall & { webhookId: string; data: TWebhookInput }): Promise<{ id: string; name: string }> {
  const { db, team, role } = await authorizeTeam(input, "webhooks.write");
  return db.transaction(async (tx) => {
    const row = await lockWebhook(tx, team.id, input.webhookId, role, "edit");
    const selected = await validateWebhook(tx, team.id, role, input.data);
    const d = input.data;
    await tx
      .update(webhooks)
      .set({ ...templateColumns(d), updatedBy: input.actor.id, updatedAt: sql`now()` })
      .where(and(eq(webhooks.id, row.id), eq(webhooks.teamId, team.id)));
    await tx.delete(webhookSecrets).where(and(eq(webhookSecrets.webhookId, row.id), eq(webhookSecrets.teamId, team.id)));
    await bindSecretsTx(tx, team.id, row.id, selected.map((s) => s.id));
    // A secret it no longer sends (unselected, or no longer in its template) is not one it is behind on; and
    // if it was the last consumer behind, that rotation is now closed out.
    const referenced = new Set(allReferences(d));
    const forgotten = await forgetWebhookSecretsTx(tx, team.id, row.id, selected.filter((s) => referenced.has(s.name)).map((s) => s.id));
    await closeOutRotations(tx, team.id, forgotten);
    await recordCallAudit(tx, input, team.id, {
      action: "webhook.updated",
      target: { type: "webhook", id: row.id, name: d.name },
      metadata: { ...auditDetails(d, selected), ...(row.name !== d.name ? { renamedFrom: row.name } : {}) },
    });
    return { id: row.id, name: d.name };
  });
}

export async function deleteWebhook(input: TTeamCall & { webhookId: string }): Promise<{ name: string }> {
  const { db, team, role } = await authorizeTeam(input, "webhooks.write");
  return db.transaction(async (tx) => {
    const row = await lockWebhook(tx, team.id, input.webhookId, role, "delete");
    const forgotten = await forgetWebhookSecretsTx(tx, team.id, row.id, []);
    await tx.delete(webhooks).where(and(eq(webhooks.id, row.id), eq(webhooks.teamId, team.id)));
    await closeOutRotations(tx, team.id, forgotten);
    await recordCallAudit(tx, input, team.id, {
      action: "webhook.deleted",
      target: { type: "webhook", id: row.id, name: row.name },
    });
    return { name: row.name };
  });
}

/** Owners/Admins: the hosts a secret may be sent to (empty: any host that passes the SSRF guard). */
export async function setSecretAllowedHosts(input: TTeamCall & { secretId: string; hosts: string[] }): Promise<{ name: string; hosts: string[] }> {
  const { db, team } = await authorizeTeam(input, "secrets.write");
  return db.transaction(async (tx) => {
    const row = await lockTeamSecret(tx, team.id, input.secretId);
    if (!row) throw new AppError("not_found", "This secret no longer exists.");
    if (input.hosts.length) {
      const users = await tx
        .select({ name: webhooks.name, url: webhooks.url })
        .from(webhookSecrets)
        .innerJoin(webhooks, and(eq(webhooks.id, webhookSecrets.webhookId), eq(webhooks.teamId, team.id)))
        .where(and(eq(webhookSecrets.teamId, team.id), eq(webhookSecrets.secretId, row.id)));
      const outside = users.filter((w) => {
        try {
          return !hostMatches(destinationHost(w.url), input.hosts);
        } catch {
          return true;
        }
      });
      if (outside.length) {
        const msg = `Webhook ${outside.map((w) => `"${w.name}"`).join(", ")} sends ${row.name} to another host. Change ${outside.length === 1 ? "its" : "their"} URL or the list first.`;
        throw new AppError("conflict", msg, { hosts: [msg] });
      }
    }
    await tx
      .update(secrets)
      .set({ allowedHosts: input.hosts })
      .where(and(eq(secrets.id, row.id), eq(secrets.teamId, team.id)));
    await recordCallAudit(tx, input, team.id, {
      action: "secret.allowed_hosts_changed",
      target: { type: "secret", id: row.id, name: row.name },
      metadata: { from: row.allowedHosts, to: input.hosts },
    });
    return { name: row.name, hosts: input.hosts };
  });
}

"use server";
// Server actions of the Webhooks page. Each authenticates through runTeamAction; authorization (roles,
// Restricted secrets, allowed hosts, the SSRF guard) lives in the DAL, inside the transaction.
import { redeliverDelivery, sendTestDelivery } from "@/lib/jobs/webhook-delivery";
import { rotateSigningSecret } from "@/lib/dal/webhook-signing";
import { createWebhook, deleteWebhook, setSecretAllowedHosts, updateWebhook } from "@/lib/dal/webhooks";
import { runTeamAction } from "@/lib/team-action";
import { dalAction, teamScope } from "../dal-action";
import { ZAllowedHosts, ZDeliveryRef, ZUpdateWebhookInput, ZWebhookInput, ZWebhookRef } from "@/lib/validation/webhooks";

const webhooksPath = (slug: string) => `/teams/${slug}/settings/webhooks`;

// Owners/Admins get the new webhook's signing secret in this response, once; nothing else ever carries it.
export async function createWebhookAction(teamSlug: unknown, input: unknown) {
  return runTeamAction("createWebhook", teamSlug, ZWebhookInput, input, (ctx, data) =>
    createWebhook({ ...teamScope(ctx), data }), webhooksPath);
}

export async function updateWebhookAction(teamSlug: unknown, input: unknown) {
  return runTeamAction("updateWebhook", teamSlug, ZUpdateWebhookInput, input, (ctx, { webhookId, ...data }) =>
    updateWebhook({ ...teamScope(ctx), webhookId, data }), webhooksPath);
}

export const deleteWebhookAction = dalAction("deleteWebhook", ZWebhookRef, deleteWebhook, webhooksPath);

export async function sendTestWebhookAction(teamSlug: unknown, input: unknown) {
  return runTeamAction("sendTestWebhook", teamSlug, ZWebhookRef, input, async (ctx, data) => {
    const r = await sendTestDelivery({ ...teamScope(ctx), ...data });
    return outcomeOnly(r);
  }, webhooksPath);
}

// Owners/Admins: the new signing secret is in this response, once; the previous one signs for 24 more hours.
export const rotateSigningSecretAction = dalAction("rotateSigningSecret", ZWebhookRef, rotateSigningSecret, webhooksPath);

export async function redeliverAction(teamSlug: unknown, input: unknown) {
  return runTeamAction("redeliver", teamSlug, ZDeliveryRef, input, async (ctx, data) =>
    outcomeOnly(await redeliverDelivery({ ...teamScope(ctx), ...data })), webhooksPath);
}

// Outcome only: the redacted details are in the delivery log.
function outcomeOnly(r: Awaited<ReturnType<typeof sendTestDelivery>>) {
  return "outcome" in r ? { status: r.status, outcome: r.outcome, statusCode: r.statusCode } : { status: r.status, outcome: null, statusCode: null };
}

export const setAllowedHostsAction = dalAction("setAllowedHosts", ZAllowedHosts, setSecretAllowedHosts, webhooksPath);

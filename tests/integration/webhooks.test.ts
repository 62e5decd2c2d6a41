// Webhooks end to end below the UI: the DAL, the delivery queue and the sender against real HTTP receivers
// on loopback (127.0.0.1 allowlisted through WEBHOOK_ALLOWED_HOSTS, 127.0.0.2 not), with real users,
// teams, encryption, audit rows and database (PGlite, and Postgres when DATABASE_URL is set).
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { secrets, webhookDeliveries, webhooks, webhookSecrets } from "@/db/schema";
import { createSecret, deleteSecret, rotateSecret } from "@/lib/dal/secrets";
import { listDeliveryAttempts } from "@/lib/dal/delivery-log";
import { claimDeliveries } from "@/lib/dal/webhook-deliveries";
import { processDelivery, processDueDeliveries, sendTestDelivery } from "@/lib/jobs/webhook-delivery";
import { createWebhook, deleteWebhook, setSecretAllowedHosts, updateWebhook } from "@/lib/dal/webhooks";
import { removeMember } from "@/lib/dal/members";
import type { TWebhookInput } from "@/lib/validation/webhooks";
import { startDeliveryWorker } from "@/lib/jobs/webhook-worker";
import { flushUsage } from "@/lib/dal/usage-recorder";
import { auditRows, errorOf, runId, tablesContaining, sentAtOnce, webhookInput } from "../support/fixtures";
import { roleTeamCast } from "../support/cast";
import { receiverFixture } from "../support/receiver-fixture";

process.env.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1";
process.env.WEBHOOK_RETRY_BASE_MS = "30";
process.env.WEBHOOK_TIMEOUT_MS = "700";

const { owner, admin, editor, team, more: { leaver } } = roleTeamCast("wh", ["leaver"]);
const rx = receiverFixture("127.0.0.1"); // allowlisted
const other = receiverFixture("127.0.0.2"); // not allowlisted

afterAll(async () => {
  await closeDb();
});

beforeEach(() => {
  rx.requests.length = 0;
  other.requests.length = 0;
  rx.respond((_req, res) => res.end("ok"));
});

const tag = () => runId().toUpperCase();
async function secret(prefix: string, value: string, visibility: "masked" | "restricted" = "masked") {
  const s = await createSecret({ actor: admin.actor, teamSlug: team.slug, name: `${prefix}_${tag()}`, value, visibility });
  return { ...s, value };
}
const input = (over: Partial<TWebhookInput>) => webhookInput("hook", rx.url(), over);
/** The attempt "Send test" made at once (fails the test if it was only queued). */
const ok = sentAtOnce;

describe("substitution", () => {
  it("sends values in headers, the query string and a JSON payload, escaped for each place", async () => {
    const tricky = await secret("TRICKY", `He said "hi" \\ back\nline2 \u{1F511} é ${"${NOT_EXPANDED}"}`);
    const key = await secret("KEY", `key-${runId()} &=?/+`);
    const hook = await createWebhook({
      actor: editor.actor,
      teamSlug: team.slug,
      data: input({
        url: `${rx.url()}?k=\${${key.name}}&plain=1`,
        headers: [{ name: "X-Api-Key", value: `Bearer \${${key.name}}` }],
        payload: `{"text":"v=\${${tricky.name}}","raw":\${${tricky.name}},"lit":"$\${NOT_A_SECRET}"}`,
        secretIds: [tricky.id, key.id],
      }),
    });
    const r = await sendTestDelivery({ actor: editor.actor, teamSlug: team.slug, webhookId: hook.id });
    expect(ok(r).status).toBe("succeeded");
    expect(rx.requests).toHaveLength(1);
    const got = rx.requests[0]!;
    expect(got.headers["x-api-key"]).toBe(`Bearer ${key.value}`);
    const q = new URL(got.url, "http://x").searchParams;
    expect(q.get("k")).toBe(key.value);
    expect(q.get("plain")).toBe("1");
    expect(JSON.parse(got.body)).toEqual({ text: `v=${tricky.value}`, raw: tricky.value, lit: "${NOT_A_SECRET}" });
    expect(got.headers["content-type"]).toBe("application/json");
  });

  it.each([
    ["a line break", "line1\r\nInjected: yes"],
    ["an emoji", "key \u{1F511}"],
  ])("refuses a header value whose secret holds %s, at send, without sending", async (_label, value) => {
    const multi = await secret("MULTI", value);
    const hook = await createWebhook({
      actor: admin.actor,
      teamSlug: team.slug,
      data: input({ headers: [{ name: "X-V", value: `\${${multi.name}}` }], secretIds: [multi.id] }),
    });
    const r = ok(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id }));
    expect(r.outcome).toBe("refused");
    expect(r.status).toBe("failed");
    expect(rx.requests).toHaveLength(0);
  });
});

describe("refusals at save", () => {
  it("names the field and the reference for unknown, unselected and malformed references", async () => {
    const a = await secret("SEL", "a-value");
    const b = await secret("UNSEL", "b-value");
    const unknown = await errorOf(createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({ payload: '{"a":"${NO_SUCH_SECRET}"}', secretIds: [a.id] }) }));
    expect(unknown.code).toBe("validation");
    expect(unknown.fieldErrors?.payload?.[0]).toContain("Payload: ${NO_SUCH_SECRET} is not a secret of this team");
    const unselected = await errorOf(
      createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({ headers: [{ name: "X-B", value: `\${${b.name}}` }], secretIds: [a.id] }) }),
    );
    expect(unselected.fieldErrors?.["headers.0.value"]?.[0]).toContain(`Header X-B: \${${b.name}} is not selected`);
    const malformed = await errorOf(createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({ url: `${rx.url()}?a=\${bad name}` }) }));
    expect(malformed.fieldErrors?.url?.[0]).toContain('URL: malformed reference "${bad name}"');
    const db = await getDb();
    const [n] = await db.select({ n: sql<number>`count(*)::int` }).from(webhooks).where(eq(webhooks.teamId, team.id));
    const before = n!.n;
    await errorOf(createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({ payload: "{not json}" }) }));
    const [m] = await db.select({ n: sql<number>`count(*)::int` }).from(webhooks).where(eq(webhooks.teamId, team.id));
    expect(m!.n).toBe(before);
  });
});

describe("rotation", () => {
  it("the next delivery after a rotation sends the new value, never the old", async () => {
    const s = await secret("ROT", `old-${runId()}`);
    const hook = await createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({ payload: `{"v":"\${${s.name}}"}`, secretIds: [s.id] }) });
    await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id });
    const fresh = `new-${runId()}`;
    await rotateSecret({ actor: admin.actor, teamSlug: team.slug, secretId: s.id, value: fresh, expectedVersion: 1 });
    await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id });
    expect(rx.requests.map((r) => JSON.parse(r.body).v)).toEqual([s.value, fresh]);
  });
});

describe("editor rules", () => {
  it("an editor cannot attach a Restricted secret, nor edit or delete a webhook that carries one", async () => {
    const restricted = await secret("RESTR", "r-value", "restricted");
    const masked = await secret("MASK", "m-value");
    const attach = await errorOf(createWebhook({ actor: editor.actor, teamSlug: team.slug, data: input({ secretIds: [restricted.id] }) }));
    expect(attach.code).toBe("forbidden");
    expect(attach.message).toContain(restricted.name);
    const hook = await createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({ secretIds: [restricted.id, masked.id] }) });
    const edit = await errorOf(updateWebhook({ actor: editor.actor, teamSlug: team.slug, webhookId: hook.id, data: input({ secretIds: [masked.id] }) }));
    expect(edit.code).toBe("forbidden");
    expect((await errorOf(deleteWebhook({ actor: editor.actor, teamSlug: team.slug, webhookId: hook.id }))).code).toBe("forbidden");
    const db = await getDb();
    const bound = await db.select().from(webhookSecrets).where(eq(webhookSecrets.webhookId, hook.id));
    expect(bound).toHaveLength(2);
    // Masked only: allowed.
    const own = await createWebhook({ actor: editor.actor, teamSlug: team.slug, data: input({ secretIds: [masked.id] }) });
    await updateWebhook({ actor: editor.actor, teamSlug: team.slug, webhookId: own.id, data: input({ name: "renamed", secretIds: [masked.id] }) });
    // An editor cannot smuggle a Restricted secret in by editing either.
    expect((await errorOf(updateWebhook({ actor: editor.actor, teamSlug: team.slug, webhookId: own.id, data: input({ secretIds: [restricted.id] }) }))).code).toBe("forbidden");
  });
});

describe("allowed hosts", () => {
  it("are enforced at save and at send", async () => {
    const s = await secret("HOSTED", `h-${runId()}`);
    await setSecretAllowedHosts({ actor: admin.actor, teamSlug: team.slug, secretId: s.id, hosts: ["hooks.example.com"] });
    const refused = await errorOf(createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({ payload: `{"v":"\${${s.name}}"}`, secretIds: [s.id] }) }));
    expect(refused.fieldErrors?.url?.[0]).toContain(`${s.name} may only be sent to hooks.example.com`);
    // Editors cannot set allowed hosts.
    expect((await errorOf(setSecretAllowedHosts({ actor: editor.actor, teamSlug: team.slug, secretId: s.id, hosts: [] }))).code).toBe("forbidden");

    await setSecretAllowedHosts({ actor: admin.actor, teamSlug: team.slug, secretId: s.id, hosts: ["127.0.0.1"] });
    const hook = await createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({ payload: `{"v":"\${${s.name}}"}`, secretIds: [s.id] }) });
    // Narrowing the list while a webhook sends elsewhere is refused with the webhook's name...
    const narrow = await errorOf(setSecretAllowedHosts({ actor: admin.actor, teamSlug: team.slug, secretId: s.id, hosts: ["hooks.example.com"] }));
    expect(narrow.message).toContain(hook.name);
    // ...and if the list changes anyway (another path, a race), the send is refused before decrypting.
    const db = await getDb();
    await db.update(secrets).set({ allowedHosts: ["hooks.example.com"] }).where(and(eq(secrets.id, s.id), eq(secrets.teamId, team.id)));
    const r = ok(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id }));
    expect(r.outcome).toBe("refused");
    expect(rx.requests).toHaveLength(0);
    const [att] = await listDeliveryAttempts(admin.actor, team.slug, { webhookId: hook.id });
    expect(att?.error).toContain("may only be sent to hooks.example.com");
  });
});

describe("SSRF guard", () => {
  const forms = (port: number) => [
    `http://127.0.0.2:${port}/`,
    `http://0x7f000001:${port}/`,
    `http://2130706433:${port}/`,
    `http://017700000001:${port}/`,
    `http://127.1:${port}/`,
    `http://[::1]:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://[::ffff:7f00:2]:${port}/`,
    `http://localhost:${port}/`,
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://10.0.0.1/",
    "http://192.168.0.1/",
    "http://172.16.0.1/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://[::]/",
    "http://[fe80::1]/",
    // Issue 9 item 11: IPv4-compatible and other transitional IPv6 forms, trailing dots, local names.
    `http://[::7f00:2]:${port}/`,
    `http://[2002:7f00:2::]:${port}/`,
    `http://localhost.:${port}/`,
    `http://LOCALHOST..:${port}/`,
    "http://metadata.google.internal/",
    "http://metadata/",
  ];

  it("refuses every non-public form at save", async () => {
    for (const url of forms(other.port)) {
      const err = await errorOf(createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({ url }) }));
      expect(err.fieldErrors?.url?.[0], url).toMatch(/^URL: /);
      if (!/0x|2130706433|017700000001|127\.1:/.test(url)) expect(err.fieldErrors?.url?.[0], url).toMatch(/webhooks can only be sent to public hosts\.$/);
    }
  });

  it("refuses them at send too (a row written past the save checks), and nothing reaches 127.0.0.2", async () => {
    const db = await getDb();
    for (const url of forms(other.port).slice(0, 9)) {
      const [row] = await db.insert(webhooks).values({ teamId: team.id, name: `raw-${runId()}`, url }).returning({ id: webhooks.id });
      const r = ok(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: row!.id }));
      expect(r.status, url).toBe("failed");
      expect(["refused", "blocked"], url).toContain(r.outcome);
    }
    expect(other.requests).toHaveLength(0);
  });

  it("does not follow a redirect from the allowlisted receiver to 127.0.0.2", async () => {
    const s = await secret("REDIR", `rd-${runId()}`);
    rx.respond((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.2:${other.port}/stolen` });
      res.end();
    });
    const hook = await createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({ headers: [{ name: "X-K", value: `\${${s.name}}` }], secretIds: [s.id] }) });
    const r = ok(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id }));
    expect(r.statusCode).toBe(302);
    expect(r.status).toBe("failed");
    expect(rx.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });
});

describe("delivery log", () => {
  it("keeps no resolved value, also when echoed raw, base64 and URL-encoded", async () => {
    const s = await secret("ECHO", `echo-"${runId()}"/+= &?%`);
    rx.respond((req, res) => {
      const v = req.headers["x-secret"] as string;
      res.end(JSON.stringify({ raw: v, b64: Buffer.from(v).toString("base64"), url: encodeURIComponent(v), body: req.body, query: req.url }));
    });
    const hook = await createWebhook({
      actor: admin.actor,
      teamSlug: team.slug,
      data: input({
        url: `${rx.url()}?s=\${${s.name}}`,
        headers: [{ name: "X-Secret", value: `\${${s.name}}` }],
        payload: `{"s":"\${${s.name}}"}`,
        secretIds: [s.id],
      }),
    });
    const r = ok(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id }));
    expect(r.status).toBe("succeeded");
    expect(rx.requests[0]!.headers["x-secret"]).toBe(s.value); // it really was sent
    const [att] = await listDeliveryAttempts(admin.actor, team.slug, { webhookId: hook.id });
    const logged = stringsOf(att);
    const jsonOnce = JSON.stringify(s.value).slice(1, -1);
    const forms = [s.value, jsonOnce, JSON.stringify(jsonOnce).slice(1, -1), Buffer.from(s.value).toString("base64"), encodeURIComponent(s.value), s.value.slice(0, 12)];
    for (const text of logged) for (const f of forms) expect(text, f).not.toContain(f);
    // Issue 9 item 1: the request is logged as its template, and the response of a delivery that carried
    // a secret is not kept at all (tests/integration/webhooks-hostile.test.ts tries every encoding).
    expect(att!.request.headers.find((h) => h.name === "X-Secret")?.value).toBe(`\${${s.name}}`);
    expect(att!.request.url).toContain(`s=\${${s.name}}`);
    expect(att!.request.body).toBe(`{"s":"\${${s.name}}"}`);
    expect(att!.responseBody).toBeNull();
    expect(att!.response.withheld).toBe(true);
    // Nowhere in the database either (secret_values holds ciphertext only).
    expect(await tablesContaining(s.value)).toEqual([]);
    // Audit: resolved for a delivery, with name and version, never the value; Last used set.
    const events = await auditRows(team.id, "webhook.secret_resolved", s.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ targetName: s.name, version: 1, actorId: admin.id });
    expect(events[0]!.metadata).toMatchObject({ webhookId: hook.id, webhook: hook.name });
    // Last used is written by the usage recorder, off the read path.
    await flushUsage();
    const db = await getDb();
    const [row] = await db.select({ lastUsedAt: secrets.lastUsedAt }).from(secrets).where(eq(secrets.id, s.id));
    expect(row?.lastUsedAt).toBeInstanceOf(Date);
  });
});

describe("retries and the queue", () => {
  it("retries 5xx with backoff and stops after 3 attempts", async () => {
    rx.respond((_req, res) => {
      res.statusCode = 503;
      res.end("busy");
    });
    const hook = await createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({}) });
    const first = ok(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id }));
    expect(first).toMatchObject({ attempt: 1, status: "pending", statusCode: 503 });
    await drain(first.deliveryId);
    expect(rx.requests).toHaveLength(3);
    const attempts = await listDeliveryAttempts(admin.actor, team.slug, { webhookId: hook.id });
    expect(attempts.map((a) => a.attempt).sort()).toEqual([1, 2, 3]);
    expect(attempts[0]!.deliveryStatus).toBe("failed");
  });

  it("retries a timeout and succeeds; a 4xx is not retried", async () => {
    let n = 0;
    rx.respond((_req, res) => {
      n += 1;
      if (n === 1) return; // hang past the deadline
      res.end("ok");
    });
    const hook = await createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({}) });
    const first = ok(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id }));
    expect(first).toMatchObject({ outcome: "timeout", status: "pending" });
    expect(await drain(first.deliveryId)).toBe("succeeded");

    rx.respond((_req, res) => {
      res.statusCode = 400;
      res.end("bad");
    });
    const r = ok(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id }));
    expect(r).toMatchObject({ status: "failed", statusCode: 400 });
  });

  it("survives a restart: queued events and a send cut off mid-way are picked up by a new worker, each sent once", async () => {
    const s = await secret("EVT", `evt-${runId()}`);
    const hook = await createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({ events: ["secret.rotated", "member.removed"], secretIds: [] }) });
    // Two events queued in their transactions; no worker is running.
    await rotateSecret({ actor: admin.actor, teamSlug: team.slug, secretId: s.id, value: `evt2-${runId()}`, expectedVersion: 1 });
    await removeMember({ actor: owner.actor, teamSlug: team.slug, userId: leaver.id });
    // A third was claimed by a worker that then died (its lease ran out).
    const db = await getDb();
    const [crashed] = await db
      .insert(webhookDeliveries)
      .values({ teamId: team.id, webhookId: hook.id, trigger: "test", status: "sending", attempts: 1, lockedUntil: sql`now() - interval '1 second'` })
      .returning({ id: webhookDeliveries.id });
    expect(rx.requests).toHaveLength(0);
    // "Restart": two fresh worker instances race for the same queue.
    const results = await Promise.all([processDueDeliveries(10), processDueDeliveries(10)]);
    const worker = startDeliveryWorker({ intervalMs: 20 });
    await waitFor(async () => {
      const rows = await db.select({ status: webhookDeliveries.status }).from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
      return rows.length === 3 && rows.every((r) => r.status === "succeeded");
    });
    await worker.stop();
    expect(results.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3);
    const triggers = rx.requests.map((r) => JSON.parse(r.body).event).sort();
    expect(triggers).toEqual(["member.removed", "secret.rotated", "test"]);
    const rotated = JSON.parse(rx.requests.find((r) => r.body.includes("secret.rotated"))!.body);
    expect(rotated.data).toEqual({ secret: s.name, version: 2 });
    expect(rx.requests.find((r) => r.body.includes("member.removed"))!.body).toContain(leaver.email);
    expect(rx.requests.find((r) => JSON.parse(r.body).event === "test")!.headers["x-webhook-delivery"]).toBe(crashed!.id);
  });

  it("claims are exclusive: a delivery held by one worker is skipped by another", async () => {
    const hook = await createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({}) });
    const db = await getDb();
    const [row] = await db.insert(webhookDeliveries).values({ teamId: team.id, webhookId: hook.id, trigger: "test" }).returning({ id: webhookDeliveries.id });
    const [mine] = await claimDeliveries(1, row!.id);
    expect(mine).toBeDefined();
    expect(await claimDeliveries(1, row!.id)).toEqual([]);
    await processDelivery(mine!);
    expect(rx.requests).toHaveLength(1);
  });
});

describe("in-use protection", () => {
  it("refuses to delete a secret a webhook uses, naming the webhook; allowed once the webhook is gone", async () => {
    const s = await secret("INUSE", `u-${runId()}`);
    const hook = await createWebhook({ actor: admin.actor, teamSlug: team.slug, data: input({ payload: `{"v":"\${${s.name}}"}`, secretIds: [s.id] }) });
    const err = await errorOf(deleteSecret({ actor: admin.actor, teamSlug: team.slug, secretId: s.id, expectedVersion: 1 }));
    expect(err.code).toBe("conflict");
    expect(err.message).toContain(hook.name);
    await deleteWebhook({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id });
    await deleteSecret({ actor: admin.actor, teamSlug: team.slug, secretId: s.id, expectedVersion: 1 });
  });
});

/** Every string inside a value (the log fields as stored, before any re-encoding). */
function stringsOf(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(stringsOf);
  if (v && typeof v === "object") return Object.values(v).flatMap(stringsOf);
  return [];
}

async function drain(deliveryId: string): Promise<string> {
  const db = await getDb();
  let status = "pending";
  await waitFor(async () => {
    await processDueDeliveries(5);
    const [row] = await db.select({ status: webhookDeliveries.status }).from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
    status = row?.status ?? "missing";
    return status === "succeeded" || status === "failed";
  });
  return status;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("timed out waiting");
}

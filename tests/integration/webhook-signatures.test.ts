// Standard Webhooks signatures, subscriptions and redelivery, end to end below the UI: real deliveries to a
// receiver on loopback that verifies each one with the real `standardwebhooks` library and keeps the ids
// it has accepted (tests/support/standard-webhooks-receiver.ts). Real users, teams, envelope encryption,
// audit rows and database (PGlite, and Postgres when DATABASE_URL is set).
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { auditEvents, webhookDeliveries, webhooks, webhookSigningSecrets } from "@/db/schema";
import { removeMember } from "@/lib/dal/members";
import { createSecret, rotateSecret } from "@/lib/dal/secrets";
import { listDeliveryAttempts } from "@/lib/dal/delivery-log";
import { claimDeliveries } from "@/lib/dal/webhook-deliveries";
import { processDelivery, redeliverDelivery, sendTestDelivery, type TAttemptResult } from "@/lib/jobs/webhook-delivery";
import { rotateSigningSecret } from "@/lib/dal/webhook-signing";
import { createWebhook } from "@/lib/dal/webhooks";
import { ZWebhookInput, type TWebhookInput } from "@/lib/validation/webhooks";
import { errorOf, makeTeam, runId, tablesContaining } from "../support/fixtures";
import { roleTeamCast } from "../support/cast";
import { type TReceived } from "../support/receiver";
import { receiverFixture } from "../support/receiver-fixture";
import { headerRecord, StandardReceiver } from "../support/standard-webhooks-receiver";

process.env.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1";
process.env.WEBHOOK_RETRY_BASE_MS = "30";
process.env.WEBHOOK_TIMEOUT_MS = "2000";

const { owner, admin, editor, team, more: { leaver } } = roleTeamCast("sig", ["leaver"]);
const rx = receiverFixture("127.0.0.1");

afterAll(async () => {
  await closeDb();
});
beforeEach(() => {
  rx.requests.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

const input = (over: Partial<TWebhookInput> = {}): TWebhookInput => ZWebhookInput.parse({ name: `sig-${runId()}`, url: rx.url(), method: "POST", headers: [], payload: "", secretIds: [], ...over });
async function hook(over: Partial<TWebhookInput> = {}, actor = admin) {
  const h = await createWebhook({ actor: actor.actor, teamSlug: team.slug, data: input(over) });
  return h;
}
function sent(r: TAttemptResult | { status: "queued" }): TAttemptResult {
  if (!("outcome" in r)) throw new Error("expected the delivery to be sent at once, not queued");
  return r;
}
/** Sends every queued delivery of this webhook now (only its own: other files share the Postgres queue). */
async function flush(webhookId: string): Promise<TAttemptResult[]> {
  const db = await getDb();
  const due = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.status, "pending")));
  const out: TAttemptResult[] = [];
  for (const d of due) {
    const [claimed] = await claimDeliveries(1, d.id);
    if (claimed) out.push(await processDelivery(claimed));
  }
  return out;
}
const last = (): TReceived => {
  const r = rx.requests.at(-1);
  if (!r) throw new Error("the receiver got nothing");
  return r;
};
/** Re-sends a captured request to the receiver, as an attacker (or a replaying proxy) would. */
async function post(req: { raw: Buffer; headers: Record<string, string> }) {
  const headers = { ...req.headers };
  for (const k of ["host", "content-length", "connection", "transfer-encoding"]) delete headers[k];
  const res = await fetch(rx.url(), { method: "POST", headers, body: new Uint8Array(req.raw) });
  return { status: res.status, reason: await res.text() };
}

describe("signing secrets", () => {
  it("is a whsec_ secret made at creation, returned once to Owners/Admins only, stored only as an envelope", async () => {
    const byAdmin = await hook();
    expect(byAdmin.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const byEditor = await hook({}, editor);
    expect(byEditor.signingSecret).toBeNull();
    const db = await getDb();
    const rows = await db.select().from(webhookSigningSecrets).where(eq(webhookSigningSecrets.webhookId, byEditor.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.ciphertext).toMatch(/^v2:k[0-9a-f]{10}:/);
    // Neither the secret nor its key bytes in any table, in any form.
    const secret = byAdmin.signingSecret!;
    expect(await tablesContaining(secret.slice(6))).toEqual([]);
    expect(await tablesContaining(Buffer.from(secret.slice(6), "base64").toString("hex"))).toEqual([]);
  });
});

describe("a webhook made before signing existed", () => {
  it("is signed from its next delivery on; an Owner/Admin gets a secret to verify with by rotating", async () => {
    const db = await getDb();
    const [legacy] = await db.insert(webhooks).values({ teamId: team.id, name: `legacy-${runId()}`, url: rx.url() }).returning({ id: webhooks.id });
    rx.respond((_req, res) => ((res.statusCode = 204), res.end()));
    sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: legacy!.id }));
    expect(last().headers["webhook-signature"]).toMatch(/^v1,/);
    const { signingSecret } = await rotateSigningSecret({ actor: admin.actor, teamSlug: team.slug, webhookId: legacy!.id });
    const receiver = new StandardReceiver([signingSecret]).serve(rx);
    sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: legacy!.id }));
    expect(receiver.verdicts).toEqual([{ ok: true, id: last().headers["webhook-id"] }]);
  });
});

describe("every delivery verifies with the standardwebhooks library", () => {
  it("Send test and a team event, with ${SECRET} substitutions in header, query and body; retries keep the webhook-id", async () => {
    const key = await createSecret({ actor: admin.actor, teamSlug: team.slug, name: `SIG_KEY_${runId().toUpperCase()}`, value: `v1-${runId()} "quoted" é`, visibility: "masked" });
    const h = await hook({
      url: `${rx.url()}?k=\${${key.name}}`,
      headers: [{ name: "Authorization", value: `Bearer \${${key.name}}` }],
      payload: `{"text":"key=\${${key.name}}","emoji":"🔑"}`,
      secretIds: [key.id],
      events: ["secret.rotated"],
    });
    const receiver = new StandardReceiver([h.signingSecret!]).serve(rx);

    const test = sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: h.id }));
    expect(test.status).toBe("succeeded");
    expect(receiver.verdicts).toEqual([{ ok: true, id: test.deliveryId }]);
    expect(last().headers).toMatchObject({ "webhook-id": test.deliveryId, "x-webhook-event": "test" });
    expect(Number(last().headers["webhook-timestamp"])).toBeCloseTo(Date.now() / 1000, -1);
    expect(last().headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);

    // A team event; the receiver fails it once (503), the retry is a new attempt of the same message.
    let fails = 1;
    rx.respond((req, res) => {
      if (fails-- > 0) return void ((res.statusCode = 503), res.end());
      const v = receiver.check(req);
      res.statusCode = v.ok ? 204 : 400;
      res.end();
    });
    await rotateSecret({ actor: admin.actor, teamSlug: team.slug, secretId: key.id, value: `v2-${runId()}`, expectedVersion: 1 });
    const [first] = await flush(h.id);
    expect(first).toMatchObject({ outcome: "http_error", status: "pending" });
    await new Promise((r) => setTimeout(r, 60));
    const [retry] = await flush(h.id);
    expect(retry).toMatchObject({ outcome: "succeeded", attempt: 2, deliveryId: first!.deliveryId });
    const [a, b] = rx.requests.slice(-2);
    expect(a!.headers["webhook-id"]).toBe(first!.deliveryId);
    expect(b!.headers["webhook-id"]).toBe(first!.deliveryId);
    expect(b!.headers["x-webhook-event"]).toBe("secret.rotated");
    expect(receiver.verdicts.at(-1)).toEqual({ ok: true, id: first!.deliveryId });
  });

  it("a GET delivery (empty body) and the default event payload verify too", async () => {
    const get = await hook({ method: "GET" });
    const receiver = new StandardReceiver([get.signingSecret!]).serve(rx);
    expect(sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: get.id })).status).toBe("succeeded");
    expect(last().raw).toHaveLength(0);
    const post = await hook();
    receiver.secrets = [post.signingSecret!];
    expect(sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: post.id })).status).toBe("succeeded");
    expect(JSON.parse(last().body)).toMatchObject({ event: "test" });
    expect(receiver.verdicts.every((v) => v.ok)).toBe(true);
  });

  it("a template cannot set the signature headers", () => {
    for (const name of ["Webhook-Signature", "webhook-id", "WEBHOOK-TIMESTAMP", "X-Webhook-Event"]) {
      const r = ZWebhookInput.safeParse({ ...input(), headers: [{ name, value: "v1,forged" }] });
      expect(r.success, name).toBe(false);
      expect(r.error?.issues[0]?.message).toBe("This header is set by the sender.");
    }
  });
});

describe("forgeries fail at the receiver", () => {
  it("a tampered body, a wrong secret, an old timestamp and a replayed id are each refused", async () => {
    const h = await hook();
    const receiver = new StandardReceiver([h.signingSecret!]).serve(rx);
    sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: h.id }));
    expect(receiver.verdicts).toHaveLength(1);
    expect(receiver.verdicts[0]!.ok).toBe(true);
    const genuine = { raw: last().raw, headers: headerRecord(last().headers) };

    const tampered = Buffer.from(genuine.raw.toString("utf8").replace('"test"', '"secret.deleted"'));
    expect(tampered.equals(genuine.raw)).toBe(false);
    expect(await post({ ...genuine, raw: tampered })).toEqual({ status: 400, reason: "No matching signature found" });

    // A receiver configured with another webhook's secret refuses the genuine delivery.
    const other = await hook();
    receiver.secrets = [other.signingSecret!];
    expect(await post(genuine)).toEqual({ status: 400, reason: "No matching signature found" });
    receiver.secrets = [h.signingSecret!];

    // The same bytes again: signature fine, id already accepted.
    expect(await post(genuine)).toEqual({ status: 400, reason: "replayed webhook-id" });

    // Six minutes later, the captured request is too old (checked before the id).
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 6 * 60_000 });
    receiver.seen.clear();
    expect(await post(genuine)).toEqual({ status: 400, reason: "Message timestamp too old" });
    vi.useRealTimers();

    // Nothing but the genuine delivery was ever accepted.
    expect(receiver.verdicts.filter((v) => v.ok)).toHaveLength(1);
  });
});

describe("rotating the signing secret", () => {
  it("signs with old and new for 24 hours, then with the new one only; audited, shown once, never stored in clear", async () => {
    const h = await hook();
    const oldSecret = h.signingSecret!;
    expect((await errorOf(rotateSigningSecret({ actor: editor.actor, teamSlug: team.slug, webhookId: h.id }))).code).toBe("forbidden");
    const before = Date.now();
    const rotated = await rotateSigningSecret({ actor: owner.actor, teamSlug: team.slug, webhookId: h.id });
    const newSecret = rotated.signingSecret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    const until = Date.parse(rotated.previousValidUntil!);
    expect(until - before).toBeGreaterThan(24 * 3600_000 - 60_000);
    expect(until - before).toBeLessThan(24 * 3600_000 + 60_000);

    const oldOnly = new StandardReceiver([oldSecret]).serve(rx);
    sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: h.id }));
    const during = last();
    expect(String(during.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(oldOnly.verdicts.at(-1)!.ok).toBe(true);
    expect(new StandardReceiver([newSecret]).check(during).ok).toBe(true);

    // The window ends (its end moved into the past, as 24 hours would).
    const db = await getDb();
    await db
      .update(webhookSigningSecrets)
      .set({ retiresAt: sql`now() - interval '1 second'` })
      .where(and(eq(webhookSigningSecrets.webhookId, h.id), isNotNull(webhookSigningSecrets.retiresAt)));
    sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: h.id }));
    const after = last();
    expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(oldOnly.verdicts.at(-1)).toEqual({ ok: false, reason: "No matching signature found" });
    expect(new StandardReceiver([newSecret]).check(after).ok).toBe(true);

    // A second rotation drops the expired ciphertext; the secrets are nowhere in the database.
    const again = await rotateSigningSecret({ actor: admin.actor, teamSlug: team.slug, webhookId: h.id });
    const versions = await db.select({ v: webhookSigningSecrets.version }).from(webhookSigningSecrets).where(eq(webhookSigningSecrets.webhookId, h.id));
    expect(versions.map((r) => r.v).sort()).toEqual([2, 3]);
    for (const s of [oldSecret, newSecret, again.signingSecret]) expect(await tablesContaining(s.slice(6))).toEqual([]);

    const audit = await db
      .select({ actorId: auditEvents.actorId, version: auditEvents.version, metadata: auditEvents.metadata })
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "webhook.signing_secret_rotated"), eq(auditEvents.targetId, h.id)));
    expect(audit.map((a) => [a.actorId, a.version])).toEqual(expect.arrayContaining([[owner.id, 2], [admin.id, 3]]));
    // The delivery log shows shortened signatures only.
    const log = await listDeliveryAttempts(admin.actor, team.slug, { webhookId: h.id, limit: 5 });
    const sig = log[0]!.request.headers.find((x) => x.name === "webhook-signature")!.value;
    expect(sig).toMatch(/^v1,[A-Za-z0-9+/]{8}…$/);
    expect(JSON.stringify(log)).not.toContain(String(after.headers["webhook-signature"]).slice(3));
  });
});

describe("subscriptions", () => {
  it("queues a delivery only for webhooks subscribed to the event; a new webhook gets every event by default", async () => {
    const rotatedOnly = await hook({ events: ["secret.rotated"] });
    const everything = await hook();
    const none = await hook({ events: [] });
    const db = await getDb();
    const queued = async (id: string) =>
      (await db.select({ trigger: webhookDeliveries.trigger }).from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id))).map((d) => d.trigger).sort();

    await removeMember({ actor: owner.actor, teamSlug: team.slug, userId: leaver.id });
    const s = await createSecret({ actor: admin.actor, teamSlug: team.slug, name: `SIG_SUB_${runId().toUpperCase()}`, value: `sub-${runId()}`, visibility: "masked" });
    await rotateSecret({ actor: admin.actor, teamSlug: team.slug, secretId: s.id, value: `sub2-${runId()}`, expectedVersion: 1 });

    expect(await queued(rotatedOnly.id)).toEqual(["secret.rotated"]);
    expect(await queued(everything.id)).toEqual(["member.removed", "secret.created", "secret.rotated"]);
    expect(await queued(none.id)).toEqual([]);
    const receiver = new StandardReceiver([rotatedOnly.signingSecret!]).serve(rx);
    await flush(rotatedOnly.id);
    expect(rx.requests.map((r) => r.headers["x-webhook-event"])).toEqual(["secret.rotated"]);
    expect(receiver.verdicts.every((v) => v.ok)).toBe(true);
    await Promise.all([flush(everything.id)]);
  });
});

describe("redelivery", () => {
  it("sends a finished delivery again: same webhook-id, new timestamp and signature, values as they are now; audited", async () => {
    const key = await createSecret({ actor: admin.actor, teamSlug: team.slug, name: `SIG_RE_${runId().toUpperCase()}`, value: `first-${runId()}`, visibility: "masked" });
    const h = await hook({ payload: `{"k":"\${${key.name}}"}`, secretIds: [key.id] });
    const receiver = new StandardReceiver([h.signingSecret!]);
    // The receiver is broken at first: it answers 400 (final, not retried) without accepting anything.
    rx.respond((_req, res) => ((res.statusCode = 400), res.end()));
    const original = sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: h.id }));
    expect(original.status).toBe("failed");
    const first = last();

    expect((await errorOf(redeliverDelivery({ actor: editor.actor, teamSlug: team.slug, deliveryId: original.deliveryId }))).code).toBe("forbidden");
    const fresh = `second-${runId()}`;
    await rotateSecret({ actor: admin.actor, teamSlug: team.slug, secretId: key.id, value: fresh, expectedVersion: 1 });
    receiver.serve(rx);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2 * 60_000 });
    const again = sent(await redeliverDelivery({ actor: owner.actor, teamSlug: team.slug, deliveryId: original.deliveryId }));
    vi.useRealTimers();
    expect(again).toMatchObject({ deliveryId: original.deliveryId, attempt: 1, outcome: "succeeded", status: "succeeded" });
    const second = last();
    expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(Number(second.headers["webhook-timestamp"]) - Number(first.headers["webhook-timestamp"])).toBeGreaterThanOrEqual(119);
    expect(second.headers["webhook-signature"]).not.toBe(first.headers["webhook-signature"]);
    expect(JSON.parse(second.body)).toEqual({ k: fresh });
    expect(receiver.verdicts).toEqual([{ ok: true, id: original.deliveryId }]);

    const log = await listDeliveryAttempts(admin.actor, team.slug, { webhookId: h.id, limit: 5 });
    expect(log.map((l) => [l.redelivery, l.attempt, l.outcome])).toEqual([
      [1, 1, "succeeded"],
      [0, 1, "http_error"],
    ]);
    const db = await getDb();
    const audit = await db
      .select({ actorId: auditEvents.actorId, metadata: auditEvents.metadata })
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "webhook.redelivered"), eq(auditEvents.targetId, h.id)));
    expect(audit).toEqual([{ actorId: owner.id, metadata: expect.objectContaining({ deliveryId: original.deliveryId, redelivery: 1, previousStatus: "failed" }) }]);
    // The value resolution is audited as the redeliverer's.
    const resolved = await db
      .select({ actorId: auditEvents.actorId, version: auditEvents.version })
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "webhook.secret_resolved"), eq(auditEvents.targetId, key.id)));
    expect(resolved).toEqual(expect.arrayContaining([{ actorId: owner.id, version: 2 }]));
  });

  it("refuses a delivery that is still queued, and one of another team", async () => {
    const h = await hook({ events: ["secret.created"] });
    await createSecret({ actor: admin.actor, teamSlug: team.slug, name: `SIG_Q_${runId().toUpperCase()}`, value: `q-${runId()}`, visibility: "masked" });
    const db = await getDb();
    const [queued] = await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, h.id));
    expect((await errorOf(redeliverDelivery({ actor: admin.actor, teamSlug: team.slug, deliveryId: queued!.id }))).code).toBe("conflict");
    const otherTeam = await makeTeam(admin);
    expect((await errorOf(redeliverDelivery({ actor: admin.actor, teamSlug: otherTeam.slug, deliveryId: queued!.id }))).code).toBe("not_found");
    new StandardReceiver([h.signingSecret!]).serve(rx);
    await flush(h.id);
  });
});

describe("the library agrees with the specification's own example", () => {
  it("verifies a hand-computed HMAC-SHA256 over id.timestamp.body", async () => {
    // A receiver without the library: proves the header format is the specification's, not just the library's.
    const h = await hook();
    new StandardReceiver([h.signingSecret!]).serve(rx);
    sent(await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: h.id }));
    const got = last();
    const { createHmac } = await import("node:crypto");
    const key = Buffer.from(h.signingSecret!.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key).update(`${got.headers["webhook-id"]}.${got.headers["webhook-timestamp"]}.`).update(got.raw).digest("base64");
    expect(got.headers["webhook-signature"]).toBe(`v1,${expected}`);
    expect(() => new Webhook(h.signingSecret!).verify(got.raw, headerRecord(got.headers))).not.toThrow();
  });
});

// Values that cannot be opened (issue 9, items 4 and 10), against a real database (PGlite, and Postgres when
// DATABASE_URL is set): an old ciphertext copied back after a rotation, a tampered ciphertext and a missing
// value row are each an explicit, named failure — through the secrets API (500 "undecryptable", no partial
// result, never `200 null`), through a webhook delivery (one attempt, no retries, "cannot decrypt NAME" in
// the delivery log and the server log) and in the Team secrets list (the secret is flagged). Nothing is mocked.
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { GET as getOne } from "@/app/api/v1/secrets/[name]/route";
import { GET as getAll } from "@/app/api/v1/secrets/route";
import { closeDb, getDb } from "@/db/client";
import { secrets, secretValues, webhookDeliveries, webhookDeliveryAttempts } from "@/db/schema";
import { createAccessToken } from "@/lib/dal/access-tokens";
import { createSecret, listSecrets, rotateSecret } from "@/lib/dal/secrets";
import { processDueDeliveries, sendTestDelivery } from "@/lib/jobs/webhook-delivery";
import { listDeliveryAttempts } from "@/lib/dal/delivery-log";
import { createWebhook } from "@/lib/dal/webhooks";
import { ZListSecretsQuery } from "@/lib/validation/secrets";
import { ZCreateTokenInput } from "@/lib/validation/tokens";
import { runId } from "../support/fixtures";
import { roleTeamCast } from "../support/cast";
import { receiverFixture } from "../support/receiver-fixture";
import { captureServerLog } from "../support/server-log";

process.env.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1";
process.env.WEBHOOK_RETRY_BASE_MS = "1";

const { owner, editor, team } = roleTeamCast("undec");
const rx = receiverFixture("127.0.0.1");
let ip = 1;

afterAll(async () => {
  (globalThis as { __apiLimiters?: unknown }).__apiLimiters = undefined;
  await closeDb();
});

afterEach(() => vi.restoreAllMocks());

const name = (p: string) => `${p}_${runId().toUpperCase()}`;
async function secret(prefix: string) {
  const value = `v-${prefix}-${runId()}-${runId()}`;
  const s = await createSecret({ actor: owner.actor, teamSlug: team.slug, name: name(prefix), value, visibility: "masked" });
  return { ...s, value };
}
async function token(names: string[]) {
  const data = ZCreateTokenInput.parse({ name: `tok-${runId()}`, secrets: names.map((n) => ({ name: n })) });
  return (await createAccessToken({ actor: owner.actor, teamSlug: team.slug, data, meta: { ip: "198.51.100.9", userAgent: "vitest" } })).token;
}
function req(path: string, tok: string) {
  return new Request(`http://localhost/api/v1/secrets${path}`, {
    headers: { authorization: `Bearer ${tok}`, "x-forwarded-for": `198.51.100.${ip++}`, "user-agent": "vitest-undecryptable" },
  });
}
const callAll = (tok: string) => getAll(req("", tok));
const callOne = (n: string, tok: string) => getOne(req(`/${n}`, tok), { params: Promise.resolve({ name: n }) });

async function valueRow(secretId: string) {
  const db = await getDb();
  const [row] = await db.select().from(secretValues).where(eq(secretValues.secretId, secretId));
  return row!;
}
async function tamper(secretId: string) {
  const db = await getDb();
  const row = await valueRow(secretId);
  // Flip the FIRST character of the last part (ciphertext + tag): all six of its bits are data. The last
  // character's low bits can be base64 padding that decoding ignores, so changing it may change nothing.
  const cut = row.ciphertext.lastIndexOf(":") + 1;
  const first = row.ciphertext[cut] === "A" ? "B" : "A";
  await db.update(secretValues).set({ ciphertext: row.ciphertext.slice(0, cut) + first + row.ciphertext.slice(cut + 1) }).where(eq(secretValues.secretId, secretId));
}
async function flagged(secretName: string, actor = owner) {
  const list = await listSecrets(actor.actor, team.slug, ZListSecretsQuery.parse({ q: secretName }));
  const item = list.items.find((i) => i.name === secretName);
  if (!item) throw new Error(`${secretName} not listed`);
  return item.undecryptable;
}

describe("a rotated-away value restored from a copy of the database (item 4)", () => {
  it.each([
    ["with its old version number", true],
    ["relabelled with the current version number", false],
  ])("does not open %s: the API says which secret, and never serves the old value", async (_label, keepOldVersion) => {
    const s = await secret("RESTORED");
    const old = await valueRow(s.id);
    const fresh = `fresh-${runId()}`;
    await rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s.id, value: fresh, expectedVersion: 1 });
    const tok = await token([s.name]);
    expect(await (await callOne(s.name, tok)).json()).toMatchObject({ name: s.name, version: 2, value: fresh });

    // What an attacker with write access to the table (or an old backup restored over it) does.
    const db = await getDb();
    await db
      .update(secretValues)
      .set({ ciphertext: old.ciphertext, version: keepOldVersion ? old.version : 2 })
      .where(eq(secretValues.secretId, s.id));

    const one = await callOne(s.name, tok);
    const oneText = await one.text();
    expect(one.status).toBe(500);
    expect(JSON.parse(oneText)).toEqual({ error: "undecryptable", secrets: [s.name] });
    const all = await callAll(tok);
    const allText = await all.text();
    expect(all.status).toBe(500);
    expect(JSON.parse(allText)).toEqual({ error: "undecryptable", secrets: [s.name] });
    for (const text of [oneText, allText]) {
      expect(text).not.toContain(s.value);
      expect(text).not.toContain(fresh);
    }
  });
});

describe("a value that cannot be opened is an explicit, named failure (item 10)", () => {
  it("one tampered secret: 500 naming it, no partial result, and the secret is flagged until it is rotated", async () => {
    const good = await secret("GOOD");
    const bad = await secret("TAMPERED");
    const tok = await token([good.name, bad.name]);
    expect((await callAll(tok)).status).toBe(200);
    expect(await flagged(bad.name)).toBe(false);
    await tamper(bad.id);
    const errors = captureServerLog();

    const all = await callAll(tok);
    const text = await all.text();
    expect(all.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: "undecryptable", secrets: [bad.name] });
    expect(text).not.toContain(good.value);
    expect(all.headers.get("cache-control")).toBe("no-store");
    // The good one alone still reads.
    expect(await (await callOne(good.name, tok)).json()).toMatchObject({ name: good.name, value: good.value });
    const logged = errors.text();
    expect(logged).toContain(`cannot decrypt ${bad.name}`);
    expect(logged).not.toContain(good.value);

    expect(await flagged(bad.name)).toBe(true);
    expect(await flagged(good.name)).toBe(false);
    expect(await flagged(bad.name, editor)).toBe(true);
    // Rotating to a new value is the fix: the flag clears and the API answers again.
    await rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: bad.id, value: `repaired-${runId()}`, expectedVersion: 1 });
    expect(await flagged(bad.name)).toBe(false);
    expect((await callAll(tok)).status).toBe(200);
  });

  it("a missing value row answers 500 undecryptable, never 200 null, and a rotation repairs it", async () => {
    const s = await secret("NOROW");
    const tok = await token([s.name]);
    const db = await getDb();
    await db.delete(secretValues).where(and(eq(secretValues.secretId, s.id), eq(secretValues.teamId, team.id)));
    captureServerLog();
    const one = await callOne(s.name, tok);
    expect(one.status).toBe(500);
    expect(await one.json()).toEqual({ error: "undecryptable", secrets: [s.name] });
    const all = await callAll(tok);
    expect(all.status).toBe(500);
    expect(await all.json()).toEqual({ error: "undecryptable", secrets: [s.name] });
    expect(await flagged(s.name)).toBe(true);
    const repaired = `repaired-${runId()}`;
    await rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s.id, value: repaired, expectedVersion: 1 });
    expect(await (await callOne(s.name, tok)).json()).toMatchObject({ name: s.name, version: 2, value: repaired });
  });

  it("a webhook delivery fails once, with no retries and nothing sent, saying 'cannot decrypt NAME' in the delivery log and the server log", async () => {
    const good = await secret("HOOK_GOOD");
    const bad = await secret("HOOK_BAD");
    const hook = await createWebhook({
      actor: owner.actor,
      teamSlug: team.slug,
      data: {
        name: `undec-${runId()}`,
        url: rx.url(),
        method: "POST",
        headers: [{ name: "X-Good", value: `\${${good.name}}` }],
        payload: `{"b":"\${${bad.name}}"}`,
        events: [],
        secretIds: [good.id, bad.id],
      },
    });
    await tamper(bad.id);
    const errors = captureServerLog();
    const r = await sendTestDelivery({ actor: owner.actor, teamSlug: team.slug, webhookId: hook.id });
    expect(r).toMatchObject({ status: "failed", attempt: 1 });
    // Nothing left to retry: the worker finds nothing due for this delivery.
    await processDueDeliveries(10);
    const db = await getDb();
    const [delivery] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, r.deliveryId));
    expect(delivery).toMatchObject({ status: "failed", attempts: 1 });
    const attempts = await db.select().from(webhookDeliveryAttempts).where(eq(webhookDeliveryAttempts.deliveryId, r.deliveryId));
    expect(attempts).toHaveLength(1);
    expect(rx.requests).toHaveLength(0);
    const [att] = await listDeliveryAttempts(owner.actor, team.slug, { webhookId: hook.id });
    expect(att?.error).toContain(`cannot decrypt ${bad.name}`);
    expect(att?.error).not.toContain(good.name);
    const logged = errors.text();
    expect(logged).toContain(`cannot decrypt ${bad.name}`);
    expect(logged).not.toMatch(/network|Connection failed/i);
    expect(await flagged(bad.name)).toBe(true);
    const [row] = await db.select({ v: secrets.version }).from(secrets).where(eq(secrets.id, bad.id));
    expect(row?.v).toBe(1);
  });
});

// Consumers on an old version (issue 12): which version each access token and webhook last received, the
// row's "2 of 5 consumers still on v3", the History's per-version consumers, who may see them, and the
// once-per-rotation `secret.consumers_current` event. Real route handlers of the secrets API, real HTTP
// receivers for webhooks, the real usage recorder; PGlite, and Postgres when DATABASE_URL is set.
import { readFileSync } from "node:fs";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";

process.env.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1";
process.env.API_TOKEN_REQUESTS_PER_MINUTE = "1000";

import { GET as getAll } from "@/app/api/v1/secrets/route";
import { closeDb, getDb } from "@/db/client";
import { consumerSecretVersions, webhookDeliveries } from "@/db/schema";
import { createAccessToken, revokeAccessToken } from "@/lib/dal/access-tokens";
import { writeConsumerVersions } from "@/lib/dal/consumer-versions";
import { getSecretHistory } from "@/lib/dal/secret-history";
import { createSecret, deleteSecret, listSecrets, rotateSecret } from "@/lib/dal/secrets";
import type { TSecretDTO } from "@/lib/types/secrets";
import { flushUsage } from "@/lib/dal/usage-recorder";
import { createWebhook, deleteWebhook, updateWebhook } from "@/lib/dal/webhooks";
import { sendTestDelivery } from "@/lib/jobs/webhook-delivery";
import { ZListSecretsQuery } from "@/lib/validation/secrets";
import { ZCreateTokenInput } from "@/lib/validation/tokens";
import type { TWebhookInput } from "@/lib/validation/webhooks";
import { makeTeam, runId, type TTestTeam, type TTestUser, webhookInput } from "../support/fixtures";
import { usersCast } from "../support/cast";
import { PEER_HEADER } from "../support/peer";
import { receiverFixture } from "../support/receiver-fixture";

const { owner, admin, editor } = usersCast("cv", ["owner", "admin", "editor"]);
const rx = receiverFixture("127.0.0.1");

afterAll(async () => {
  await closeDb();
});

async function newTeam(): Promise<TTestTeam> {
  return makeTeam(owner, [
    { user: admin, role: "admin" },
    { user: editor, role: "editor" },
  ]);
}

async function newSecret(team: TTestTeam, rotations = 0, visibility: "masked" | "restricted" = "masked") {
  const name = `CV_${runId().toUpperCase()}`;
  let s = await createSecret({ actor: owner.actor, teamSlug: team.slug, name, value: `v1-${runId()}`, visibility });
  for (let i = 0; i < rotations; i++) s = await rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s.id, value: `v-${runId()}`, expectedVersion: s.version });
  return s;
}

const rotate = (team: TTestTeam, s: { id: string; version: number }) =>
  rotateSecret({ actor: admin.actor, teamSlug: team.slug, secretId: s.id, value: `rotated-${runId()}`, expectedVersion: s.version });

async function newToken(team: TTestTeam, names: string[]) {
  const data = ZCreateTokenInput.parse({ name: `cv-tok-${runId()}`, secrets: names.map((name) => ({ name })) });
  return createAccessToken({ actor: owner.actor, teamSlug: team.slug, data });
}

/** A new secret in `team` that two tokens, `a` and `b`, have each read once (at version 1). */
async function secretReadByTwo(team: TTestTeam) {
  const s = await newSecret(team);
  const [a, b] = [await newToken(team, [s.name]), await newToken(team, [s.name])];
  await fetchWith(a.token);
  await fetchWith(b.token);
  await flushUsage();
  return { s, a, b };
}

/** A read of the token's values through the secrets API route, as a consumer makes it. */
async function fetchWith(token: string, query = "") {
  const headers = new Headers({ authorization: `Bearer ${token}`, [PEER_HEADER]: "192.0.2.50", "user-agent": "vitest-cv" });
  const res = await getAll(new Request(`http://localhost/api/v1/secrets${query}`, { headers }));
  expect(res.status).toBe(200);
  return (await res.json()) as { secrets: { name: string; version: number }[] };
}

async function row(team: TTestTeam, secretId: string, by: TTestUser = admin): Promise<TSecretDTO> {
  const list = await listSecrets(by.actor, team.slug, ZListSecretsQuery.parse({ pageSize: 100 }));
  const item = list.items.find((i) => i.id === secretId);
  if (!item) throw new Error("secret not in the list");
  return item;
}

/** The `secret.consumers_current` deliveries queued in this team (the event data of each). */
async function closeOutEvents(team: TTestTeam) {
  const db = await getDb();
  const rows = await db
    .select({ data: webhookDeliveries.eventData })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.teamId, team.id), eq(webhookDeliveries.trigger, "secret.consumers_current")));
  return rows.map((r) => r.data);
}

const hookInput = (over: Partial<TWebhookInput>) => webhookInput("cv-hook", rx.url(), over);

/** A webhook (no secrets) that hears `secret.consumers_current`: its queued deliveries are the events. */
const subscribe = (team: TTestTeam) =>
  createWebhook({ actor: admin.actor, teamSlug: team.slug, data: hookInput({ name: `cv-listener-${runId()}`, events: ["secret.consumers_current"] }) });

describe("versions per consumer after a rotation", () => {
  it('counts "2 of 5 consumers still on v3" and the count drops as tokens re-fetch', async () => {
    const team = await newTeam();
    const s = await newSecret(team, 2); // v3
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => newToken(team, [s.name])));
    for (const t of tokens) expect((await fetchWith(t.token)).secrets[0]!.version).toBe(3);
    await flushUsage();
    let r = await row(team, s.id);
    expect(r.consumerVersions).toMatchObject({ behind: 0, summary: null });
    expect(r.consumerVersions!.consumers.map((c) => c.version)).toEqual([3, 3, 3, 3, 3]);

    const v4 = await rotate(team, s);
    r = await row(team, s.id);
    expect(r.version).toBe(4);
    expect(r.consumerVersions).toMatchObject({ behind: 5, summary: "5 of 5 consumers still on v3" });

    for (const t of tokens.slice(0, 3)) await fetchWith(t.token);
    await flushUsage();
    r = await row(team, s.id, owner);
    expect(r.consumerVersions!.summary).toBe("2 of 5 consumers still on v3");
    const behind = r.consumerVersions!.consumers.filter((c) => c.version === 3).map((c) => c.id).sort();
    expect(behind).toEqual(tokens.slice(3).map((t) => t.id).sort());
    // Each names where the token is managed, and when it last fetched.
    for (const c of r.consumerVersions!.consumers) {
      expect(c.href).toBe(`/teams/${team.slug}/settings/tokens#token-${c.id}`);
      expect(Date.parse(c.lastFetchedAt!)).toBeGreaterThan(Date.now() - 60_000);
    }

    for (const t of tokens.slice(3)) await fetchWith(t.token);
    await flushUsage();
    r = await row(team, s.id);
    expect(r.consumerVersions).toMatchObject({ behind: 0, summary: null });
    expect(r.consumerVersions!.consumers.every((c) => c.version === v4.version)).toBe(true);
  });

  it("a --watch poll (?values=false) moves nothing; the re-fetch of values that follows moves the token at once", async () => {
    const team = await newTeam();
    const s = await newSecret(team);
    const t = await newToken(team, [s.name]);
    await fetchWith(t.token);
    await flushUsage();
    await rotate(team, s);
    // What `run --watch` polls: names and versions, no value.
    expect((await fetchWith(t.token, "?values=false")).secrets[0]!.version).toBe(2);
    await flushUsage();
    expect((await row(team, s.id)).consumerVersions!.summary).toBe("1 of 1 consumer still on v1");
    // It saw v2, so it restarts the command with a fresh read of values: from then on it is current.
    await fetchWith(t.token);
    await flushUsage();
    expect((await row(team, s.id)).consumerVersions).toMatchObject({ behind: 0, summary: null });
  });

  it("names every old version when consumers lag by different amounts", async () => {
    const team = await newTeam();
    let s = await newSecret(team);
    const [a, b, c] = [await newToken(team, [s.name]), await newToken(team, [s.name]), await newToken(team, [s.name])];
    await fetchWith(a.token);
    await flushUsage();
    s = await rotate(team, s);
    await fetchWith(b.token);
    await flushUsage();
    s = await rotate(team, s);
    await fetchWith(c.token);
    await flushUsage();
    expect((await row(team, s.id)).consumerVersions!.summary).toBe("2 of 3 consumers still on v1 or v2");
  });

  it("a consumer that has not fetched the secret yet is listed but not behind", async () => {
    const team = await newTeam();
    const s = await newSecret(team);
    const used = await newToken(team, [s.name]);
    const idle = await newToken(team, [s.name]);
    await fetchWith(used.token);
    await flushUsage();
    await rotate(team, s);
    const r = await row(team, s.id);
    expect(r.consumerVersions!.summary).toBe("1 of 2 consumers still on v1");
    expect(r.consumerVersions!.consumers.find((c) => c.id === idle.id)).toMatchObject({ version: null, lastFetchedAt: null });
  });

  it("a use read before a rotation but flushed after a newer one never takes a consumer back", async () => {
    const team = await newTeam();
    const s = await newSecret(team, 1); // v2
    const t = await newToken(team, [s.name]);
    const db = await getDb();
    const at = new Date();
    const entry = { teamId: team.id, consumerKind: "token" as const, consumerId: t.id, secretId: s.id };
    await writeConsumerVersions(db, [{ ...entry, version: 2, at }], () => true);
    await writeConsumerVersions(db, [{ ...entry, version: 1, at: new Date(at.getTime() + 1000) }], () => true);
    const rows = await db.select({ version: consumerSecretVersions.version }).from(consumerSecretVersions).where(eq(consumerSecretVersions.consumerId, t.id));
    expect(rows).toEqual([{ version: 2 }]);
  });

  it("revoking a token leaves it out; deleting the secret deletes its rows", async () => {
    const team = await newTeam();
    const { s, a, b } = await secretReadByTwo(team);
    const v2 = await rotate(team, s);
    await fetchWith(a.token);
    await flushUsage();
    expect((await row(team, s.id)).consumerVersions!.summary).toBe("1 of 2 consumers still on v1");
    await revokeAccessToken({ actor: admin.actor, teamSlug: team.slug, tokenId: b.id });
    const after = await row(team, s.id);
    expect(after.consumerVersions).toMatchObject({ behind: 0, summary: null });
    expect(after.consumerVersions!.consumers.map((c) => c.id)).toEqual([a.id]);

    await revokeAccessToken({ actor: admin.actor, teamSlug: team.slug, tokenId: a.id });
    await deleteSecret({ actor: admin.actor, teamSlug: team.slug, secretId: s.id, expectedVersion: v2.version });
    const db = await getDb();
    expect(await db.select().from(consumerSecretVersions).where(eq(consumerSecretVersions.secretId, s.id))).toEqual([]);
  });
});

describe("webhooks as consumers", () => {
  it("a delivery the receiver accepts records the version; a refused one does not", async () => {
    const team = await newTeam();
    const s = await newSecret(team);
    const hook = await createWebhook({
      actor: admin.actor,
      teamSlug: team.slug,
      data: hookInput({ headers: [{ name: "X-Key", value: `\${${s.name}}` }], secretIds: [s.id] }),
    });
    rx.respond((_req, res) => res.end("ok"));
    const first = await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id });
    expect(first).toMatchObject({ status: "succeeded" });
    await flushUsage();
    await rotate(team, s);
    let r = await row(team, s.id);
    expect(r.consumerVersions!.summary).toBe("1 of 1 consumer still on v1");
    expect(r.consumerVersions!.consumers[0]).toMatchObject({ kind: "webhook", id: hook.id, version: 1, href: `/teams/${team.slug}/settings/webhooks#webhook-${hook.id}` });

    rx.respond((_req, res) => {
      res.statusCode = 500;
      res.end("no");
    });
    await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id });
    await flushUsage();
    expect((await row(team, s.id)).consumerVersions!.behind).toBe(1);

    rx.respond((_req, res) => res.end("ok"));
    await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id });
    await flushUsage();
    r = await row(team, s.id);
    expect(r.consumerVersions).toMatchObject({ behind: 0, summary: null });
    expect(r.consumerVersions!.consumers[0]!.version).toBe(2);
  });

  it("a webhook whose template stops referencing the secret is no longer behind on it (and that closes the rotation out)", async () => {
    const team = await newTeam();
    await subscribe(team);
    const s = await newSecret(team);
    const tok = await newToken(team, [s.name]);
    const data = hookInput({ headers: [{ name: "X-Key", value: `\${${s.name}}` }], secretIds: [s.id] });
    const hook = await createWebhook({ actor: admin.actor, teamSlug: team.slug, data });
    rx.respond((_req, res) => res.end("ok"));
    await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id });
    await fetchWith(tok.token);
    await flushUsage();
    await rotate(team, s);
    await fetchWith(tok.token);
    await flushUsage();
    expect((await row(team, s.id)).consumerVersions!.summary).toBe("1 of 2 consumers still on v1");
    expect(await closeOutEvents(team)).toEqual([]);
    // Still selected, no longer in the template: it will never send this secret again.
    await updateWebhook({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id, data: { ...data, headers: [] } });
    const r = await row(team, s.id);
    expect(r.consumerVersions).toMatchObject({ behind: 0, summary: null });
    expect(r.consumerVersions!.consumers.find((c) => c.kind === "webhook")).toMatchObject({ version: null });
    expect(await closeOutEvents(team)).toEqual([{ secret: s.name, version: 2, consumers: 1 }]);
    await deleteWebhook({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id });
    const db = await getDb();
    expect(await db.select().from(consumerSecretVersions).where(eq(consumerSecretVersions.consumerId, hook.id))).toEqual([]);
  });
});

describe("who sees consumer versions", () => {
  it("Owners and Admins get them in the list and the History; Editors get null, for Masked and Restricted secrets alike", async () => {
    const team = await newTeam();
    for (const visibility of ["masked", "restricted"] as const) {
      const s = await newSecret(team, 0, visibility);
      const t = await newToken(team, [s.name]);
      await fetchWith(t.token);
      await flushUsage();
      await rotate(team, s);
      for (const who of [owner, admin]) {
        expect((await row(team, s.id, who)).consumerVersions!.summary, visibility).toBe("1 of 1 consumer still on v1");
        const h = await getSecretHistory(who.actor, team.slug, s.id);
        expect(h.consumerVersions!.behind).toBe(1);
        expect(h.versions.find((v) => v.version === 1)!.consumers!.map((c) => c.id)).toEqual([t.id]);
        expect(h.versions.find((v) => v.version === 2)!.consumers).toEqual([]);
      }
      const asEditor = await row(team, s.id, editor);
      expect(asEditor.consumerVersions, visibility).toBeNull();
      expect(asEditor.usedBy).toHaveLength(1); // Used by stays as it was
      const h = await getSecretHistory(editor.actor, team.slug, s.id);
      expect(h.consumerVersions).toBeNull();
      expect(h.versions.every((v) => v.consumers === null)).toBe(true);
    }
  });
});

describe("secret.consumers_current", () => {
  it("fires once, when the last consumer has fetched the rotated version, with names and numbers only", async () => {
    const team = await newTeam();
    await subscribe(team);
    const { s, a, b } = await secretReadByTwo(team);
    expect(await closeOutEvents(team)).toEqual([]); // version 1: no rotation yet
    const v2 = await rotate(team, s);
    await fetchWith(a.token);
    await flushUsage();
    expect(await closeOutEvents(team)).toEqual([]); // b is still on v1
    await fetchWith(b.token);
    await flushUsage();
    expect(await closeOutEvents(team)).toEqual([{ secret: s.name, version: v2.version, consumers: 2 }]);
    // More fetches of the same version: no second event.
    await fetchWith(a.token);
    await fetchWith(b.token);
    (globalThis as { __usageRecorder?: unknown }).__usageRecorder = undefined; // forget this process's throttle too
    await fetchWith(b.token);
    await flushUsage();
    expect(await closeOutEvents(team)).toHaveLength(1);
    // The next rotation closes out on its own.
    await rotate(team, v2);
    await fetchWith(a.token);
    await fetchWith(b.token);
    await flushUsage();
    expect((await closeOutEvents(team)).map((e) => e.version)).toEqual([2, 3]);
  });

  it("fires when revoking the last token behind closes the rotation out", async () => {
    const team = await newTeam();
    await subscribe(team);
    const { s, a, b } = await secretReadByTwo(team);
    await rotate(team, s);
    await fetchWith(a.token);
    await flushUsage();
    expect(await closeOutEvents(team)).toEqual([]);
    await revokeAccessToken({ actor: admin.actor, teamSlug: team.slug, tokenId: b.id });
    expect(await closeOutEvents(team)).toEqual([{ secret: s.name, version: 2, consumers: 1 }]);
  });

  it("fires once when two instances flush the same catch-up at the same time, and once when each flushes one of the last two", async () => {
    const team = await newTeam();
    await subscribe(team);
    const db = await getDb();
    // Same entries, two flushers at once (each with its own throttle memory: two processes).
    const s1 = await newSecret(team, 1);
    const t1 = await newToken(team, [s1.name]);
    const e1 = { teamId: team.id, consumerKind: "token" as const, consumerId: t1.id, secretId: s1.id, version: 2, at: new Date() };
    await Promise.all([writeConsumerVersions(db, [e1], () => true), writeConsumerVersions(db, [e1], () => true)]);
    expect((await closeOutEvents(team)).filter((e) => e.secret === s1.name)).toHaveLength(1);
    // The last two consumers caught up on two instances: neither may miss it, both may not send it.
    const s2 = await newSecret(team);
    const [x, y] = [await newToken(team, [s2.name]), await newToken(team, [s2.name])];
    const old = { teamId: team.id, consumerKind: "token" as const, secretId: s2.id, version: 1, at: new Date() };
    await writeConsumerVersions(db, [{ ...old, consumerId: x.id }, { ...old, consumerId: y.id }], () => true);
    await rotate(team, s2);
    const now = { ...old, version: 2, at: new Date() };
    for (let round = 0; round < 3; round++) {
      await Promise.all([writeConsumerVersions(db, [{ ...now, consumerId: x.id }], () => true), writeConsumerVersions(db, [{ ...now, consumerId: y.id }], () => true)]);
    }
    expect((await closeOutEvents(team)).filter((e) => e.secret === s2.name)).toEqual([{ secret: s2.name, version: 2, consumers: 2 }]);
  });
});

describe("the migration's backfill", () => {
  it("rebuilds consumer versions from the audit log of token reads and webhook deliveries, and closes out only caught-up rotations", async () => {
    const team = await newTeam();
    const s = await newSecret(team);
    const caught = await newSecret(team);
    const t = await newToken(team, [s.name, caught.name]);
    const hook = await createWebhook({
      actor: admin.actor,
      teamSlug: team.slug,
      data: hookInput({ headers: [{ name: "X-Key", value: `\${${s.name}}` }], secretIds: [s.id] }),
    });
    rx.respond((_req, res) => res.end("ok"));
    await sendTestDelivery({ actor: admin.actor, teamSlug: team.slug, webhookId: hook.id });
    await fetchWith(t.token);
    const c2 = await rotate(team, caught);
    await fetchWith(t.token); // the token has v2 of `caught`, v1 of `s`
    await rotate(team, s);
    await flushUsage();
    const db = await getDb();
    const current = async () =>
      (await db.select().from(consumerSecretVersions).where(eq(consumerSecretVersions.teamId, team.id)))
        .map((r) => `${r.secretId === s.id ? "s" : "caught"} ${r.consumerKind} v${r.version}`)
        .sort();
    const expected = await current();
    expect(expected).toEqual(["caught token v2", "s token v1", "s webhook v1"]);
    // As before the migration: no rows for this team. Then the migration's statements, as written.
    await db.execute(sql`DELETE FROM consumer_secret_versions WHERE team_id = ${team.id}::uuid`);
    await db.execute(sql`DELETE FROM secret_consumers_current WHERE team_id = ${team.id}::uuid`);
    const file = readFileSync(path.resolve(import.meta.dirname, "../../db/migrations/0014_consumer_versions.sql"), "utf8");
    const backfill = file.split("--> statement-breakpoint").filter((st) => /^\s*INSERT INTO/m.test(st));
    expect(backfill).toHaveLength(3);
    for (const st of backfill) await db.execute(sql.raw(st));
    expect(await current()).toEqual(expected);
    const closed = await db.execute(sql`SELECT secret_id AS "secretId", version FROM secret_consumers_current WHERE team_id = ${team.id}::uuid`);
    const closedRows = (Array.isArray(closed) ? closed : (closed as { rows: unknown[] }).rows) as { secretId: string; version: number }[];
    // `caught` is closed out at v2; `s` (token and webhook on v1, secret at v2) is not.
    expect(closedRows).toEqual([{ secretId: caught.id, version: c2.version }]);
  });
});

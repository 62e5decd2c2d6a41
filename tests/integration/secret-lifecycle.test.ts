// Issue 12, expiry and rotation policy, against the real DAL and database: the policy fields on New secret,
// Rotate and Edit details (server actions called as the dialogs do), their validation and audit, a rotation
// restarting the period, the Due filter and the badge's count with a fixed clock, and "Stop serving after
// expiry" on the machine API and on webhook deliveries (default off: an expired secret is still served).
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { auditEvents, secrets } from "@/db/schema";
import { createAccessToken } from "@/lib/dal/access-tokens";
import { countDueSecrets, updateSecretDetails } from "@/lib/dal/secret-details";
import { createSecret, listSecrets, rotateSecret } from "@/lib/dal/secrets";
import { listDeliveryAttempts } from "@/lib/dal/delivery-log";
import { createWebhook } from "@/lib/dal/webhooks";
import { sendTestDelivery } from "@/lib/jobs/webhook-delivery";
import { addDays, utcDay } from "@/lib/secret-lifecycle";
import { ZListSecretsQuery } from "@/lib/validation/secrets";
import { ZCreateTokenInput } from "@/lib/validation/tokens";
import { errorOf, form, makeTeam, makeUser, runId, snapshot, type TTestUser } from "../support/fixtures";
import { PEER_HEADER } from "../support/peer";
import { roleTeamCast } from "../support/cast";
import { receiverFixture } from "../support/receiver-fixture";
import { signedIn } from "../support/signed-in";

process.env.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1";
process.env.WEBHOOK_RETRY_BASE_MS = "1";

vi.mock("@/lib/session", async (importOriginal) => (await import("../support/signed-in")).sessionOf(await importOriginal()));
vi.mock("next/headers", async () => (await import("../support/signed-in")).headersOf({ "user-agent": "vitest-lifecycle", "x-team-secrets-peer": "198.51.100.13" }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const { createSecretAction, rotateSecretAction, updateSecretDetailsAction } = await import("@/app/teams/[team]/settings/secrets/actions");
const { GET: machineList } = await import("@/app/api/v1/secrets/route");
const { GET: machineOne } = await import("@/app/api/v1/secrets/[name]/route");

const { owner, admin, editor, team } = roleTeamCast("lc");
const rx = receiverFixture("127.0.0.1");

afterAll(async () => {
  (globalThis as { __apiLimiters?: unknown }).__apiLimiters = undefined;
  await closeDb();
});

beforeEach(() => {
  signedIn.user = null;
});

const as = (u: TTestUser | null) => {
  signedIn.user = u ? { id: u.id, name: u.name, email: u.email } : null;
};
const today = () => utcDay(new Date());
const inDays = (n: number) => addDays(today(), n);
const newName = (p: string) => `${p}_${runId().toUpperCase()}`;
const value = () => `sk_lc_${runId()}${runId()}`;
const q = (input: Record<string, unknown> = {}) => ZListSecretsQuery.parse(input);

/** The secret's row as stored (its policy fields, version and when its value was written; it holds no value). */
async function row(id: string) {
  const db = await getDb();
  const [r] = await db.select().from(secrets).where(eq(secrets.id, id));
  return r!;
}

async function listed(name: string, t = team, now?: Date) {
  const list = await listSecrets(owner.actor, t.slug, q({ q: name }), now);
  return list.items.find((i) => i.name === name)!;
}

/** Moves the time the current value was written into the past (setup: a value that is `days` old). */
async function ageValue(id: string, days: number) {
  const db = await getDb();
  await db.update(secrets).set({ valueSetAt: sql`now() - make_interval(days => ${days})` }).where(eq(secrets.id, id));
}

async function seed(policy: { expiresOn?: string | null; rotateEveryDays?: number | null; stopServingAfterExpiry?: boolean } = {}, t = team) {
  const v = value();
  const s = await createSecret({ actor: owner.actor, teamSlug: t.slug, name: newName("LC"), value: v, visibility: "masked", ...policy });
  return { ...s, value: v };
}

describe("New secret with a policy", () => {
  it("stores Expires on, Rotate every (days) and Stop serving after expiry; the row shows its status; the audit event has the policy", async () => {
    as(admin);
    const name = newName("NEW");
    const expiresOn = inDays(5);
    const r = await createSecretAction(
      team.slug,
      form({ name, value: value(), visibility: "masked", lifecycle: "1", expiresOn, rotateEveryDays: "90", stopServingAfterExpiry: "on" }),
    );
    expect(r).toMatchObject({ ok: true, data: { name, version: 1 } });
    const item = await listed(name);
    expect(item).toMatchObject({ expiresOn, rotateEveryDays: 90, stopServingAfterExpiry: true });
    expect(item.status).toMatchObject({ expiresInDays: 5, isDue: true, isRotationDue: false, labels: ["Expires in 5 days"] });
    const db = await getDb();
    const [ev] = await db
      .select({ metadata: auditEvents.metadata })
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, item.id), eq(auditEvents.action, "secret.created")));
    expect(ev?.metadata).toMatchObject({ expiresOn, rotateEveryDays: 90, stopServingAfterExpiry: true });
  });

  it("blank fields and an unticked checkbox are no policy; nothing shows", async () => {
    as(owner);
    const name = newName("PLAIN");
    expect((await createSecretAction(team.slug, form({ name, value: value(), visibility: "masked", lifecycle: "1", expiresOn: "", rotateEveryDays: "" }))).ok).toBe(true);
    const item = await listed(name);
    expect(item).toMatchObject({ expiresOn: null, rotateEveryDays: null, stopServingAfterExpiry: false });
    expect(item.status.labels).toEqual([]);
  });

  it.each([
    ["an impossible date", { expiresOn: "2026-02-30" }, "expiresOn", "Enter a date (YYYY-MM-DD)."],
    ["a date in another format", { expiresOn: "31/12/2026" }, "expiresOn", "Enter a date (YYYY-MM-DD)."],
    ["a year out of range", { expiresOn: "1999-12-31" }, "expiresOn", "Enter a date between 2000 and 9999."],
    ["zero days", { rotateEveryDays: "0" }, "rotateEveryDays", "Enter a whole number of days from 1 to 3,650."],
    ["a fraction of a day", { rotateEveryDays: "1.5" }, "rotateEveryDays", "Enter a whole number of days from 1 to 3,650."],
    ["more than ten years", { rotateEveryDays: "3651" }, "rotateEveryDays", "Enter a whole number of days from 1 to 3,650."],
    ["text", { rotateEveryDays: "ninety" }, "rotateEveryDays", "Enter a whole number of days from 1 to 3,650."],
  ])("refuses %s on its field and writes nothing", async (_label, fields, field, message) => {
    as(owner);
    const before = await snapshot([team.id]);
    const v = value();
    const r = await createSecretAction(team.slug, form({ name: newName("BAD"), value: v, visibility: "masked", lifecycle: "1", ...fields }));
    expect(r).toMatchObject({ ok: false, code: "validation", fieldErrors: { [field]: [message] } });
    expect(JSON.stringify(r)).not.toContain(v);
    expect(await snapshot([team.id])).toEqual(before);
  });

  it("the database refuses a rotation period out of range even past the application (CHECK constraint)", async () => {
    const s = await seed();
    const db = await getDb();
    await errorOf(db.update(secrets).set({ rotateEveryDays: 0 }).where(eq(secrets.id, s.id)));
    expect((await row(s.id)).rotateEveryDays).toBeNull();
  });
});

describe("Edit details: the policy", () => {
  it("Owners and Admins set and clear it; each change is audited with the new values; Editors are refused", async () => {
    const s = await seed();
    as(owner);
    const r = await updateSecretDetailsAction(team.slug, { secretId: s.id, description: "", expiresOn: inDays(-2), rotateEveryDays: "30", stopServingAfterExpiry: true });
    expect(r).toEqual({ ok: true, data: { name: s.name, changed: ["expiresOn", "rotateEveryDays", "stopServingAfterExpiry"] } });
    expect((await listed(s.name)).status.labels).toEqual(["Expired 2 days ago"]);

    as(editor);
    const before = await snapshot([team.id]);
    expect(await updateSecretDetailsAction(team.slug, { secretId: s.id, expiresOn: "" })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await snapshot([team.id])).toEqual(before);

    as(admin);
    expect(await updateSecretDetailsAction(team.slug, { secretId: s.id, description: "", expiresOn: "", rotateEveryDays: "30", stopServingAfterExpiry: false })).toEqual({
      ok: true,
      data: { name: s.name, changed: ["expiresOn", "stopServingAfterExpiry"] },
    });
    expect(await row(s.id)).toMatchObject({ expiresOn: null, rotateEveryDays: 30, stopServingAfterExpiry: false });

    const db = await getDb();
    const events = await db
      .select({ metadata: auditEvents.metadata, actorId: auditEvents.actorId })
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, s.id), eq(auditEvents.action, "secret.details_updated")))
      .orderBy(auditEvents.createdAt);
    expect(events.map((e) => e.metadata)).toEqual([
      { changed: ["expiresOn", "rotateEveryDays", "stopServingAfterExpiry"], expiresOn: inDays(-2), rotateEveryDays: 30, stopServingAfterExpiry: true },
      { changed: ["expiresOn", "stopServingAfterExpiry"], expiresOn: null, stopServingAfterExpiry: false },
    ]);
  });

  it("fields left out stay as they are", async () => {
    const s = await seed({ expiresOn: inDays(40), rotateEveryDays: 10, stopServingAfterExpiry: true });
    await updateSecretDetails({ actor: owner.actor, teamSlug: team.slug, secretId: s.id, description: "only this" });
    expect(await row(s.id)).toMatchObject({ expiresOn: inDays(40), rotateEveryDays: 10, stopServingAfterExpiry: true });
  });
});

describe("rotation restarts the period", () => {
  it("a value older than its period is due; rotating makes it current again (status, Due filter)", async () => {
    const s = await seed({ rotateEveryDays: 7 });
    await ageValue(s.id, 8);
    const due = await listed(s.name);
    expect(due.status).toMatchObject({ isRotationDue: true, isDue: true, labels: ["Rotation due"] });
    expect((await listSecrets(owner.actor, team.slug, q({ q: s.name, due: "1" }))).items.map((i) => i.name)).toEqual([s.name]);

    const before = (await row(s.id)).valueSetAt;
    await rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s.id, value: value(), expectedVersion: 1 });
    const after = await row(s.id);
    expect(after.valueSetAt.getTime()).toBeGreaterThan(before.getTime() + 7 * 86_400_000);
    expect(after.rotateEveryDays).toBe(7); // a rotation without policy fields leaves the policy alone
    const fresh = await listed(s.name);
    expect(fresh.status).toMatchObject({ isRotationDue: false, isDue: false, labels: [] });
    expect((await listSecrets(owner.actor, team.slug, q({ q: s.name, due: "1" }))).total).toBe(0);
  });

  it("the Rotate dialog can change the policy in the same save; the rotation's audit event names it", async () => {
    const s = await seed({ expiresOn: inDays(-1), rotateEveryDays: 30 });
    as(admin);
    const r = await rotateSecretAction(
      team.slug,
      form({ secretId: s.id, expectedVersion: "1", value: value(), lifecycle: "1", expiresOn: inDays(365), rotateEveryDays: "30" }),
    );
    expect(r).toMatchObject({ ok: true, data: { version: 2 } });
    expect(await row(s.id)).toMatchObject({ version: 2, expiresOn: inDays(365), rotateEveryDays: 30, stopServingAfterExpiry: false });
    const db = await getDb();
    const [ev] = await db
      .select({ metadata: auditEvents.metadata })
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, s.id), eq(auditEvents.action, "secret.rotated")));
    expect(ev?.metadata).toMatchObject({ changed: ["expiresOn"], expiresOn: inDays(365) });
  });

  it("a refused policy field refuses the whole rotation: no new version", async () => {
    const s = await seed({ rotateEveryDays: 30 });
    as(owner);
    const before = await snapshot([team.id]);
    const v = value();
    const r = await rotateSecretAction(team.slug, form({ secretId: s.id, expectedVersion: "1", value: v, lifecycle: "1", expiresOn: "", rotateEveryDays: "-4" }));
    expect(r).toMatchObject({ ok: false, code: "validation", fieldErrors: { rotateEveryDays: ["Enter a whole number of days from 1 to 3,650."] } });
    expect(JSON.stringify(r)).not.toContain(v);
    expect(await snapshot([team.id])).toEqual(before);
  });
});

describe("the Due filter and the badge's count (fixed clock)", () => {
  it("takes expired, expiring within 14 days and rotation due; not later expiries, fresh values or secrets without a policy", async () => {
    const lone = await makeTeam(owner, [{ user: editor, role: "editor" }]);
    const now = new Date();
    const mk = async (label: string, policy: Parameters<typeof seed>[0], ageDays = 0) => {
      const s = await seed(policy, lone);
      if (ageDays) await ageValue(s.id, ageDays);
      return [label, s.name] as const;
    };
    const all = [
      await mk("expired", { expiresOn: inDays(-3) }),
      await mk("today", { expiresOn: inDays(0) }),
      await mk("in 14 days", { expiresOn: inDays(14) }),
      await mk("in 15 days", { expiresOn: inDays(15) }),
      await mk("rotation due", { rotateEveryDays: 30 }, 31),
      await mk("rotation not due", { rotateEveryDays: 30 }, 20),
      await mk("no policy", {}),
    ];
    const dueNames = all.filter(([l]) => ["expired", "today", "in 14 days", "rotation due"].includes(l)).map(([, n]) => n).sort();
    const list = await listSecrets(editor.actor, lone.slug, q({ due: "1", pageSize: "100" }), now);
    expect(list.items.map((i) => i.name).sort()).toEqual(dueNames);
    expect(list.total).toBe(4);
    // Every row the filter returns says it is due, and every other row says it is not (one rule, one clock).
    const everything = await listSecrets(editor.actor, lone.slug, q({ pageSize: "100" }), now);
    for (const item of everything.items) expect(item.status.isDue, item.name).toBe(dueNames.includes(item.name));
    expect(await countDueSecrets(editor.actor, lone.slug, now)).toBe(4);

    // A day later the 15-day one is due too: the clock is the caller's, not the database's.
    const later = new Date(now.getTime() + 86_400_000);
    expect(await countDueSecrets(editor.actor, lone.slug, later)).toBe(5);
    // A filter by name narrows the Due list further.
    const [, expiredName] = all[0]!;
    expect((await listSecrets(editor.actor, lone.slug, q({ due: "1", q: expiredName }), now)).items.map((i) => i.name)).toEqual([expiredName]);
  });

  it("the count is for members only", async () => {
    const stranger = await makeUser("lc-stranger");
    expect((await errorOf(countDueSecrets(stranger.actor, team.slug))).message).toBe("Team not found.");
  });
});

describe("Stop serving after expiry", () => {
  let ip = 10;
  async function tokenFor(names: string[]) {
    const data = ZCreateTokenInput.parse({ name: `lc-tok-${runId()}`, secrets: names.map((name) => ({ name })) });
    return (await createAccessToken({ actor: owner.actor, teamSlug: team.slug, data })).token;
  }
  const req = (tok: string, path = "") =>
    new Request(`http://localhost/api/v1/secrets${path}`, {
      headers: { authorization: `Bearer ${tok}`, [PEER_HEADER]: `192.0.2.${ip++}`, "user-agent": "vitest-lifecycle" },
    });
  async function readsByToken() {
    const db = await getDb();
    const [r] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "secrets.read_by_token")));
    return r!.n;
  }

  it("the machine API refuses an expired secret that stops serving (410 secret_expired), for the list and by name, and sends nothing", async () => {
    const expired = await seed({ expiresOn: inDays(-1), stopServingAfterExpiry: true });
    const other = await seed();
    const tok = await tokenFor([expired.name, other.name]);
    const audited = await readsByToken();

    const one = await machineOne(req(tok, `/${expired.name}`), { params: Promise.resolve({ name: expired.name }) });
    expect(one.status).toBe(410);
    const body = await one.text();
    expect(JSON.parse(body)).toEqual({
      error: "secret_expired",
      secrets: [expired.name],
      message: `${expired.name} expired on ${inDays(-1)} and is no longer served; no values were sent.`,
    });
    expect(body).not.toContain(expired.value);

    // The list is refused whole (never a partial result), so no other value leaves either.
    const all = await machineList(req(tok));
    expect(all.status).toBe(410);
    const allBody = await all.text();
    expect(JSON.parse(allBody)).toMatchObject({ error: "secret_expired", secrets: [expired.name] });
    expect(allBody).not.toContain(other.value);
    expect(await readsByToken()).toBe(audited);

    // The other secret by name, and polling without values, still work.
    expect(await (await machineOne(req(tok, `/${other.name}`), { params: Promise.resolve({ name: other.name }) })).json()).toMatchObject({ value: other.value });
    expect((await machineList(req(tok, "?values=false"))).status).toBe(200);

    // Moving the expiry date serves it again.
    await updateSecretDetails({ actor: owner.actor, teamSlug: team.slug, secretId: expired.id, expiresOn: inDays(30) });
    expect(await (await machineOne(req(tok, `/${expired.name}`), { params: Promise.resolve({ name: expired.name }) })).json()).toMatchObject({ value: expired.value });
  });

  it("default off: an expired secret is still served; with the option on, not before its day", async () => {
    const offExpired = await seed({ expiresOn: inDays(-10) });
    const onTomorrow = await seed({ expiresOn: inDays(1), stopServingAfterExpiry: true });
    const tok = await tokenFor([offExpired.name, onTomorrow.name]);
    const res = await machineList(req(tok));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { secrets: { name: string; value: string }[] };
    expect(Object.fromEntries(body.secrets.map((x) => [x.name, x.value]))).toEqual({ [offExpired.name]: offExpired.value, [onTomorrow.name]: onTomorrow.value });
  });

  async function hookWith(s: { id: string; name: string }) {
    return createWebhook({
      actor: owner.actor,
      teamSlug: team.slug,
      data: { name: `lc-${runId()}`, url: rx.url(), method: "POST", headers: [], payload: `{"k":"\${${s.name}}"}`, events: [], secretIds: [s.id] },
    });
  }

  it("a webhook delivery that carries it fails once, nothing sent, with 'secret NAME expired' in the delivery log", async () => {
    const s = await seed({ expiresOn: inDays(-2), stopServingAfterExpiry: true });
    const hook = await hookWith(s);
    const sent = rx.requests.length;
    const r = await sendTestDelivery({ actor: owner.actor, teamSlug: team.slug, webhookId: hook.id });
    expect(r).toMatchObject({ status: "failed", attempt: 1, outcome: "refused" });
    expect(rx.requests.length).toBe(sent);
    const [att] = await listDeliveryAttempts(owner.actor, team.slug, { webhookId: hook.id });
    expect(att?.error).toBe(`secret ${s.name} expired on ${inDays(-2)} and is set to stop serving after expiry. Nothing was sent.`);
  });

  it("without the option an expired secret is delivered", async () => {
    const s = await seed({ expiresOn: inDays(-2) });
    const hook = await hookWith(s);
    const r = await sendTestDelivery({ actor: owner.actor, teamSlug: team.slug, webhookId: hook.id });
    expect(r).toMatchObject({ status: "succeeded" });
    expect(rx.requests.at(-1)?.body).toContain(s.value);
  });
});

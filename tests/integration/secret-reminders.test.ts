// Issue 12, reminders: the daily job sends one reminder per secret per threshold (14 days, 3 days, expired; for
// rotation 14 days, 3 days, due) as `secret.expiring` / `secret.expired` to subscribed webhooks and, with SMTP, one
// mail per team to its Owners and Admins (a real SMTP server on loopback). Clocks are passed in. A new date or a
// rotation re-arms reminders; a rerun, a restart (pool closed and reopened, a mail claim left by a dead worker)
// and several workers at once send each reminder exactly once. No value reaches an event, a mail, the audit log
// or the server log. This file has a database of its own: the job reads every team's secrets.
import { and, count, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { auditEvents, secretReminders, secrets, webhookDeliveries } from "@/db/schema";
import { claimReminderMails, claimReminders } from "@/lib/dal/secret-reminders";
import { updateSecretDetails } from "@/lib/dal/secret-details";
import { createSecret, insertSecretsTx, rotateSecret } from "@/lib/dal/secrets";
import { createWebhook } from "@/lib/dal/webhooks";
import { processDueDeliveries } from "@/lib/jobs/webhook-delivery";
import { runReminders, startRemindersWorker } from "@/lib/jobs/reminders";
import { addDays, dueReminders, utcDay } from "@/lib/secret-lifecycle";
import { makeRoleTeam, makeTeam, makeUser, runId, tablesContaining, type TTestTeam, type TTestUser } from "../support/fixtures";
import { startSmtpReceiver, type TSmtpReceiver } from "../support/smtp";
import { isolatedDatabase, type TIsolatedDb } from "../support/isolated-db";
import { startReceiver, type TReceiver } from "../support/receiver";
import { captureServerLog } from "../support/server-log";

process.env.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1";

type TMail = { to: string[]; body: string };
const inbox: TMail[] = [];
let refuseMail = false;
let smtp: TSmtpReceiver;
let smtpUrl: string;
let isolated: TIsolatedDb;
let owner: TTestUser;
let admin: TTestUser;
let editor: TTestUser;
let team: TTestTeam;
let rx: TReceiver;
let hookId: string;
const values: string[] = [];
const saved = { SMTP_URL: process.env.SMTP_URL, APP_URL: process.env.APP_URL };

beforeAll(async () => {
  isolated = await isolatedDatabase("reminders");
  smtp = await startSmtpReceiver((m) => {
    if (refuseMail) return Object.assign(new Error("mailbox unavailable"), { responseCode: 451 });
    inbox.push({ to: [...m.to].sort(), body: decodeQuotedPrintable(m.body) });
  });
  smtpUrl = smtp.url;
  process.env.SMTP_URL = smtpUrl;
  process.env.APP_URL = "http://app.test";
  ({ owner, admin, editor, team } = await makeRoleTeam("rm"));
  rx = await startReceiver("127.0.0.1");
  // Subscribed to the reminders; a second webhook subscribed to other events only.
  hookId = (
    await createWebhook({
      actor: owner.actor,
      teamSlug: team.slug,
      data: { name: `rm-${runId()}`, url: rx.url(), method: "POST", headers: [], payload: "", events: ["secret.expiring", "secret.expired"], secretIds: [] },
    })
  ).id;
  await createWebhook({
    actor: owner.actor,
    teamSlug: team.slug,
    data: { name: `rm-other-${runId()}`, url: rx.url("/other"), method: "POST", headers: [], payload: "", events: ["secret.created"], secretIds: [] },
  });
}, 120_000);

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await rx?.close();
  await smtp.close();
  await closeDb();
  await isolated?.drop();
});

beforeEach(() => {
  refuseMail = false;
  process.env.SMTP_URL = smtpUrl;
});

const NOW = new Date();
const today = utcDay(NOW);
const at = (days: number) => new Date(NOW.getTime() + days * 86_400_000);
/** The reminders a worker plans now for version 1 of a secret expiring on `expiresOn` (no rotation period), as claimReminders takes them. */
const planFor = (secretId: string, expiresOn: string, teamId = team.id) =>
  dueReminders({ expiresOn, rotateEveryDays: null, valueSetAt: NOW }, NOW).map((r) => ({ ...r, secretId, teamId, version: 1, expiresOn, rotateEveryDays: null }));

async function seed(policy: { expiresOn?: string | null; rotateEveryDays?: number | null }, t = team, by = owner) {
  const value = `sk_rm_${runId()}${runId()}`;
  values.push(value);
  const s = await createSecret({ actor: by.actor, teamSlug: t.slug, name: `RM_${runId().toUpperCase()}`, value, visibility: "masked", ...policy });
  return { ...s, value };
}

/** Reminders recorded for a secret, oldest first. */
async function remindersOf(secretId: string) {
  const db = await getDb();
  return db
    .select({ threshold: secretReminders.threshold, dueOn: secretReminders.dueOn, version: secretReminders.version, mailStatus: secretReminders.mailStatus })
    .from(secretReminders)
    .where(eq(secretReminders.secretId, secretId))
    .orderBy(secretReminders.createdAt, secretReminders.threshold);
}

/** The reminder deliveries queued for a secret (by name), oldest first. */
async function deliveriesOf(name: string) {
  const db = await getDb();
  return db
    .select({ trigger: webhookDeliveries.trigger, webhookId: webhookDeliveries.webhookId, data: webhookDeliveries.eventData })
    .from(webhookDeliveries)
    .where(and(inArray(webhookDeliveries.trigger, ["secret.expiring", "secret.expired"]), sql`${webhookDeliveries.eventData}->>'secret' = ${name}`))
    .orderBy(webhookDeliveries.createdAt);
}

/** The mail's text as written (quoted-printable soft breaks and escapes undone). */
function decodeQuotedPrintable(s: string): string {
  return Buffer.from(s.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8");
}

const mailsAbout = (name: string) => inbox.filter((m) => m.body.includes(name));

describe("thresholds", () => {
  it("expiry: nothing before 14 days, then one reminder at 14 days, one at 3 days, one when expired — each once", async () => {
    const s = await seed({ expiresOn: addDays(today, 20) });
    await runReminders({ now: NOW });
    expect(await remindersOf(s.id)).toEqual([]);

    await runReminders({ now: at(6) });
    await runReminders({ now: at(6) });
    await runReminders({ now: at(7) });
    expect(await remindersOf(s.id)).toEqual([{ threshold: "expiry_14d", dueOn: addDays(today, 20), version: 1, mailStatus: "sent" }]);
    const [d14] = await deliveriesOf(s.name);
    expect(d14).toEqual({
      trigger: "secret.expiring",
      webhookId: hookId,
      data: { secret: s.name, version: 1, reminder: "expiry_14d", reason: "expiry", dueOn: addDays(today, 20), daysLeft: 14 },
    });

    await runReminders({ now: at(17) });
    await runReminders({ now: at(19) });
    await runReminders({ now: at(20) });
    await runReminders({ now: at(45) });
    expect((await remindersOf(s.id)).map((r) => r.threshold)).toEqual(["expiry_14d", "expiry_3d", "expired"]);
    const ds = await deliveriesOf(s.name);
    expect(ds.map((d) => [d.trigger, d.data.reminder, d.data.daysLeft])).toEqual([
      ["secret.expiring", "expiry_14d", 14],
      ["secret.expiring", "expiry_3d", 3],
      ["secret.expired", "expired", 0],
    ]);
    expect(ds.every((d) => d.webhookId === hookId), "only the subscribed webhook").toBe(true);
    expect(mailsAbout(s.name)).toHaveLength(3);

    // Audited: one secret.reminder_sent per reminder (counts and dates), one secret.reminder_mailed per mail.
    const db = await getDb();
    const audit = await db
      .select({ action: auditEvents.action, actor: auditEvents.actorLabel, version: auditEvents.version, metadata: auditEvents.metadata })
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "secret.reminder_sent"), eq(auditEvents.targetId, s.id)))
      .orderBy(auditEvents.createdAt);
    expect(audit.map((a) => a.metadata)).toEqual([
      { reminder: "expiry_14d", event: "secret.expiring", dueOn: addDays(today, 20), daysLeft: 14, deliveries: 1, mail: "queued" },
      { reminder: "expiry_3d", event: "secret.expiring", dueOn: addDays(today, 20), daysLeft: 3, deliveries: 1, mail: "queued" },
      { reminder: "expired", event: "secret.expired", dueOn: addDays(today, 20), daysLeft: 0, deliveries: 1, mail: "queued" },
    ]);
    expect(audit.every((a) => a.actor === "Reminders" && a.version === 1)).toBe(true);
  });

  it("a secret already close to its date gets the most urgent reminder only, never the older one afterwards", async () => {
    const s = await seed({ expiresOn: addDays(today, 2) });
    await runReminders({ now: NOW });
    await runReminders({ now: at(1) });
    expect((await remindersOf(s.id)).map((r) => r.threshold)).toEqual(["expiry_3d"]);
    const past = await seed({ expiresOn: addDays(today, -30) });
    await runReminders({ now: NOW });
    expect((await remindersOf(past.id)).map((r) => r.threshold)).toEqual(["expired"]);
  });

  it("rotation: 14 days, 3 days and due on the rotation due date, sent as secret.expiring", async () => {
    const s = await seed({ rotateEveryDays: 30 });
    const valueSetAt = (await (await getDb()).select({ v: secrets.valueSetAt }).from(secrets).where(eq(secrets.id, s.id)))[0]!.v;
    const dueOn = utcDay(new Date(valueSetAt.getTime() + 30 * 86_400_000));
    await runReminders({ now: at(10) });
    expect(await remindersOf(s.id)).toEqual([]);
    await runReminders({ now: at(16) });
    await runReminders({ now: at(28) });
    await runReminders({ now: at(31) });
    await runReminders({ now: at(40) });
    expect((await remindersOf(s.id)).map((r) => [r.threshold, r.dueOn])).toEqual([
      ["rotation_14d", dueOn],
      ["rotation_3d", dueOn],
      ["rotation_due", dueOn],
    ]);
    expect((await deliveriesOf(s.name)).map((d) => [d.trigger, d.data.reason])).toEqual([
      ["secret.expiring", "rotation"],
      ["secret.expiring", "rotation"],
      ["secret.expiring", "rotation"],
    ]);
  });
});

describe("re-arming", () => {
  it("a new expiry date re-arms the expiry reminders", async () => {
    const s = await seed({ expiresOn: addDays(today, 1) });
    await runReminders({ now: NOW });
    await runReminders({ now: at(1) });
    expect((await remindersOf(s.id)).map((r) => r.threshold)).toEqual(["expiry_3d", "expired"]);
    await updateSecretDetails({ actor: owner.actor, teamSlug: team.slug, secretId: s.id, expiresOn: addDays(today, 60) });
    await runReminders({ now: at(2) });
    expect(await remindersOf(s.id)).toHaveLength(2);
    await runReminders({ now: at(47) });
    expect((await remindersOf(s.id)).map((r) => [r.threshold, r.dueOn])).toEqual([
      ["expiry_3d", addDays(today, 1)],
      ["expired", addDays(today, 1)],
      ["expiry_14d", addDays(today, 60)],
    ]);
  });

  it("a rotation re-arms the rotation reminders (a new period for the new version)", async () => {
    const s = await seed({ rotateEveryDays: 10 });
    await runReminders({ now: at(11) });
    expect((await remindersOf(s.id)).map((r) => [r.threshold, r.version])).toEqual([["rotation_due", 1]]);
    const value = `sk_rm_${runId()}${runId()}`;
    values.push(value);
    await rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s.id, value, expectedVersion: 1 });
    // The new value is not due now; 10 days after the rotation it is.
    await runReminders({ now: NOW });
    expect(await remindersOf(s.id)).toHaveLength(1);
    await runReminders({ now: at(8) });
    await runReminders({ now: at(11) });
    expect((await remindersOf(s.id)).map((r) => [r.threshold, r.version])).toEqual([
      ["rotation_due", 1],
      ["rotation_3d", 2],
      ["rotation_due", 2],
    ]);
  });

  it("a rotation that keeps an expiry date that has passed says so again, for the new version", async () => {
    const s = await seed({ expiresOn: addDays(today, -1) });
    await runReminders({ now: NOW });
    const value = `sk_rm_${runId()}${runId()}`;
    values.push(value);
    await rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s.id, value, expectedVersion: 1 });
    await runReminders({ now: NOW });
    await runReminders({ now: NOW });
    expect((await remindersOf(s.id)).map((r) => [r.threshold, r.version])).toEqual([
      ["expired", 1],
      ["expired", 2],
    ]);
  });

  it("a plan made before the secret changed is not claimed (a stale reminder is never sent)", async () => {
    const s = await seed({ expiresOn: addDays(today, 2) });
    const plan = planFor(s.id, addDays(today, 2));
    await updateSecretDetails({ actor: owner.actor, teamSlug: team.slug, secretId: s.id, expiresOn: addDays(today, 90) });
    expect(await claimReminders(plan, { mail: false })).toEqual([]);
    expect(await remindersOf(s.id)).toEqual([]);
  });
});

describe("mail", () => {
  it("goes to the team's Owners and Admins only, names the secret, its version and date, and links to the Due filter", async () => {
    const s = await seed({ expiresOn: addDays(today, 3) });
    await runReminders({ now: NOW });
    const [mail, ...more] = mailsAbout(s.name);
    expect(more).toEqual([]);
    expect(mail!.to).toEqual([owner.email, admin.email].sort());
    expect(mail!.to).not.toContain(editor.email);
    expect(mail!.body).toContain(`${s.name} (version 1): expires on ${addDays(today, 3)} (in 3 days)`);
    expect(mail!.body).toContain(`http://app.test/teams/${team.slug}/settings/secrets?due=1`);
  });

  it("one mail per team for the reminders of one run; another team's mail goes to its own Owners", async () => {
    const otherOwner = await makeUser("rm-other-owner");
    const other = await makeTeam(otherOwner, [{ user: editor, role: "admin" }]);
    const a = await seed({ expiresOn: addDays(today, 2) });
    const b = await seed({ expiresOn: addDays(today, 1) });
    const c = await seed({ expiresOn: addDays(today, 2) }, other, otherOwner);
    await runReminders({ now: NOW });
    const ours = inbox.filter((m) => m.body.includes(a.name));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain(b.name);
    expect(ours[0]!.body).not.toContain(c.name);
    const theirs = mailsAbout(c.name);
    expect(theirs.map((m) => m.to)).toEqual([[editor.email, otherOwner.email].sort()]);
  });

  it("without SMTP_URL no mail is queued or sent; the event still goes out and the audit says mail off", async () => {
    delete process.env.SMTP_URL;
    const s = await seed({ expiresOn: addDays(today, 3) });
    const before = inbox.length;
    await runReminders({ now: NOW });
    expect(await remindersOf(s.id)).toEqual([{ threshold: "expiry_3d", dueOn: addDays(today, 3), version: 1, mailStatus: "none" }]);
    expect(await deliveriesOf(s.name)).toHaveLength(1);
    process.env.SMTP_URL = smtpUrl;
    await runReminders({ now: NOW });
    expect(inbox.length).toBe(before);
    const db = await getDb();
    const [a] = await db.select({ metadata: auditEvents.metadata }).from(auditEvents).where(and(eq(auditEvents.action, "secret.reminder_sent"), eq(auditEvents.targetId, s.id)));
    expect(a?.metadata).toMatchObject({ mail: "off" });
  });

  it("a refused mail is retried by a later run, not sent twice, and given up after 3 attempts", async () => {
    const s = await seed({ expiresOn: addDays(today, 3) });
    refuseMail = true;
    const run1 = await runReminders({ now: NOW });
    expect(run1.mailFailures).toBe(1);
    expect((await remindersOf(s.id))[0]?.mailStatus).toBe("pending");
    const db = await getDb();
    const due = () => db.update(secretReminders).set({ mailNextAt: sql`now()` }).where(eq(secretReminders.secretId, s.id));
    // Not before its retry time.
    await runReminders({ now: NOW });
    expect((await db.select({ n: secretReminders.mailAttempts }).from(secretReminders).where(eq(secretReminders.secretId, s.id)))[0]?.n).toBe(1);
    refuseMail = false;
    await due();
    await runReminders({ now: NOW });
    await due();
    await runReminders({ now: NOW });
    expect(mailsAbout(s.name)).toHaveLength(1);
    expect((await remindersOf(s.id))[0]?.mailStatus).toBe("sent");

    const t = await seed({ expiresOn: addDays(today, 3) });
    refuseMail = true;
    await runReminders({ now: NOW });
    for (let i = 0; i < 3; i++) {
      await db.update(secretReminders).set({ mailNextAt: sql`now()` }).where(eq(secretReminders.secretId, t.id));
      await runReminders({ now: NOW });
    }
    expect((await remindersOf(t.id))[0]?.mailStatus).toBe("failed");
    const mailed = await db
      .select({ metadata: auditEvents.metadata })
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "secret.reminder_mailed")))
      .orderBy(auditEvents.createdAt);
    expect(mailed.slice(-3).map((m) => m.metadata)).toEqual([
      { reminders: 1, recipients: 2, outcome: "pending", attempt: 1 },
      { reminders: 1, recipients: 2, outcome: "pending", attempt: 2 },
      { reminders: 1, recipients: 2, outcome: "failed", attempt: 3 },
    ]);
  });
});

describe("idempotence across restarts and instances", () => {
  it("a restart (pool closed, worker started again) sends nothing twice; a mail claimed by a worker that died is sent once, later", async () => {
    const s = await seed({ expiresOn: addDays(today, 3) });
    const s2 = await seed({ expiresOn: addDays(today, 2) });
    // A worker claims the first one's reminder and its mail, then dies before mailing.
    const plan = planFor(s.id, addDays(today, 3));
    expect(await claimReminders(plan, { mail: true })).toHaveLength(1);
    const held = await claimReminderMails(100, 60_000);
    expect(held.map((h) => h.secretId)).toContain(s.id);
    await closeDb();

    // Restarted: the worker runs at once. The held mail waits for its lease; nothing else is sent again.
    const worker = startRemindersWorker({ intervalMs: 3_600_000 });
    await worker.running();
    await worker.stop();
    expect(mailsAbout(s.name)).toEqual([]);
    expect(await remindersOf(s.id)).toHaveLength(1);
    expect(await remindersOf(s2.id)).toHaveLength(1);

    const db = await getDb();
    await db.update(secretReminders).set({ mailLockedUntil: sql`now() - interval '1 second'` }).where(eq(secretReminders.secretId, s.id));
    await runReminders({ now: NOW });
    await runReminders({ now: NOW });
    expect(mailsAbout(s.name)).toHaveLength(1);
    expect(await deliveriesOf(s.name)).toHaveLength(1);
  });

  it("four workers at once: every reminder claimed, emitted, audited and mailed exactly once", async () => {
    const teams = [team, await makeTeam(owner), await makeTeam(owner)];
    const seeded: { id: string; name: string }[] = [];
    const db = await getDb();
    for (const t of teams) {
      for (let i = 0; i < 40; i++) {
        seeded.push(await seed({ expiresOn: addDays(today, 1 + (i % 13)), rotateEveryDays: i % 2 ? 20 : null }, t));
      }
    }
    // Half of them have a value old enough for their rotation to be due as well.
    await db.update(secrets).set({ valueSetAt: sql`now() - interval '25 days'` }).where(inArray(secrets.id, seeded.filter((_, i) => i % 4 === 1).map((s) => s.id)));
    const runs = await Promise.all([0, 1, 2, 3].map(() => runReminders({ now: NOW })));
    const ids = seeded.map((s) => s.id);
    const rows = await db.select({ id: secretReminders.secretId }).from(secretReminders).where(inArray(secretReminders.secretId, ids));
    const expectedOf = (i: number) => 1 + (i % 4 === 1 ? 1 : 0); // expiry, and rotation due for the aged ones
    const expected = seeded.reduce((n, _, i) => n + expectedOf(i), 0);
    expect(rows).toHaveLength(expected);
    expect(runs.reduce((n, r) => n + r.claimed, 0)).toBe(expected);
    // One delivery per reminder (the first team has one subscribed webhook, the others none).
    for (const [i, s] of seeded.slice(0, 40).entries()) expect((await deliveriesOf(s.name)).length, s.name).toBe(expectedOf(i));
    const [audited] = await db
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "secret.reminder_sent"), inArray(auditEvents.targetId, ids)));
    expect(audited?.n).toBe(expected);
    // Every reminder in exactly one mail (a mail line per reminder).
    for (const [i, s] of seeded.entries()) {
      const lines = inbox.flatMap((m) => m.body.split(/\r?\n/)).filter((l) => l.startsWith(`- ${s.name} (version`));
      expect(lines, s.name).toHaveLength(expectedOf(i));
    }
    expect(await db.select({ n: count() }).from(secretReminders).where(and(inArray(secretReminders.secretId, ids), eq(secretReminders.mailStatus, "sent")))).toEqual([{ n: expected }]);
  });
});

describe("claim order", () => {
  it("two workers handed the same plan in opposite orders both finish (no deadlock) and claim each reminder once", async () => {
    const N = 3000;
    const t = await makeTeam(owner);
    const expiresOn = addDays(today, 5);
    const db = await getDb();
    const ids = await db.transaction((tx) =>
      insertSecretsTx(
        tx,
        { teamId: t.id, actor: owner.actor },
        Array.from({ length: N }, (_, i) => ({ name: `RMO_${i}`, value: `sk_rmo_${runId()}_${i}`, visibility: "masked" as const, expiresOn })),
      ),
    );
    const plan = ids.map((secretId) => planFor(secretId, expiresOn, t.id)[0]!);
    // Inserting the same keys in different orders, each would wait for a key the other holds: Postgres aborts one
    // (deadlock, 40P01). In primary-key order whatever order the plan came in, the second waits, then skips.
    const [a, b] = await Promise.all([claimReminders(plan, { mail: false }), claimReminders([...plan].reverse(), { mail: false })]);
    expect(a.length + b.length).toBe(N);
    expect(new Set([...a, ...b].map((c) => c.secretId)).size).toBe(N);
  }, 120_000);
});

describe("never a value", () => {
  it("not in events sent to receivers, mail, the audit log, the server log, or any table", async () => {
    const s = await seed({ expiresOn: addDays(today, 3), rotateEveryDays: 5 });
    await (await getDb()).update(secrets).set({ valueSetAt: sql`now() - interval '6 days'` }).where(eq(secrets.id, s.id));
    const logs = captureServerLog();
    try {
      await runReminders({ now: NOW });
      while ((await processDueDeliveries(10)) > 0) {
        // send every queued delivery
      }
    } finally {
      logs.restore();
    }
    expect(logs.lines().some((l) => l.where === "reminders")).toBe(true);
    const received = rx.requests.filter((r) => r.url === "/hook" && r.body.includes(s.name));
    expect(received.map((r) => JSON.parse(r.body).event).sort()).toEqual(["secret.expiring", "secret.expiring"]);
    const text = [logs.text(), ...inbox.map((m) => m.body), ...rx.requests.map((r) => r.body)].join("\n");
    for (const v of values) expect(text.includes(v), "a value was sent or logged").toBe(false);
    // Stored values are ciphertext only: no table holds this one in the clear (reminders, deliveries, audit).
    expect(await tablesContaining(s.value)).toEqual([]);
  });
});

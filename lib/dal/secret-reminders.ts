import "server-only";
// Reminders about expiry dates and rotation periods (issue 12): SQL only. The reminders job (lib/jobs/reminders.ts)
// of every app instance reads the secrets that may be due, plans their reminders with lib/secret-lifecycle.ts and
// claims them here: an INSERT into secret_reminders with ON CONFLICT DO NOTHING, whose primary key (secret,
// threshold, date, version) admits each reminder once across instances and restarts. Only the rows that
// transaction inserted get their team event (webhook deliveries) and audit event, in the same transaction, so
// a reminder is emitted exactly when its claim commits. Rows go in primary-key order: two instances claiming
// overlapping sets wait on each other's keys in the same order instead of deadlocking.
// The mail to Owners and Admins is a queue on the same rows, claimed with FOR UPDATE SKIP LOCKED and a lease
// like webhook deliveries. This module never reads a value (secret_values is not touched).
import { and, asc, eq, gt, inArray, isNotNull, lte, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { memberships, secretReminders, secrets, teams, users } from "@/db/schema";
import { addDays, DUE_WITHIN_DAYS, utcDay, type TDueReminder, type TReminderThreshold } from "@/lib/secret-lifecycle";
import { recordAuditMany } from "./audit";
import type { TMachineActor } from "@/lib/types/actor";
import { emitTeamEvents } from "./team-events";

/** Who the audit log names for what the reminders job does. */
export const REMINDERS_ACTOR: TMachineActor = { id: null, label: "Reminders" };

export type TReminderCandidate = {
  id: string;
  teamId: string;
  name: string;
  version: number;
  expiresOn: string | null;
  rotateEveryDays: number | null;
  valueSetAt: Date;
};

/**
 * Secrets (of every team: this is the system's job, not a member's request) that may be due for a reminder
 * as of `now` — an expiry date within DUE_WITHIN_DAYS, or a rotation due within as many days — in id order,
 * `limit` after the id `after`. Metadata only.
 */
export async function listReminderCandidates(now: Date, after: string | null, limit: number): Promise<TReminderCandidate[]> {
  const db = await getDb();
  const horizonDay = addDays(utcDay(now), DUE_WITHIN_DAYS);
  const horizon = new Date(now.getTime() + (DUE_WITHIN_DAYS + 1) * 86_400_000).toISOString();
  return db
    .select({
      id: secrets.id,
      teamId: secrets.teamId,
      name: secrets.name,
      version: secrets.version,
      expiresOn: secrets.expiresOn,
      rotateEveryDays: secrets.rotateEveryDays,
      valueSetAt: secrets.valueSetAt,
    })
    .from(secrets)
    .where(
      and(
        after ? gt(secrets.id, after) : undefined,
        or(
          and(isNotNull(secrets.expiresOn), lte(secrets.expiresOn, horizonDay)),
          and(
            isNotNull(secrets.rotateEveryDays),
            sql`${secrets.valueSetAt} + ${secrets.rotateEveryDays} * interval '86400 seconds' <= ${horizon}::timestamptz`,
          ),
        ),
      ),
    )
    .orderBy(asc(secrets.id))
    .limit(limit);
}

/** A reminder the job found due for a candidate (as read: the claim re-checks the secret is unchanged). */
export type TPlannedReminder = TDueReminder & {
  secretId: string;
  teamId: string;
  version: number;
  /** The policy the plan was made from; a secret changed since (new date, period or version) is not claimed. */
  expiresOn: string | null;
  rotateEveryDays: number | null;
};

export type TClaimedReminder = TPlannedReminder & { secretName: string; deliveries: number };

const keyOf = (r: { secretId: string; threshold: string; dueOn: string; version: number }) => `${r.secretId}|${r.threshold}|${r.dueOn}|${r.version}`;

/** Primary-key order (secret_id, threshold, due_on, version), the order in which rows are inserted. */
export function comparePlanned(a: TPlannedReminder, b: TPlannedReminder): number {
  const ka = [a.secretId, a.threshold, a.dueOn];
  const kb = [b.secretId, b.threshold, b.dueOn];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
  return a.version - b.version;
}

/**
 * Claims the planned reminders that no one has sent yet (one transaction) and, for those alone, queues the team
 * events (`secret.expiring` / `secret.expired`, to the webhooks subscribed to them) and writes one audit event
 * each (`secret.reminder_sent`: threshold, date, counts — never a value). `mail`: whether a mail to the team's
 * Owners and Admins is queued for them. Returns what this call claimed.
 */
export async function claimReminders(planned: TPlannedReminder[], opts: { mail: boolean }): Promise<TClaimedReminder[]> {
  if (planned.length === 0) return [];
  const sorted = [...planned].sort(comparePlanned);
  const byKey = new Map(sorted.map((p) => [keyOf(p), p]));
  const col = <T>(f: (p: TPlannedReminder) => T) => sql.param(sorted.map(f));
  const db = await getDb();
  return db.transaction(async (tx) => {
    // The ORDER BY is what every instance inserts in (the same order whatever order the plan came in).
    const result = await tx.execute(sql`
      WITH ins AS (
        INSERT INTO secret_reminders (secret_id, team_id, threshold, due_on, version, mail_status)
        SELECT s.id, s.team_id, p.threshold, p.due_on::date, p.version::int, ${opts.mail ? "pending" : "none"}
        FROM unnest(${col((p) => p.secretId)}::uuid[], ${col((p) => p.threshold)}::text[], ${col((p) => p.dueOn)}::text[],
                    ${col((p) => String(p.version))}::text[], ${col((p) => p.expiresOn)}::text[],
                    ${col((p) => (p.rotateEveryDays === null ? null : String(p.rotateEveryDays)))}::text[])
          AS p(secret_id, threshold, due_on, version, expires_on, rotate_every_days)
        JOIN secrets s ON s.id = p.secret_id
          AND s.version = p.version::int
          AND s.expires_on IS NOT DISTINCT FROM p.expires_on::date
          AND s.rotate_every_days IS NOT DISTINCT FROM p.rotate_every_days::int
        ORDER BY p.secret_id, p.threshold, p.due_on, p.version::int
        ON CONFLICT DO NOTHING
        RETURNING secret_id, threshold, due_on, version
      )
      SELECT ins.secret_id, ins.threshold, ins.due_on::text AS due_on, ins.version, s.name
      FROM ins JOIN secrets s ON s.id = ins.secret_id`);
    const rows = rowsOf<{ secret_id: string; threshold: TReminderThreshold; due_on: string; version: number; name: string }>(result);
    const claimed: TClaimedReminder[] = [];
    for (const r of rows) {
      const p = byKey.get(keyOf({ secretId: r.secret_id, threshold: r.threshold, dueOn: r.due_on, version: Number(r.version) }));
      if (p) claimed.push({ ...p, secretName: r.name, deliveries: 0 });
    }
    claimed.sort(comparePlanned);
    // One lookup of subscribers per team and event.
    const groups = new Map<string, TClaimedReminder[]>();
    for (const c of claimed) {
      const k = `${c.teamId}|${c.event}`;
      groups.set(k, [...(groups.get(k) ?? []), c]);
    }
    for (const group of groups.values()) {
      const { teamId, event } = group[0]!;
      const queued = await emitTeamEvents(
        tx,
        teamId,
        event,
        group.map((c) => ({ secret: c.secretName, version: c.version, reminder: c.threshold, reason: c.reason, dueOn: c.dueOn, daysLeft: c.daysLeft })),
      );
      for (const c of group) c.deliveries = queued / group.length;
    }
    await recordAuditMany(
      tx,
      claimed.map((c) => ({
        teamId: c.teamId,
        actor: REMINDERS_ACTOR,
        action: "secret.reminder_sent",
        targetType: "secret",
        targetId: c.secretId,
        targetName: c.secretName,
        version: c.version,
        metadata: { reminder: c.threshold, event: c.event, dueOn: c.dueOn, daysLeft: c.daysLeft, deliveries: c.deliveries, mail: opts.mail ? "queued" : "off" },
      })),
    );
    return claimed;
  });
}

export type TReminderMail = {
  secretId: string;
  teamId: string;
  threshold: TReminderThreshold;
  dueOn: string;
  version: number;
  attempts: number;
  secretName: string;
};

const mailKey = (r: { secretId: string; threshold: string; dueOn: string; version: number }) =>
  and(
    eq(secretReminders.secretId, r.secretId),
    eq(secretReminders.threshold, r.threshold),
    eq(secretReminders.dueOn, r.dueOn),
    eq(secretReminders.version, r.version),
  );

/** Claims up to `limit` reminder mails that are due (or whose worker's lease ran out), with a lease of `leaseMs`. */
export async function claimReminderMails(limit: number, leaseMs: number): Promise<TReminderMail[]> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ secretId: secretReminders.secretId, threshold: secretReminders.threshold, dueOn: secretReminders.dueOn, version: secretReminders.version })
      .from(secretReminders)
      .where(
        or(
          and(eq(secretReminders.mailStatus, "pending"), lte(secretReminders.mailNextAt, sql`now()`)),
          and(eq(secretReminders.mailStatus, "sending"), lte(secretReminders.mailLockedUntil, sql`now()`)),
        ),
      )
      .orderBy(asc(secretReminders.teamId), asc(secretReminders.secretId), asc(secretReminders.threshold), asc(secretReminders.dueOn), asc(secretReminders.version))
      .limit(limit)
      .for("update", { skipLocked: true });
    if (due.length === 0) return [];
    const out: TReminderMail[] = [];
    for (const key of due) {
      const [row] = await tx
        .update(secretReminders)
        .set({
          mailStatus: "sending",
          mailAttempts: sql`${secretReminders.mailAttempts} + 1`,
          mailLockedUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
        })
        .where(mailKey(key))
        .returning({ teamId: secretReminders.teamId, attempts: secretReminders.mailAttempts });
      if (row) out.push({ ...key, threshold: key.threshold as TReminderThreshold, teamId: row.teamId, attempts: row.attempts, secretName: "" });
    }
    const names = await tx
      .select({ id: secrets.id, name: secrets.name })
      .from(secrets)
      .where(inArray(secrets.id, [...new Set(out.map((o) => o.secretId))]));
    const nameOf = new Map(names.map((n) => [n.id, n.name]));
    for (const o of out) o.secretName = nameOf.get(o.secretId) ?? "";
    return out;
  });
}

export type TReminderAudience = { teamId: string; teamName: string; teamSlug: string; recipients: string[] };

/** A team's name and the addresses of its Owners and Admins (Editors get no reminder mail). */
export async function reminderAudience(teamId: string): Promise<TReminderAudience | null> {
  const db = await getDb();
  const [team] = await db.select({ name: teams.name, slug: teams.slug }).from(teams).where(eq(teams.id, teamId));
  if (!team) return null;
  const rows = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.teamId, teamId), inArray(memberships.role, ["owner", "admin"])))
    .orderBy(asc(users.email));
  return { teamId, teamName: team.name, teamSlug: team.slug, recipients: rows.map((r) => r.email) };
}

/**
 * Records how a claimed mail went, for rows still held by this claim (same attempt count): sent, or pending
 * again after `retryInMs`, or failed once attempts are used up. One audit event per team mail
 * (`secret.reminder_mailed`: how many reminders and recipients, the outcome — never an address or a value).
 */
export async function finishReminderMails(
  teamId: string,
  mails: TReminderMail[],
  outcome: { sent: boolean; recipients: number; final: boolean; retryInMs: number },
): Promise<void> {
  const db = await getDb();
  const status = outcome.sent ? "sent" : outcome.final ? "failed" : "pending";
  await db.transaction(async (tx) => {
    for (const m of mails) {
      await tx
        .update(secretReminders)
        .set({
          mailStatus: status,
          mailLockedUntil: null,
          mailNextAt: status === "pending" ? sql`now() + ${`${outcome.retryInMs} milliseconds`}::interval` : secretReminders.mailNextAt,
        })
        .where(and(mailKey(m), eq(secretReminders.teamId, teamId), eq(secretReminders.mailAttempts, m.attempts), eq(secretReminders.mailStatus, "sending")));
    }
    await recordAuditMany(tx, [
      {
        teamId,
        actor: REMINDERS_ACTOR,
        action: "secret.reminder_mailed",
        targetType: "team",
        targetId: teamId,
        metadata: { reminders: mails.length, recipients: outcome.recipients, outcome: status, attempt: Math.max(...mails.map((m) => m.attempts)) },
      },
    ]);
  });
}

/** Rows of `tx.execute`, which differ by driver (postgres.js: an array; PGlite: `{ rows }`). */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

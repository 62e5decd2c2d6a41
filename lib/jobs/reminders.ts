import "server-only";
// The reminders job (issue 12): once a day in every app instance (REMINDERS_INTERVAL_MS; REMINDERS_WORKER=off
// turns it off), and once at start, it finds the secrets whose expiry date or rotation due date is near or has
// come, and sends one reminder per secret per threshold — 14 days, 3 days, expired (rotation: 14 days, 3 days,
// due) — as the team event `secret.expiring` / `secret.expired` to the webhooks subscribed to it and, with mail
// configured, in one mail per team to its Owners and Admins. The claim is the database's (lib/dal/secret-reminders.ts):
// instances running at once, or one restarted mid-run, send each reminder once. Names, versions and dates only:
// this job never reads a value.
import {
  claimReminderMails,
  claimReminders,
  finishReminderMails,
  listReminderCandidates,
  reminderAudience,
  type TPlannedReminder,
  type TReminderMail,
} from "@/lib/dal/secret-reminders";
import { env, isMailConfigured } from "@/lib/env";
import { log } from "@/lib/log";
import { startPeriodic, type TWorker } from "./periodic";
import { sendMail } from "@/lib/mail";
import { daysBetween, dueReminders, reminderText, utcDay } from "@/lib/secret-lifecycle";

const PAGE = 500;
export const MAIL_MAX_ATTEMPTS = 3;
const MAIL_LEASE_MS = 5 * 60_000;
const MAIL_BATCH = 200;
const MAIL_RETRY_MS = 60_000;

export type TReminderRun = { candidates: number; claimed: number; mails: number; mailFailures: number };

/** One run as of `now` (tests pass a fixed clock). Never throws for a failed mail. */
export async function runReminders(opts: { now?: Date } = {}): Promise<TReminderRun> {
  const now = opts.now ?? new Date();
  const mail = isMailConfigured();
  const run: TReminderRun = { candidates: 0, claimed: 0, mails: 0, mailFailures: 0 };
  for (let after: string | null = null; ; ) {
    const page = await listReminderCandidates(now, after, PAGE);
    if (page.length === 0) break;
    after = page.at(-1)!.id;
    run.candidates += page.length;
    const planned: TPlannedReminder[] = page.flatMap((s) =>
      dueReminders(s, now).map((r) => ({
        ...r,
        secretId: s.id,
        teamId: s.teamId,
        version: s.version,
        expiresOn: s.expiresOn,
        rotateEveryDays: s.rotateEveryDays,
      })),
    );
    run.claimed += (await claimReminders(planned, { mail })).length;
    if (page.length < PAGE) break;
  }
  if (mail) await sendReminderMails(now, run);
  log.info({ where: "reminders", ...run }, "reminders run");
  return run;
}

/** Sends the queued reminder mails: one per team and batch, to its Owners and Admins. */
async function sendReminderMails(now: Date, run: TReminderRun): Promise<void> {
  for (;;) {
    const batch = await claimReminderMails(MAIL_BATCH, MAIL_LEASE_MS);
    if (batch.length === 0) return;
    const byTeam = new Map<string, TReminderMail[]>();
    for (const m of batch) byTeam.set(m.teamId, [...(byTeam.get(m.teamId) ?? []), m]);
    for (const [teamId, mails] of byTeam) {
      const audience = await reminderAudience(teamId);
      const recipients = audience?.recipients ?? [];
      let sent = false;
      if (audience && recipients.length) {
        const { subject, text } = composeReminderMail(audience, mails, now);
        sent = await sendMail(recipients.join(", "), subject, text);
      }
      const final = sent || recipients.length === 0 || Math.max(...mails.map((m) => m.attempts)) >= MAIL_MAX_ATTEMPTS;
      if (sent) run.mails++;
      else run.mailFailures++;
      // A failed mail is left for the next run (not retried in this one), up to MAIL_MAX_ATTEMPTS in all.
      await finishReminderMails(teamId, mails, { sent, recipients: recipients.length, final, retryInMs: MAIL_RETRY_MS });
    }
    if (batch.length < MAIL_BATCH) return;
  }
}

/** The mail about a team's reminders: secret names, versions and dates, and where to act. Never a value. */
export function composeReminderMail(
  audience: { teamName: string; teamSlug: string },
  mails: Pick<TReminderMail, "secretName" | "version" | "threshold" | "dueOn">[],
  now: Date,
): { subject: string; text: string } {
  const today = utcDay(now);
  const sorted = [...mails].sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.secretName.localeCompare(b.secretName));
  const lines = sorted.map((m) => `- ${m.secretName} (version ${m.version}): ${reminderText({ threshold: m.threshold, dueOn: m.dueOn, daysLeft: daysBetween(today, m.dueOn) })}`);
  const first = sorted[0]!;
  const subject =
    sorted.length === 1
      ? `${audience.teamName}: ${first.secretName} ${reminderText({ threshold: first.threshold, dueOn: first.dueOn, daysLeft: daysBetween(today, first.dueOn) })}`
      : `${audience.teamName}: ${sorted.length} secrets need attention`;
  const origin = env().APP_URL?.replace(/\/+$/, "");
  const text = [
    `Secrets of ${audience.teamName} that expire or are due for rotation:`,
    "",
    ...lines,
    "",
    origin ? `Review them: ${origin}/teams/${audience.teamSlug}/settings/secrets?due=1` : `Review them on the team's Secrets page (filter: Due).`,
    "",
    "You receive this as an Owner or Admin of the team. Each reminder is sent once.",
  ].join("\n");
  return { subject, text };
}

/** Runs the job now and then every `intervalMs` (default REMINDERS_INTERVAL_MS). Once per process. */
export function startRemindersWorker(opts: { intervalMs?: number } = {}): TWorker {
  return startPeriodic("remindersWorker", { intervalMs: opts.intervalMs ?? env().REMINDERS_INTERVAL_MS, immediately: true }, async () => {
    await runReminders();
  });
}

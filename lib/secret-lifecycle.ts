// The expiry and rotation policy of a secret as pure functions of the clock (no imports: the DAL, the machine
// API, webhook deliveries and the table all use these, and tests pass fixed clocks). Dates are UTC calendar
// days: a secret "expires on" a day and counts as expired from 00:00 UTC of that day. Rotation is due
// `rotateEveryDays` days after the current value was written (creation or last rotation).

/** Expired, expiring within this many days, or rotation due: what the "Due" filter and the badge count. */
export const DUE_WITHIN_DAYS = 14;
export const ROTATE_EVERY_MAX_DAYS = 3650;
const DAY_MS = 86_400_000;

export type TLifecyclePolicy = {
  /** 'YYYY-MM-DD' or null. */
  expiresOn: string | null;
  rotateEveryDays: number | null;
  /** When the current value was written (ISO string or Date). */
  valueSetAt: string | Date;
};

export type TSecretStatus = {
  /** Days until expiry (0 or less: expired that many days ago); null without an expiry date. */
  expiresInDays: number | null;
  isExpired: boolean;
  /** When a rotation is (or was) due; null without a rotation policy. */
  rotationDueAt: string | null;
  isRotationDue: boolean;
  /** What the "Due" filter and the settings badge count. */
  isDue: boolean;
  /** The row's status texts, most urgent first ("Expired 2 days ago", "Rotation due"); empty with no policy. */
  labels: string[];
};

/** The UTC calendar day of an instant, as 'YYYY-MM-DD'. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Whole days from day `from` to day `to` (both 'YYYY-MM-DD'). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The day `days` after `day`. */
export function addDays(day: string, days: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

/** True for a real calendar date written 'YYYY-MM-DD' (2024-02-30 is not one). */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && utcDay(new Date(t)) === s;
}

export function isExpiredOn(expiresOn: string | null, now: Date): boolean {
  return expiresOn !== null && expiresOn <= utcDay(now);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function expiryLabel(expiresInDays: number): string {
  if (expiresInDays > 0) return `Expires in ${plural(expiresInDays, "day")}`;
  if (expiresInDays === 0) return "Expired today";
  return `Expired ${plural(-expiresInDays, "day")} ago`;
}

export function secretStatus(policy: TLifecyclePolicy, now: Date): TSecretStatus {
  const today = utcDay(now);
  const expiresInDays = policy.expiresOn ? daysBetween(today, policy.expiresOn) : null;
  const isExpired = expiresInDays !== null && expiresInDays <= 0;
  const dueAt = policy.rotateEveryDays ? new Date(new Date(policy.valueSetAt).getTime() + policy.rotateEveryDays * DAY_MS) : null;
  const isRotationDue = dueAt !== null && dueAt.getTime() <= now.getTime();
  const labels: string[] = [];
  if (expiresInDays !== null) labels.push(expiryLabel(expiresInDays));
  if (isRotationDue) labels.push("Rotation due");
  return {
    expiresInDays,
    isExpired,
    rotationDueAt: dueAt?.toISOString() ?? null,
    isRotationDue,
    isDue: isRotationDue || (expiresInDays !== null && expiresInDays <= DUE_WITHIN_DAYS),
    labels,
  };
}

// ---- Reminders (the daily job in lib/jobs/reminders.ts). Each policy has thresholds; a reminder is due for the
// most urgent threshold the secret has reached, so a job that was down, or a secret created already close to its
// date, sends that one and never an older, less urgent one afterwards.

/** Lead times of the reminders ahead of an expiry date or a rotation due date, in days (most distant first). */
export const REMINDER_LEAD_DAYS = [14, 3] as const;

export type TReminderThreshold = "expiry_14d" | "expiry_3d" | "expired" | "rotation_14d" | "rotation_3d" | "rotation_due";

export type TDueReminder = {
  threshold: TReminderThreshold;
  /** What the date is: the expiry date, or the day a rotation falls due. */
  reason: "expiry" | "rotation";
  /** The team event it is sent as: `secret.expired` only once the expiry date has come; otherwise `secret.expiring`. */
  event: "secret.expiring" | "secret.expired";
  /** 'YYYY-MM-DD': the expiry date or the rotation due date. */
  dueOn: string;
  /** Days from today to `dueOn` (0 or less: that day has come). */
  daysLeft: number;
};

/**
 * The reminders a secret is due for as of `now`: at most one about its expiry date (14 days before, 3 days
 * before, expired) and one about its rotation (14 and 3 days before the due date, due). A rotation reminder ahead
 * of the due date is only sent when the period is longer than its lead time (every 7 days: no 14-day reminder;
 * every 3 days or less: only "due"). A rotation never blocks a consumer, so rotation reminders are all
 * `secret.expiring`, also once due.
 */
export function dueReminders(policy: TLifecyclePolicy, now: Date): TDueReminder[] {
  const today = utcDay(now);
  const out: TDueReminder[] = [];
  if (policy.expiresOn) {
    const daysLeft = daysBetween(today, policy.expiresOn);
    const base = { reason: "expiry" as const, dueOn: policy.expiresOn, daysLeft };
    if (daysLeft <= 0) out.push({ ...base, threshold: "expired", event: "secret.expired" });
    else if (daysLeft <= 3) out.push({ ...base, threshold: "expiry_3d", event: "secret.expiring" });
    else if (daysLeft <= 14) out.push({ ...base, threshold: "expiry_14d", event: "secret.expiring" });
  }
  if (policy.rotateEveryDays) {
    const dueAt = new Date(new Date(policy.valueSetAt).getTime() + policy.rotateEveryDays * DAY_MS);
    const dueOn = utcDay(dueAt);
    const daysLeft = daysBetween(today, dueOn);
    const base = { reason: "rotation" as const, event: "secret.expiring" as const, dueOn, daysLeft };
    if (dueAt.getTime() <= now.getTime()) out.push({ ...base, threshold: "rotation_due" });
    else if (daysLeft <= 3 && policy.rotateEveryDays > 3) out.push({ ...base, threshold: "rotation_3d" });
    else if (daysLeft <= 14 && policy.rotateEveryDays > 14) out.push({ ...base, threshold: "rotation_14d" });
  }
  return out;
}

/** One line about a reminder, for mail and logs (names and dates only). */
export function reminderText(r: Pick<TDueReminder, "threshold" | "dueOn" | "daysLeft">): string {
  const when = r.daysLeft > 0 ? `in ${plural(r.daysLeft, "day")}` : r.daysLeft === 0 ? "today" : `${plural(-r.daysLeft, "day")} ago`;
  switch (r.threshold) {
    case "expired":
      return `expired on ${r.dueOn} (${when})`;
    case "expiry_14d":
    case "expiry_3d":
      return `expires on ${r.dueOn} (${when})`;
    case "rotation_due":
      return `rotation was due on ${r.dueOn} (${when})`;
    default:
      return `rotation due on ${r.dueOn} (${when})`;
  }
}

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

export function expiryLabel(expiresInDays: number): string {
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

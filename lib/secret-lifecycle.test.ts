// The expiry and rotation status of a secret, with fixed clocks.
import { describe, expect, it } from "vitest";
import { addDays, daysBetween, dueReminders, isCalendarDate, isExpiredOn, reminderText, secretStatus, utcDay } from "./secret-lifecycle";

const at = (iso: string) => new Date(iso);
const NOW = at("2026-03-10T15:30:00Z");
const none = { expiresOn: null, rotateEveryDays: null, valueSetAt: "2026-01-01T00:00:00Z" };

describe("calendar days (UTC)", () => {
  it("takes the UTC day, whatever the local time zone", () => {
    expect(utcDay(at("2026-03-10T23:59:59Z"))).toBe("2026-03-10");
    expect(utcDay(at("2026-03-11T00:00:00Z"))).toBe("2026-03-11");
    expect(utcDay(at("2026-03-10T23:30:00-05:00"))).toBe("2026-03-11");
  });
  it("counts days across months, leap days and DST changes", () => {
    expect(daysBetween("2026-03-10", "2026-03-15")).toBe(5);
    expect(daysBetween("2026-03-10", "2026-03-08")).toBe(-2);
    expect(daysBetween("2028-02-28", "2028-03-01")).toBe(2);
    expect(daysBetween("2026-03-28", "2026-03-30")).toBe(2); // Europe's DST change is irrelevant in UTC
    expect(addDays("2026-12-25", 14)).toBe("2027-01-08");
  });
  it("knows real calendar dates", () => {
    expect(isCalendarDate("2026-02-28")).toBe(true);
    expect(isCalendarDate("2028-02-29")).toBe(true);
    for (const bad of ["2026-02-29", "2026-02-30", "2026-13-01", "2026-1-01", "26-01-01", "", "2026-01-01T00:00"]) {
      expect(isCalendarDate(bad), bad).toBe(false);
    }
  });
  it("is expired from 00:00 UTC of the expiry day", () => {
    expect(isExpiredOn("2026-03-11", at("2026-03-10T23:59:59Z"))).toBe(false);
    expect(isExpiredOn("2026-03-11", at("2026-03-11T00:00:00Z"))).toBe(true);
    expect(isExpiredOn(null, NOW)).toBe(false);
  });
});

describe("secretStatus", () => {
  it("says nothing when neither an expiry nor a rotation period is set", () => {
    expect(secretStatus(none, NOW)).toEqual({
      expiresInDays: null,
      isExpired: false,
      rotationDueAt: null,
      isRotationDue: false,
      isDue: false,
      labels: [],
    });
  });

  it.each([
    ["2026-03-15", 5, "Expires in 5 days", false, true],
    ["2026-03-11", 1, "Expires in 1 day", false, true],
    ["2026-03-24", 14, "Expires in 14 days", false, true],
    ["2026-03-25", 15, "Expires in 15 days", false, false],
    ["2026-12-31", 296, "Expires in 296 days", false, false],
    ["2026-03-10", 0, "Expired today", true, true],
    ["2026-03-09", -1, "Expired 1 day ago", true, true],
    ["2026-03-08", -2, "Expired 2 days ago", true, true],
  ])("expires on %s: %i days, %j (expired %s, due %s)", (expiresOn, days, label, expired, due) => {
    const s = secretStatus({ ...none, expiresOn }, NOW);
    expect(s.expiresInDays).toBe(days);
    expect(s.labels).toEqual([label]);
    expect(s.isExpired).toBe(expired);
    expect(s.isDue).toBe(due);
  });

  it("rotation is due exactly N×24 h after the value was written, and only then", () => {
    const policy = { ...none, rotateEveryDays: 30, valueSetAt: "2026-02-08T15:30:00Z" }; // + 30 days = NOW
    expect(secretStatus(policy, at("2026-03-10T15:29:59Z"))).toMatchObject({ isRotationDue: false, isDue: false, labels: [] });
    expect(secretStatus(policy, NOW)).toMatchObject({
      isRotationDue: true,
      isDue: true,
      labels: ["Rotation due"],
      rotationDueAt: "2026-03-10T15:30:00.000Z",
    });
  });

  it("a rotation restarts the period: a fresh value is not due", () => {
    const old = secretStatus({ ...none, rotateEveryDays: 7, valueSetAt: "2026-01-01T00:00:00Z" }, NOW);
    const fresh = secretStatus({ ...none, rotateEveryDays: 7, valueSetAt: NOW }, NOW);
    expect(old.isRotationDue).toBe(true);
    expect(fresh).toMatchObject({ isRotationDue: false, isDue: false, rotationDueAt: "2026-03-17T15:30:00.000Z" });
  });

  it("lists the expiry first, then the rotation", () => {
    const s = secretStatus({ expiresOn: "2026-03-08", rotateEveryDays: 1, valueSetAt: "2026-03-01T00:00:00Z" }, NOW);
    expect(s.labels).toEqual(["Expired 2 days ago", "Rotation due"]);
  });
});

describe("reminders due (dueReminders)", () => {
  const expiry = (days: number) => dueReminders({ ...none, expiresOn: addDays("2026-03-10", days) }, NOW).map((r) => r.threshold);

  it("none before 14 days; 14 days ahead, then 3 days ahead, then expired: the most urgent threshold reached", () => {
    expect(expiry(30)).toEqual([]);
    expect(expiry(15)).toEqual([]);
    expect(expiry(14)).toEqual(["expiry_14d"]);
    expect(expiry(4)).toEqual(["expiry_14d"]);
    expect(expiry(3)).toEqual(["expiry_3d"]);
    expect(expiry(1)).toEqual(["expiry_3d"]);
    expect(expiry(0)).toEqual(["expired"]);
    expect(expiry(-40)).toEqual(["expired"]);
  });

  it("sends an expiry reminder as secret.expiring and the expiry itself as secret.expired, with the date and days left", () => {
    expect(dueReminders({ ...none, expiresOn: "2026-03-13" }, NOW)).toEqual([
      { threshold: "expiry_3d", reason: "expiry", event: "secret.expiring", dueOn: "2026-03-13", daysLeft: 3 },
    ]);
    expect(dueReminders({ ...none, expiresOn: "2026-03-08" }, NOW)).toEqual([
      { threshold: "expired", reason: "expiry", event: "secret.expired", dueOn: "2026-03-08", daysLeft: -2 },
    ]);
  });

  it("rotation: 14 and 3 days before the due date and when due, all secret.expiring", () => {
    const rotation = (valueSetAt: string, every = 90) => dueReminders({ ...none, rotateEveryDays: every, valueSetAt }, NOW);
    // Due 2026-03-30 (20 days): nothing yet.
    expect(rotation("2025-12-30T15:30:00Z")).toEqual([]);
    // Due 2026-03-24 (14 days).
    expect(rotation("2025-12-24T10:00:00Z")).toEqual([
      { threshold: "rotation_14d", reason: "rotation", event: "secret.expiring", dueOn: "2026-03-24", daysLeft: 14 },
    ]);
    expect(rotation("2025-12-13T10:00:00Z").map((r) => r.threshold)).toEqual(["rotation_3d"]);
    // Due today, 1 minute from now: still "3 days"; a minute after: due.
    expect(rotation("2025-12-10T15:31:00Z").map((r) => r.threshold)).toEqual(["rotation_3d"]);
    expect(rotation("2025-12-10T15:29:00Z")).toEqual([
      { threshold: "rotation_due", reason: "rotation", event: "secret.expiring", dueOn: "2026-03-10", daysLeft: 0 },
    ]);
  });

  it("rotation reminders ahead of the due date only when the period is longer than their lead time", () => {
    const fresh = (every: number) => dueReminders({ ...none, rotateEveryDays: every, valueSetAt: NOW }, NOW).map((r) => r.threshold);
    expect(fresh(1)).toEqual([]);
    expect(fresh(3)).toEqual([]);
    expect(fresh(4)).toEqual([]);
    expect(fresh(14)).toEqual([]);
    expect(dueReminders({ ...none, rotateEveryDays: 3, valueSetAt: "2026-03-08T15:30:00Z" }, NOW).map((r) => r.threshold)).toEqual([]);
    expect(dueReminders({ ...none, rotateEveryDays: 10, valueSetAt: "2026-03-02T15:30:00Z" }, NOW).map((r) => r.threshold)).toEqual(["rotation_3d"]);
    expect(dueReminders({ ...none, rotateEveryDays: 10, valueSetAt: "2026-02-28T15:30:00Z" }, NOW).map((r) => r.threshold)).toEqual(["rotation_due"]);
  });

  it("both policies give one reminder each, expiry first", () => {
    const r = dueReminders({ expiresOn: "2026-03-12", rotateEveryDays: 30, valueSetAt: "2026-01-01T00:00:00Z" }, NOW);
    expect(r.map((x) => x.threshold)).toEqual(["expiry_3d", "rotation_due"]);
  });

  it("words each reminder with its date", () => {
    expect(reminderText({ threshold: "expiry_14d", dueOn: "2026-03-24", daysLeft: 14 })).toBe("expires on 2026-03-24 (in 14 days)");
    expect(reminderText({ threshold: "expired", dueOn: "2026-03-09", daysLeft: -1 })).toBe("expired on 2026-03-09 (1 day ago)");
    expect(reminderText({ threshold: "rotation_due", dueOn: "2026-03-10", daysLeft: 0 })).toBe("rotation was due on 2026-03-10 (today)");
    expect(reminderText({ threshold: "rotation_3d", dueOn: "2026-03-11", daysLeft: 1 })).toBe("rotation due on 2026-03-11 (in 1 day)");
  });
});

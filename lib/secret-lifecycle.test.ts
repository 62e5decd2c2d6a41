// The expiry and rotation status of a secret, with fixed clocks.
import { describe, expect, it } from "vitest";
import { addDays, daysBetween, isCalendarDate, isExpiredOn, secretStatus, utcDay } from "./secret-lifecycle";

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

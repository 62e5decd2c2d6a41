import { describe, expect, it } from "vitest";
import { expiryDate, normalizeCidr, ZCreateTokenInput } from "./tokens";

const base = { name: "ci deploy", secrets: [{ name: "STRIPE_API_KEY" }], expires: "90" };

describe("normalizeCidr", () => {
  it.each([
    ["10.1.2.3/8", "10.0.0.0/8"],
    ["203.0.113.7", "203.0.113.7/32"],
    ["2001:db8::1/32", "2001:db8::/32"],
    ["::1", "::1/128"],
  ])("%s -> %s", (input, out) => expect(normalizeCidr(input)).toBe(out));

  it.each(["", "10.0.0.0/33", "300.1.1.1", "example.com", "10.0.0.0/", "1.2.3.4/-1"])("rejects %j", (input) => {
    expect(normalizeCidr(input)).toBeNull();
  });
});

describe("ZCreateTokenInput", () => {
  it("accepts a token with defaults", () => {
    const r = ZCreateTokenInput.parse({ name: " ci ", secrets: [{ name: "A", env: "" }], cidrs: "10.0.0.0/8, 192.168.1.1\n10.0.0.0/8" });
    expect(r).toEqual({ name: "ci", secrets: [{ name: "A", env: "" }], expires: "90", cidrs: ["10.0.0.0/8", "192.168.1.1/32"] });
  });

  it("refuses no secrets, bad env names, duplicate env names and bad ranges", () => {
    expect(ZCreateTokenInput.safeParse({ ...base, secrets: [] }).success).toBe(false);
    expect(ZCreateTokenInput.safeParse({ ...base, secrets: [{ name: "A", env: "1X" }] }).success).toBe(false);
    expect(ZCreateTokenInput.safeParse({ ...base, secrets: [{ name: "A", env: "B" }, { name: "B" }] }).success).toBe(false);
    expect(ZCreateTokenInput.safeParse({ ...base, secrets: [{ name: "A" }, { name: "a" }] }).success).toBe(false);
    expect(ZCreateTokenInput.safeParse({ ...base, cidrs: "10.0.0.0/8 nope" }).success).toBe(false);
    expect(ZCreateTokenInput.safeParse({ ...base, expires: "400" }).success).toBe(false);
    expect(ZCreateTokenInput.safeParse({ ...base, name: "" }).success).toBe(false);
  });

  it("expiry: days from now, or never", () => {
    const now = Date.UTC(2030, 0, 1);
    expect(expiryDate("90", now)?.toISOString()).toBe("2030-04-01T00:00:00.000Z");
    expect(expiryDate("never", now)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { Redactor } from "./redact";

const secret = 'sk_live_"quote"\\slash\nline é \u{1F511}&x=1+2/3';
const r = new Redactor([{ name: "API_KEY", value: secret }, { name: "SHORT", value: "abc123" }]);

const leaks = (text: string) => [secret, "sk_live", "slash"].some((s) => text.includes(s));

describe("Redactor", () => {
  it.each([
    ["raw", secret],
    ["JSON-escaped", JSON.stringify(secret)],
    ["JSON-escaped twice", JSON.stringify(JSON.stringify({ k: secret }))],
    ["percent-encoded", encodeURIComponent(secret)],
    ["form-encoded", new URLSearchParams({ k: secret }).toString()],
    ["base64", Buffer.from(secret).toString("base64")],
    ["base64url", Buffer.from(secret).toString("base64url")],
  ])("replaces the %s form", (_label, form) => {
    const out = r.redact(`echo: ${form} done`);
    expect(out).toContain("[REDACTED:API_KEY]");
    expect(out).not.toContain(form);
    expect(out.startsWith("echo: ")).toBe(true);
    expect(out.endsWith(" done")).toBe(true);
  });

  it("finds a value base64-encoded inside a longer string, at every alignment", () => {
    for (const prefix of ["", "u:", "us:", "use:"]) {
      const blob = Buffer.from(`${prefix}${secret}`).toString("base64");
      const out = r.redact(`Authorization: Basic ${blob}`);
      expect(out, prefix).toContain("[REDACTED:API_KEY]");
      // What is left of the blob is too short to carry the value.
      expect(out.replace(/\[REDACTED:[A-Z_]+\]/g, "").length).toBeLessThan(`Authorization: Basic `.length + 12);
    }
  });

  it("names each secret and leaves other text alone", () => {
    expect(r.redact("abc123 and xyz")).toBe("[REDACTED:SHORT] and xyz");
    expect(r.redact("nothing here")).toBe("nothing here");
  });

  it("drops the start of a value at the end of cut-short text", () => {
    const cut = `prefix ${secret.slice(0, 12)}`;
    expect(leaks(r.redact(cut))).toBe(true); // a prefix alone is not a form of the value
    const out = r.redact(cut, true);
    expect(out).toBe("prefix [REDACTED:API_KEY]");
  });
});

describe("values too short to redact", () => {
  it("withholds the whole text instead of revealing the value by what was replaced", () => {
    const r = new Redactor([
      { name: "PIN", value: "a" },
      { name: "LONG_ENOUGH", value: "s3cr3t-value" },
    ]);
    const out = r.redact("banana s3cr3t-value");
    expect(out).toMatch(/^\[WITHHELD: PIN is shorter than 6 characters/);
    expect(out).not.toContain("banana");
    expect(out).not.toContain("s3cr3t-value");
    expect(r.redact("")).toBe("");
  });

  it("redacts normally when every value is long enough", () => {
    const r = new Redactor([{ name: "TOKEN", value: "abcdef" }]);
    expect(r.redact("x abcdef y")).toBe("x [REDACTED:TOKEN] y");
  });
});

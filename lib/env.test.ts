// The declaration of settings (lib/env.ts) and the README's Configuration table cannot drift: every declared
// setting has one row, every row names declared settings only, and a row states each of its settings'
// defaults. Also how env() reads: once for most settings, at each use for the `live` ones.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "@/lib/errors";
import { thrownBy } from "@/tests/support/thrown";
import { env, SETTINGS, type TSettingName } from "./env";

const README = readFileSync(path.join(import.meta.dirname, "..", "README.md"), "utf8");

/** Rows of the README's Configuration table: the names in the first cell, and the whole row. */
function configurationRows(): { names: string[]; row: string }[] {
  const section = README.split(/^## Configuration$/m)[1]?.split(/^## /m)[0] ?? "";
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((row) => {
      const first = row.split(" | ")[0]!;
      return { names: [...first.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!), row };
    });
}

const DECLARED = Object.keys(SETTINGS) as TSettingName[];

/** The default a setting's schema gives when it is unset (undefined: it has none). */
function defaultOf(name: TSettingName): unknown {
  const parsed = SETTINGS[name].schema.safeParse(undefined);
  return parsed.success ? parsed.data : undefined;
}

describe("README Configuration table", () => {
  const rows = configurationRows();

  it("is found", () => {
    expect(rows.length).toBeGreaterThan(20);
  });

  it("has exactly one row for every declared setting", () => {
    const counts = new Map<string, number>();
    for (const r of rows) for (const n of r.names) counts.set(n, (counts.get(n) ?? 0) + 1);
    expect(DECLARED.filter((n) => counts.get(n) !== 1), "declared settings without exactly one row").toEqual([]);
  });

  it("names only declared settings", () => {
    const declared = new Set<string>(DECLARED);
    expect(rows.flatMap((r) => r.names).filter((n) => !declared.has(n)), "rows naming undeclared settings").toEqual([]);
  });

  it.each(DECLARED.filter((n) => defaultOf(n) !== undefined).map((n) => [n]))("states the default of %s", (name) => {
    const row = rows.find((r) => r.names.includes(name))!.row;
    expect(row, `${name}'s row says "default"`).toMatch(/default/i);
    expect(row, `${name}'s row states its default`).toContain(String(defaultOf(name)));
  });

  it("describes every setting in one line of lib/env.ts", () => {
    for (const n of DECLARED) expect(SETTINGS[n].description, n).toMatch(/^[^\n]{10,200}$/);
  });
});

describe("env()", () => {
  const saved = { SMTP_URL: process.env.SMTP_URL, INVITATION_TTL_DAYS: process.env.INVITATION_TTL_DAYS, API_TOKEN_REQUESTS_PER_MINUTE: process.env.API_TOKEN_REQUESTS_PER_MINUTE };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("gives declared defaults, and reads a live setting at each use", () => {
    delete process.env.SMTP_URL;
    expect(env().SMTP_URL).toBeUndefined();
    expect(env().SMTP_FROM).toBe("Team Secrets <no-reply@localhost>");
    process.env.SMTP_URL = "smtp://127.0.0.1:2525";
    expect(env().SMTP_URL).toBe("smtp://127.0.0.1:2525");
    process.env.SMTP_URL = "";
    expect(env().SMTP_URL, "an empty variable counts as unset").toBeUndefined();
  });

  it("refuses a bad live value by its name, never its value", () => {
    process.env.INVITATION_TTL_DAYS = "not-a-number-3141";
    const err = thrownBy(() => env().INVITATION_TTL_DAYS);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain("INVITATION_TTL_DAYS");
    expect(err.message).not.toContain("3141");
  });

  it("fixes the other settings at first use (hot paths read them on every request)", () => {
    const before = env().API_TOKEN_REQUESTS_PER_MINUTE;
    process.env.API_TOKEN_REQUESTS_PER_MINUTE = String(before + 1);
    expect(env().API_TOKEN_REQUESTS_PER_MINUTE).toBe(before);
    expect(SETTINGS.API_TOKEN_REQUESTS_PER_MINUTE.live).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { parseSecretsFile } from "./parse";

const byName = (text: string, file?: string) => {
  const r = parseSecretsFile(text, file);
  return { ...r, map: Object.fromEntries(r.entries.map((e) => [e.name, e])) };
};

describe("parseSecretsFile (.env)", () => {
  it("handles quotes, export prefixes, comments, multi-line values and = inside values", () => {
    const r = byName(
      [
        "# a comment",
        "export API_KEY=abc123",
        'QUOTED="hello world" # trailing comment',
        "SINGLE='it''s'",
        'MULTI="-----BEGIN KEY-----',
        "line2==",
        '-----END KEY-----"',
        "URL=postgres://u:p@h/db?sslmode=require&x=a=b",
        "",
        "  SPACED = value  ",
      ].join("\r\n"),
    );
    expect(r.error).toBeNull();
    expect(r.format).toBe("dotenv");
    expect(r.map.API_KEY?.value).toBe("abc123");
    expect(r.map.QUOTED?.value).toBe("hello world");
    expect(r.map.MULTI?.value).toBe("-----BEGIN KEY-----\nline2==\n-----END KEY-----");
    expect(r.map.URL?.value).toBe("postgres://u:p@h/db?sslmode=require&x=a=b");
    expect(r.map.SPACED?.value).toBe("value");
    expect(r.entries.every((e) => e.problem === null || e.name === "SINGLE")).toBe(true);
    expect(Object.keys(r.map)).not.toContain("line2");
  });

  it("marks invalid names and empty values with why", () => {
    const r = byName("1BAD=x\nBAD-NAME=y\nMY KEY=z\nEMPTY=\nOK=1\nok=2\n");
    expect(r.map["1BAD"]?.problem).toMatch(/Invalid name: A name cannot start with a digit/);
    expect(r.map["BAD-NAME"]?.problem).toMatch(/Invalid name: Use only letters/);
    expect(r.map["MY KEY"]?.problem).toMatch(/cannot contain spaces/);
    expect(r.map.EMPTY?.problem).toBe("The value is empty.");
    expect(r.map.OK?.problem).toBeNull();
    expect(r.map.ok?.problem).toMatch(/more than once/);
  });

  it("a line inside a multi-line quoted value is part of that value, never reported as an entry (its text would reach the preview)", () => {
    const r = byName(['CONFIG="[db]', "admin password = hunter2-value", "other key=x", '"', "MY KEY=z"].join("\n"));
    expect(r.map.CONFIG?.value).toBe("[db]\nadmin password = hunter2-value\nother key=x\n");
    expect(Object.keys(r.map).sort()).toEqual(["CONFIG", "MY KEY"]);
    expect(JSON.stringify(r.entries.map((e) => [e.name, e.problem]))).not.toMatch(/admin password|other key/);
  });

  it("refuses empty and oversized input", () => {
    expect(parseSecretsFile("   ").error).toBe("The file is empty.");
    expect(parseSecretsFile("# only a comment\n").error).toMatch(/No NAME=value/);
    expect(parseSecretsFile(`A=${"x".repeat(600 * 1024)}`).error).toMatch(/512 KiB/);
    expect(byName(`A=${"x".repeat(65 * 1024)}`).map.A?.problem).toMatch(/64 KiB/);
  });
});

describe("parseSecretsFile (JSON)", () => {
  it("reads an object of names to values; nested objects stay JSON", () => {
    const r = byName(JSON.stringify({ A: "1", B: 2, C: true, SA: { type: "service_account" }, N: null, "1X": "v" }), "x.json");
    expect(r.format).toBe("json");
    expect(r.map.A?.value).toBe("1");
    expect(r.map.B?.value).toBe("2");
    expect(r.map.C?.value).toBe("true");
    expect(JSON.parse(r.map.SA!.value)).toEqual({ type: "service_account" });
    expect(r.map.N?.problem).toBe("The value is empty.");
    expect(r.map["1X"]?.problem).toMatch(/Invalid name/);
  });

  it("refuses bad JSON and non-objects", () => {
    expect(parseSecretsFile("{nope", "x.json").error).toBe("The file is not valid JSON.");
    expect(parseSecretsFile("[1,2]", "x.json").error).toMatch(/one object/);
    expect(parseSecretsFile('{"A":"1"}').format).toBe("json");
  });
});

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
    // 'it''s' is two quoted strings: text after the closing quote, so line 4 is not an entry (and not named).
    expect(r.map.SINGLE).toBeUndefined();
    expect(r.entries.filter((e) => e.problem)).toEqual([{ name: "", value: "", problem: expect.stringMatching(/^Line 4 is not NAME=value/), line: 4 }]);
    expect(Object.keys(r.map)).not.toContain("line2");
  });

  it("marks invalid names and empty values with why; a line that is not NAME=value is reported by number only", () => {
    const r = byName("1BAD=x\nBAD-NAME=y\nMY KEY=z\nEMPTY=\nOK=1\nok=2\n\nkey: value\n");
    expect(r.map["1BAD"]?.problem).toMatch(/Invalid name: A name cannot start with a digit/);
    expect(r.map.EMPTY?.problem).toBe("The value is empty.");
    expect(r.map.OK?.problem).toBeNull();
    expect(r.map.ok?.problem).toMatch(/more than once/);
    const bad = r.entries.filter((e) => e.name === "");
    expect(bad.map((e) => [e.line, e.problem])).toEqual([
      [2, expect.stringMatching(/^Lines 2–3 are not NAME=value/)],
      [8, expect.stringMatching(/^Line 8 is not NAME=value/)],
    ]);
    expect(JSON.stringify(r.entries.map((e) => [e.name, e.problem]))).not.toMatch(/BAD-NAME|MY KEY|key: value|\b[yz]\b/);
  });

  it("a line inside a multi-line quoted value is part of that value, never reported as an entry (its text would reach the preview)", () => {
    const r = byName(['CONFIG="[db]', "admin password = hunter2-value", "other key=x", '"', "MY KEY=z"].join("\n"));
    expect(r.map.CONFIG?.value).toBe("[db]\nadmin password = hunter2-value\nother key=x\n");
    expect(Object.keys(r.map).sort()).toEqual(["", "CONFIG"]);
    expect(r.map[""]).toMatchObject({ line: 5, problem: expect.stringMatching(/^Line 5 is not NAME=value/) });
    expect(JSON.stringify(r.entries.map((e) => [e.name, e.problem]))).not.toMatch(/admin password|other key|MY KEY/);
  });

  // The last base64 line of a PEM body ends in = or ==: dotenv reads it as NAME=value (NAME = the base64).
  const PEM_BODY = [
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
    "Proc-Type: 4,ENCRYPTED",
    "dGhpcyBpcyBhIHRlc3Q=",
    "c2Vjb25kIGxpbmU==",
    "-----END PRIVATE KEY-----",
  ];

  it("an unquoted multi-line PEM never makes a line of it a name; the entry it started is refused, not truncated", () => {
    const r = byName(["BEFORE=1", "KEY=-----BEGIN PRIVATE KEY-----", ...PEM_BODY, "AFTER=2", "", "LATER=3"].join("\n"));
    expect(r.entries.map((e) => [e.name, e.line, e.problem === null])).toEqual([
      ["BEFORE", 1, true],
      ["KEY", 2, false],
      ["", 3, false],
      ["AFTER", 8, true],
      ["LATER", 10, true],
    ]);
    expect(r.map.KEY?.problem).toMatch(/continue on the next lines \(lines 3–7\).*double quotes/);
    expect(r.map[""]?.problem).toMatch(/^Lines 3–7 are not NAME=value/);
    const shown = JSON.stringify(r.entries.map((e) => [e.name, e.problem]));
    for (const text of ["MIIEv", "Proc-Type", "ENCRYPTED", "dGhpcy", "c2Vjb25k", "END PRIVATE"]) expect(shown).not.toContain(text);
    // Quoted, the same PEM is one entry.
    const q = byName(['KEY="-----BEGIN PRIVATE KEY-----', ...PEM_BODY.slice(0, -1), '-----END PRIVATE KEY-----"'].join("\n"));
    expect(q.entries).toEqual([{ name: "KEY", value: ["-----BEGIN PRIVATE KEY-----", ...PEM_BODY].join("\n"), problem: null, line: 1 }]);
  });

  it("an unclosed quote, or text after the closing quote, is not an entry; the lines it swallowed are not names", () => {
    const r = byName(['A="never closed', "pw=hunter2", "", "B=ok"].join("\n"));
    expect(r.entries.map((e) => [e.name, e.line])).toEqual([
      ["", 1],
      ["B", 4],
    ]);
    expect(r.entries[0]?.problem).toMatch(/^Lines 1–2 are not NAME=value/);
    expect(byName('A="x" trailing\n').entries).toEqual([{ name: "", value: "", problem: expect.stringMatching(/^Line 1 is/), line: 1 }]);
  });

  it("refuses empty and oversized input", () => {
    expect(parseSecretsFile("   ").error).toBe("The file is empty.");
    expect(parseSecretsFile("# only a comment\n").error).toMatch(/No NAME=value/);
    expect(parseSecretsFile(`A=${"x".repeat(4 * 1024 * 1024)}`).error).toMatch(/4 MiB/);
  });

  it("takes 10,000 entries and refuses 10,001, saying the limit (issue 10 item 7)", () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `K_${i}=v${i}`).join("\n");
    const ok = parseSecretsFile(lines(10_000));
    expect(ok.error).toBeNull();
    expect(ok.entries).toHaveLength(10_000);
    expect(parseSecretsFile(lines(10_001)).error).toBe("At most 10,000 secrets per import.");
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

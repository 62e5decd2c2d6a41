import { describe, expect, it } from "vitest";
import { redactionForms, StreamRedactor } from "./forms.mjs";

const value = 'sk_live_"q"/slash\\é+ü=&x<1> ok';
const forms = redactionForms(value);

/** Everything a stream redactor writes when fed `chunks` in order. */
function stream(chunks: Buffer[], secrets = [{ label: "API_KEY", value }]) {
  const r = new StreamRedactor(secrets);
  return Buffer.concat([...chunks.map((c) => r.write(c)), r.end()]);
}

describe("redactionForms", () => {
  it("knows raw, JSON (once, twice, PHP style), HTML, URL, base64 (+ url-safe, unpadded, cores) and hex forms", () => {
    const b = Buffer.from(value);
    for (const f of [
      value,
      JSON.stringify(value).slice(1, -1),
      JSON.stringify(JSON.stringify(value)).slice(3, -3),
      String.raw`sk_live_\"q\"\/slash\\\u00e9+\u00fc=&x<1> ok`,
      "sk_live_&quot;q&quot;/slash\\é+ü=&amp;x&lt;1&gt; ok",
      encodeURIComponent(value),
      encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      new URLSearchParams({ v: value }).toString().slice(2),
      b.toString("base64"),
      b.toString("base64url"),
      b.toString("hex"),
      b.toString("hex").toUpperCase(),
    ]) {
      expect(forms).toContain(f);
    }
    expect(new Set(forms).size).toBe(forms.length);
  });
});

describe("StreamRedactor", () => {
  const cases: [string, string][] = forms.map((f) => [f.slice(0, 24), f]);
  // Inside a longer base64 string at every alignment (a Basic auth header).
  for (const prefix of ["", "u:", "us:"]) cases.push([`base64 after ${JSON.stringify(prefix)}`, Buffer.from(`${prefix}${value}`).toString("base64")]);

  it.each(cases)("redacts %s split at every chunk boundary", (_label, form) => {
    const text = Buffer.from(`before ${form} after`);
    for (let cut = 0; cut <= text.length; cut++) {
      const out = stream([text.subarray(0, cut), text.subarray(cut)]).toString();
      expect(out, `cut at ${cut}`).toMatch(/^before .*\[REDACTED:API_KEY\].* after$/);
      for (const f of forms) expect(out, `cut at ${cut}`).not.toContain(f);
    }
    // ...and one byte per chunk.
    const bytes = [...text].map((b) => Buffer.from([b]));
    const out = stream(bytes).toString();
    expect(out).toContain("[REDACTED:API_KEY]");
    expect(out).not.toContain(value);
  });

  it("passes other bytes through unchanged, binary included, and writes nothing twice", () => {
    const binary = Buffer.from([0, 255, 254, 0xc3, 10, 13, 0x80, 65]);
    expect(stream([binary, binary])).toEqual(Buffer.concat([binary, binary]));
    expect(stream([Buffer.from("no secrets here")]).toString()).toBe("no secrets here");
    const many = Buffer.from(`${value}|${value}|${value}`);
    expect(stream([many.subarray(0, 5), many.subarray(5, 40), many.subarray(40)]).toString()).toBe(
      "[REDACTED:API_KEY]|[REDACTED:API_KEY]|[REDACTED:API_KEY]",
    );
  });

  it("holds back no more than the longest form: output keeps flowing", () => {
    const r = new StreamRedactor([{ label: "K", value }]);
    const longest = Math.max(...forms.map((f) => Buffer.byteLength(f)));
    const out = r.write(Buffer.alloc(10_000, "a"));
    expect(out.length).toBe(10_000 - (longest - 1));
    expect(Buffer.concat([out, r.end()]).length).toBe(10_000);
  });
});

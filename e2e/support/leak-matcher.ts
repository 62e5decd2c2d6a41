// Finds registered values (secret values, passwords typed into the app) in recorded response bodies and in
// the server log. Pure functions, so the matcher has its own self-test (e2e/leak-matcher.spec.ts).
// A finding names the value's label and where it was seen, never the value itself.

export type TLeakValue = { label: string; value: string };
export type TLeakSource = { where: string; body: Buffer | string };
export type TLeakFinding = { label: string; where: string; form: string };

const MIN_NEEDLE = 8;

/** The forms in which a value could appear in a body: as is, JSON-escaped, URL-encoded, base64, and (for long
 * values) its first and last 32 characters, so a truncated echo is caught too. */
export function needlesFor(value: string): { form: string; needle: string }[] {
  const out: { form: string; needle: string }[] = [];
  const add = (form: string, needle: string) => {
    if (needle.length >= MIN_NEEDLE && !out.some((n) => n.needle === needle)) out.push({ form, needle });
  };
  add("raw", value);
  add("json-escaped", JSON.stringify(value).slice(1, -1));
  add("url-encoded", encodeURIComponent(value));
  add("form-encoded", new URLSearchParams({ v: value }).toString().slice(2));
  add("base64", Buffer.from(value).toString("base64").replace(/=+$/, ""));
  add("base64url", Buffer.from(value).toString("base64url"));
  add("html-escaped", value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"));
  if (value.length > 64) {
    add("prefix", value.slice(0, 32));
    add("suffix", value.slice(-32));
  }
  return out;
}

export function assertDistinctive(value: string): void {
  if (value.length < 16) throw new Error("leak values must be at least 16 characters, or the check gives false positives");
}

export function findLeaks(values: TLeakValue[], sources: TLeakSource[]): TLeakFinding[] {
  const findings: TLeakFinding[] = [];
  const prepared = values.map((v) => ({ label: v.label, needles: needlesFor(v.value).map((n) => ({ ...n, bytes: Buffer.from(n.needle) })) }));
  for (const source of sources) {
    const body = typeof source.body === "string" ? Buffer.from(source.body) : source.body;
    for (const v of prepared) {
      const hit = v.needles.find((n) => body.includes(n.bytes));
      if (hit) findings.push({ label: v.label, where: source.where, form: hit.form });
    }
  }
  return findings;
}

export function describeFindings(findings: TLeakFinding[]): string {
  return findings.map((f) => `  - value "${f.label}" (${f.form}) in ${f.where}`).join("\n");
}

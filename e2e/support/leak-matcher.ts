// Finds registered values (secret values, passwords typed into the app) in recorded response bodies and in
// the server log. Pure functions, so the matcher has its own self-test (e2e/leak-matcher.spec.ts).
// A finding names the value's label and where it was seen, never the value itself.
// A value "shown once" (a webhook signing secret, shown to its creator) is allowed in exactly one response,
// a server action's (the one that showed it), and nowhere else: not a page, not the server log.

export type TLeakValue = { label: string; value: string; shownOnce?: boolean };
/** `kind` is the recorder's response kind ("server-action", "html", ...); the server log has none. */
export type TLeakSource = { where: string; body: Buffer | string; kind?: string };
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

/**
 * Every appearance of a value in the sources. A shown-once value whose showing these sources should contain
 * (`expectShown`: the test or run that registered it) must appear in exactly one server-action response;
 * a shown-once value of someone else's sources must not appear at all, like any other value.
 */
export function findLeaks(values: TLeakValue[], sources: TLeakSource[], expectShown: (v: TLeakValue) => boolean = () => false): TLeakFinding[] {
  const findings: TLeakFinding[] = [];
  const prepared = values.map((v) => ({ v, needles: needlesFor(v.value).map((n) => ({ ...n, bytes: Buffer.from(n.needle) })) }));
  const bodies = sources.map((s) => ({ ...s, bytes: typeof s.body === "string" ? Buffer.from(s.body) : s.body }));
  for (const { v, needles } of prepared) {
    const hits: TLeakFinding[] = [];
    let showings = 0;
    for (const source of bodies) {
      const hit = needles.find((n) => source.bytes.includes(n.bytes));
      if (!hit) continue;
      const finding = { label: v.label, where: source.where, form: hit.form };
      // The one allowed showing: the first server-action response that carries it.
      if (v.shownOnce && expectShown(v) && source.kind === "server-action" && showings++ === 0) continue;
      hits.push(v.shownOnce && source.kind === "server-action" && showings > 1 ? { ...finding, form: `${hit.form}, shown again` } : finding);
    }
    if (v.shownOnce && expectShown(v) && showings === 0) {
      hits.push({ label: v.label, where: "no server-action response", form: "never shown, expected in exactly one response" });
    }
    findings.push(...hits);
  }
  return findings;
}

export function describeFindings(findings: TLeakFinding[]): string {
  return findings.map((f) => `  - value "${f.label}" (${f.form}) in ${f.where}`).join("\n");
}

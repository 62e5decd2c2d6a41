// Replaces every resolved secret value in a delivery log text with `[REDACTED:NAME]`: the raw value, its
// JSON-escaped, URL-encoded (percent and form style) and base64 (standard, URL-safe, with and without
// padding) forms, and the stable middle of its base64 at each of the three byte alignments, so a value
// base64-encoded inside a longer string (`user:${PASSWORD}` as Basic auth) is caught too.

export type TRedaction = { name: string; value: string };
type TPattern = { text: string; name: string };

const MIN_CORE = 8; // shorter base64 cores would match ordinary text
/**
 * Below this length a value cannot be redacted without giving itself away (replacing every "a" in a log
 * says the value is "a"): texts of a delivery that resolved such a value are withheld from the log whole.
 */
export const MIN_REDACTABLE_LENGTH = 6;

function base64Cores(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let k = 1; k <= 2; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64");
    const core = enc.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
    if (core.length >= MIN_CORE) out.push(core);
  }
  const plain = bytes.toString("base64");
  const core0 = plain.slice(0, Math.floor((8 * bytes.length) / 6));
  if (core0.length >= MIN_CORE) out.push(core0);
  return out;
}

const toUrlSafe = (b64: string) => b64.replace(/\+/g, "-").replace(/\//g, "_");

function formsOf(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const b64 = bytes.toString("base64");
  const pct = encodeURIComponent(value);
  const forms = [
    value,
    JSON.stringify(value).slice(1, -1),
    // A JSON body echoed inside a JSON response (httpbin's "data") is escaped twice.
    JSON.stringify(JSON.stringify(value).slice(1, -1)).slice(1, -1),
    pct,
    pct.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    new URLSearchParams({ v: value }).toString().slice(2),
    b64,
    b64.replace(/=+$/, ""),
    toUrlSafe(b64),
    toUrlSafe(b64).replace(/=+$/, ""),
  ];
  for (const core of base64Cores(bytes)) forms.push(core, toUrlSafe(core));
  return forms;
}

export class Redactor {
  private readonly patterns: TPattern[];
  private readonly regex: RegExp | null;
  private readonly byText = new Map<string, string>();
  private readonly tooShort: string[] = [];

  constructor(secrets: readonly TRedaction[]) {
    const seen = new Set<string>();
    this.patterns = [];
    for (const s of secrets) {
      if (!s.value) continue;
      if (s.value.length < MIN_REDACTABLE_LENGTH) this.tooShort.push(s.name);
      for (const text of formsOf(s.value)) {
        if (!text || seen.has(text)) continue;
        seen.add(text);
        this.patterns.push({ text, name: s.name });
        this.byText.set(text, s.name);
      }
    }
    // Longest first: at one position the alternation takes the first alternative that matches.
    this.patterns.sort((a, b) => b.text.length - a.text.length);
    this.regex = this.patterns.length
      ? new RegExp(this.patterns.map((p) => p.text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|"), "g")
      : null;
  }

  /** `text` with every known form replaced. `cut` marks text cut short: a trailing start of a value goes too. */
  redact(text: string, cut = false): string {
    if (this.tooShort.length > 0 && text.length > 0) {
      return `[WITHHELD: ${this.tooShort.join(", ")} ${this.tooShort.length === 1 ? "is" : "are"} shorter than ${MIN_REDACTABLE_LENGTH} characters and cannot be redacted safely]`;
    }
    let out = this.regex ? text.replace(this.regex, (m) => `[REDACTED:${this.byText.get(m) ?? "SECRET"}]`) : text;
    if (cut) {
      for (const p of this.patterns) {
        for (let len = Math.min(p.text.length - 1, out.length); len >= Math.min(4, p.text.length); len--) {
          if (out.endsWith(p.text.slice(0, len))) {
            out = `${out.slice(0, out.length - len)}[REDACTED:${p.name}]`;
            break;
          }
        }
      }
    }
    return out;
  }
}

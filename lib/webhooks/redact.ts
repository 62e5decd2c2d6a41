// Replaces every resolved secret value in a delivery log text with `[REDACTED:NAME]`, in each form
// lib/redact/forms.mjs knows (raw, JSON- and HTML-escaped, URL-encoded, base64 at every byte alignment, so
// a value inside a longer string such as `user:${PASSWORD}` as Basic auth is caught too, and hex). The CLI's
// `run --redact` uses the same list.
import { redactionForms } from "@/lib/redact/forms.mjs";

export type TRedaction = { name: string; value: string };
type TPattern = { text: string; name: string };

/**
 * Below this length a value cannot be redacted without giving itself away (replacing every "a" in a log
 * says the value is "a"): texts of a delivery that resolved such a value are withheld from the log whole.
 */
const MIN_REDACTABLE_LENGTH = 6;

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
      for (const text of redactionForms(s.value)) {
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

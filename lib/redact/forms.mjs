// The encodings in which a secret value is recognised when it shows up in text we did not write: a
// webhook receiver's echo (lib/webhooks/redact.ts) and the output of a command run by `team-secrets run
// --redact` (bin/team-secrets.mjs). Plain JavaScript with no imports (the CLI has no dependencies and no
// build step), Node's Buffer only. Pattern redaction is a second line of defence: it cannot know every
// encoding, so nothing relies on it alone.

const MIN_CORE = 8; // shorter base64 cores would match ordinary text

/** The stable middle of `bytes`' base64 at each of the three byte alignments (a value inside a longer blob). */
function base64Cores(bytes) {
  const out = [];
  for (let k = 1; k <= 2; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64");
    const core = enc.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
    if (core.length >= MIN_CORE) out.push(core);
  }
  const core0 = bytes.toString("base64").slice(0, Math.floor((8 * bytes.length) / 6));
  if (core0.length >= MIN_CORE) out.push(core0);
  return out;
}

const toUrlSafe = (b64) => b64.replace(/\+/g, "-").replace(/\//g, "_");
const json = (s) => JSON.stringify(s).slice(1, -1);
// JSON as PHP's json_encode writes it by default: "/" as "\/" and every non-ASCII character as \uXXXX.
const jsonAscii = (s) => json(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const html = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/**
 * Every form of `value` we recognise: raw; JSON-escaped (once, twice, PHP style with `\/` and `\uXXXX`);
 * HTML-escaped; URL-encoded (upper- and lower-case percent escapes, form style); base64 (standard and
 * URL-safe, with and without padding) and its middle at each byte alignment; hex of its UTF-8 bytes (lower
 * and upper case). Unique, non-empty strings.
 * @param {string} value
 * @returns {string[]}
 */
export function redactionForms(value) {
  const bytes = Buffer.from(value, "utf8");
  const b64 = bytes.toString("base64");
  const pct = encodeURIComponent(value);
  const hex = bytes.toString("hex");
  const forms = [
    value,
    json(value),
    // A JSON body echoed inside a JSON response (httpbin's "data") is escaped twice.
    json(json(value)),
    jsonAscii(value),
    jsonAscii(value).replace(/\//g, "\\/"),
    json(value).replace(/\//g, "\\/"),
    html(value),
    pct,
    pct.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    new URLSearchParams({ v: value }).toString().slice(2),
    b64,
    b64.replace(/=+$/, ""),
    toUrlSafe(b64),
    toUrlSafe(b64).replace(/=+$/, ""),
    hex,
    hex.toUpperCase(),
  ];
  for (const core of base64Cores(bytes)) forms.push(core, toUrlSafe(core));
  return [...new Set(forms.filter(Boolean))];
}

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * Redacts a byte stream that arrives in chunks of any size (a child's stdout): every form of every value
 * becomes `[REDACTED:<label>]`, wherever the chunk boundaries fall. Text is handled as latin1 strings (one
 * character per byte), so binary output passes through byte for byte and a UTF-8 value matches inside any
 * surrounding bytes. Holds back the last (longest form − 1) bytes of what it has seen until more arrives or
 * the stream ends: a form starting before that window is wholly in hand when it is checked.
 */
export class StreamRedactor {
  /** @param {{ label: string, value: string }[]} secrets */
  constructor(secrets) {
    this.byForm = new Map();
    for (const s of secrets) {
      for (const form of redactionForms(s.value)) {
        const bin = Buffer.from(form, "utf8").toString("latin1");
        if (!this.byForm.has(bin)) this.byForm.set(bin, s.label);
      }
    }
    // Longest first: at one position the alternation takes the first alternative that matches.
    const forms = [...this.byForm.keys()].sort((a, b) => b.length - a.length);
    this.regex = forms.length ? new RegExp(forms.map(escapeRegex).join("|"), "g") : null;
    this.window = forms.length ? forms[0].length - 1 : 0;
    this.pending = "";
  }

  /** @param {string} text @param {number} upTo */
  #replace(text, upTo) {
    let out = "";
    let last = 0;
    if (this.regex) {
      for (const m of text.matchAll(this.regex)) {
        if (m.index >= upTo) break;
        out += `${text.slice(last, m.index)}[REDACTED:${this.byForm.get(m[0])}]`;
        last = m.index + m[0].length;
      }
    }
    const end = Math.max(upTo, last);
    return { out: out + text.slice(last, end), end };
  }

  /**
   * Feed the next bytes; returns what can be written now.
   * @param {Buffer} chunk
   * @returns {Buffer}
   */
  write(chunk) {
    const text = this.pending + chunk.toString("latin1");
    const { out, end } = this.#replace(text, Math.max(0, text.length - this.window));
    this.pending = text.slice(end);
    return Buffer.from(out, "latin1");
  }

  /** The end of the stream: whatever was held back, redacted. @returns {Buffer} */
  end() {
    const { out } = this.#replace(this.pending, this.pending.length);
    this.pending = "";
    return Buffer.from(out, "latin1");
  }
}

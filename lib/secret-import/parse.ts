import "server-only";
// Parses an uploaded or pasted .env or JSON object file into name/value entries, each judged on its own
// (valid, or invalid with why). .env parsing is dotenv's `parse` (quoted and multi-line values, `export `
// prefixes, comments, `=` inside values) rather than a hand-written parser: it is what the tools that
// produced these files read them with. Never returns a value to a caller that shows things to people:
// see `describeEntries`.
import { parse as parseDotenv } from "dotenv";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ENTRIES } from "@/lib/validation/secret-rules";
import { byteLength, SECRET_VALUE_MAX_BYTES, ZSecretName } from "@/lib/validation/secrets";
import type { TImportFormat } from "@/lib/types/secret-import";

export { IMPORT_MAX_BYTES, IMPORT_MAX_ENTRIES };

/** `name` is "" for lines that are not entries (reported by line number only); `line` is 1-based (.env only). */
export type TParsedEntry = { name: string; value: string; problem: string | null; line?: number };
export type TParsedFile = { format: TImportFormat; entries: TParsedEntry[]; error: string | null };

function detectFormat(text: string, fileName?: string | null): TImportFormat {
  if (fileName && /\.json$/i.test(fileName)) return "json";
  if (fileName && /(^|\.)env($|\.)/i.test(fileName)) return "dotenv";
  return text.trimStart().startsWith("{") ? "json" : "dotenv";
}

function judge(name: string, value: string): string | null {
  const n = ZSecretName.safeParse(name);
  if (!n.success || n.data !== name) return `Invalid name: ${n.success ? "remove the surrounding spaces." : (n.error.issues[0]?.message ?? "not allowed.")}`;
  if (value.trim().length === 0) return "The value is empty.";
  if (byteLength(value) > SECRET_VALUE_MAX_BYTES) return "The value is larger than 64 KiB.";
  return null;
}

function parseJson(text: string): TParsedFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { format: "json", entries: [], error: "The file is not valid JSON." };
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) {
    return { format: "json", entries: [], error: 'A JSON file must be one object of names to values, like {"API_KEY": "..."}.' };
  }
  const entries = Object.entries(data as Record<string, unknown>).map(([name, raw]): TParsedEntry => {
    if (raw === null || raw === undefined) return { name, value: "", problem: "The value is empty." };
    // Nested objects (a service account, say) are kept as the JSON text they were.
    const value = typeof raw === "string" ? raw : typeof raw === "object" ? JSON.stringify(raw) : String(raw);
    return { name, value, problem: judge(name, value) };
  });
  return { format: "json", entries, error: null };
}

// A line that starts an entry: `NAME=...` (optionally `export NAME=...`). Keys are letters, digits and _ so
// that a near-miss such as `1BAD=x` is reported under its name; anything else (`MY KEY=`, `key: value`,
// base64, PEM armour) is not an entry and is reported by line number only.
const ASSIGN = /^[ \t]*(?:export[ \t]+)?([A-Za-z0-9_]+)[ \t]*=[ \t]*(.*)$/;
const BLANK = /^[ \t]*$/;
const COMMENT = /^[ \t]*#/;
const QUOTES = new Set(['"', "'", "`"]);

type TRecord = { kind: "entry"; name: string; start: number; end: number; quoted: boolean } | { kind: "bad"; line: number };

/** Where the quoted value opened at lines[start][col] closes: [line, col] of the closing quote, or null. */
function closingQuote(lines: string[], start: number, col: number): [number, number] | null {
  const q = lines[start]![col]!;
  for (let i = start, c = col + 1; i < lines.length; i++, c = 0) {
    const line = lines[i]!;
    for (; c < line.length; c++) {
      if (line[c] === "\\" && line[c + 1] === q) c++; // an escaped quote, as dotenv reads it
      else if (line[c] === q) return [i, c];
    }
  }
  return null;
}

/**
 * Splits the file into entries and lines that are not entries, strictly: an entry is one `NAME=value` line
 * or a quoted value that closes (across lines) followed by nothing but a comment. After a line that is not
 * an entry we no longer know where a value ends (an unquoted multi-line PEM): until a blank line, a line
 * that looks like the tail of such a value (`abc==`, `abc=`: base64 padding) is not taken as an entry either.
 */
function records(lines: string[]): TRecord[] {
  const out: TRecord[] = [];
  let unsure = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (BLANK.test(line)) {
      unsure = false;
      continue;
    }
    if (COMMENT.test(line)) continue;
    const m = ASSIGN.exec(line);
    if (!m) {
      out.push({ kind: "bad", line: i });
      // A line without any "=" (base64, PEM armour) is what a value continued onto; a mistyped NAME=value
      // line is not.
      if (!line.includes("=")) unsure = true;
      continue;
    }
    const name = m[1]!;
    const rest = m[2]!;
    if (QUOTES.has(rest[0] ?? "")) {
      const close = closingQuote(lines, i, line.length - rest.length);
      const after = close ? lines[close[0]]!.slice(close[1] + 1) : "";
      if (!close || !/^[ \t]*(?:#.*)?$/.test(after)) {
        // Text after the closing quote: not an entry, nor the lines it spans. Never closed: where the value
        // was meant to end is unknown, so nothing up to the next blank line is read as an entry.
        let last = close ? close[0] : i;
        if (!close) while (last + 1 < lines.length && !BLANK.test(lines[last + 1]!)) last++;
        for (let j = i; j <= last; j++) if (!COMMENT.test(lines[j]!) || j === i) out.push({ kind: "bad", line: j });
        unsure = true;
        i = last;
        continue;
      }
      out.push({ kind: "entry", name, start: i, end: close[0], quoted: true });
      unsure = false;
      i = close[0];
      continue;
    }
    if (unsure && (rest === "" || rest.startsWith("="))) {
      out.push({ kind: "bad", line: i });
      continue;
    }
    out.push({ kind: "entry", name, start: i, end: i, quoted: false });
    // An unquoted PEM opening without its end: the lines after it are its body, not entries.
    unsure = /^-----BEGIN [^-]+-----/.test(rest) && !rest.includes("-----END");
  }
  return out;
}

const lineRange = (a: number, b: number) => (a === b ? `Line ${a + 1} is` : `Lines ${a + 1}–${b + 1} are`);

function parseEnv(text: string): TParsedFile {
  // dotenv expects LF; a pasted textarea or a Windows file may bring CRLF.
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const recs = records(lines);
  const entries: (TParsedEntry & { line: number })[] = [];
  // Runs of consecutive bad lines (comments in between do not break a run) become one report each.
  const badRuns: [number, number][] = [];
  for (const r of recs) {
    if (r.kind !== "bad") continue;
    const last = badRuns.at(-1);
    const between = last ? lines.slice(last[1] + 1, r.line) : [];
    if (last && between.every((l) => COMMENT.test(l))) last[1] = r.line;
    else badRuns.push([r.line, r.line]);
  }
  for (const r of recs) {
    if (r.kind !== "entry") continue;
    // The value as dotenv reads this entry's own lines (quotes, escapes, inline comments, `export`).
    const parsed = parseDotenv(lines.slice(r.start, r.end + 1).join("\n"));
    const value = parsed[r.name];
    if (value === undefined || Object.keys(parsed).length !== 1) {
      badRuns.push([r.start, r.end]);
      continue;
    }
    // An unquoted value directly followed by lines that are not entries, one of them without any "=" (base64,
    // PEM armour: not a mistyped NAME=value), probably continues on them: importing its first line alone
    // would store a truncated value.
    const run = r.quoted
      ? undefined
      : badRuns.find(
          ([a, b]) =>
            a > r.end &&
            lines.slice(r.end + 1, a).every((l) => COMMENT.test(l)) &&
            lines.slice(a, b + 1).some((l) => !COMMENT.test(l) && !l.includes("=")),
        );
    const problem = run
      ? `The value seems to continue on the next ${run[0] === run[1] ? "line" : "lines"} (${lineRange(run[0], run[1]).replace(/ (is|are)$/, "").toLowerCase()}), which ${run[0] === run[1] ? "is" : "are"} not NAME=value: put a value that spans several lines in double quotes.`
      : judge(r.name, value);
    entries.push({ name: r.name, value, problem, line: r.start });
  }
  for (const [a, b] of badRuns) {
    entries.push({
      name: "",
      value: "",
      problem: `${lineRange(a, b)} not NAME=value (names are letters, digits and _; a value that spans several lines must be quoted). Nothing from ${a === b ? "it" : "them"} is shown or imported.`,
      line: a,
    });
  }
  entries.sort((x, y) => x.line - y.line);
  return { format: "dotenv", entries: entries.map(({ line: _line, ...e }) => ({ ...e, line: _line + 1 })), error: null };
}

export function parseSecretsFile(text: string, fileName?: string | null): TParsedFile {
  const format = detectFormat(text, fileName);
  if (byteLength(text) > IMPORT_MAX_BYTES) return { format, entries: [], error: "The file is larger than 4 MiB." };
  if (text.trim().length === 0) return { format, entries: [], error: "The file is empty." };
  const result = format === "json" ? parseJson(text) : parseEnv(text);
  if (!result.error && result.entries.length === 0) return { ...result, error: "No NAME=value lines found." };
  if (result.entries.length > IMPORT_MAX_ENTRIES) return { ...result, entries: [], error: `At most ${IMPORT_MAX_ENTRIES.toLocaleString("en")} secrets per import.` };
  // Names are unique ignoring case: a later repeat is invalid (the first one counts).
  const seen = new Set<string>();
  for (const e of result.entries) {
    if (e.problem) continue;
    const key = e.name.toLowerCase();
    if (seen.has(key)) e.problem = "Appears more than once in the file (names ignore case); the first one counts.";
    seen.add(key);
  }
  return result;
}

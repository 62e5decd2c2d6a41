import "server-only";
// Parses an uploaded or pasted .env or JSON object file into name/value entries, each judged on its own
// (valid, or invalid with why). .env parsing is dotenv's `parse` (quoted and multi-line values, `export `
// prefixes, comments, `=` inside values) rather than a hand-written parser: it is what the tools that
// produced these files read them with. Never returns a value to a caller that shows things to people:
// see `describeEntries`.
import { parse as parseDotenv } from "dotenv";
import { byteLength, SECRET_VALUE_MAX_BYTES, ZSecretName } from "@/lib/validation/secrets";

export const IMPORT_MAX_BYTES = 512 * 1024;
export const IMPORT_MAX_ENTRIES = 1000;

export type TImportFormat = "dotenv" | "json";
export type TParsedEntry = { name: string; value: string; problem: string | null };
export type TParsedFile = { format: TImportFormat; entries: TParsedEntry[]; error: string | null };

export function detectFormat(text: string, fileName?: string | null): TImportFormat {
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

// Lines dotenv skips silently because the key has a space in it ("MY KEY=value"): reported, not dropped.
const SPACED_KEY = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.-]*(?:[ \t]+[\w.-]+)+)[ \t]*=/gm;
// dotenv's own line pattern (dotenv 17, lib/main.js LINE): where each entry it parses starts and ends, so a
// line inside a multi-line quoted value is never mistaken for a spaced key (its text would reach the preview).
const DOTENV_LINE =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;

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

function parseEnv(text: string): TParsedFile {
  // dotenv expects LF; a pasted textarea or a Windows file may bring CRLF.
  const normalized = text.replace(/\r\n?/g, "\n");
  const parsed = parseDotenv(normalized);
  const entries: TParsedEntry[] = Object.entries(parsed).map(([name, value]) => ({ name, value, problem: judge(name, value) }));
  const spans = [...normalized.matchAll(DOTENV_LINE)].map((m) => [m.index, m.index + m[0].length] as const);
  for (const m of normalized.matchAll(SPACED_KEY)) {
    if (spans.some(([start, end]) => m.index > start && m.index < end)) continue;
    const name = m[1]!.trim().replace(/^export[ \t]+/, "");
    if (/[ \t]/.test(name) && !(name in parsed)) entries.push({ name, value: "", problem: "Invalid name: names cannot contain spaces." });
  }
  return { format: "dotenv", entries, error: null };
}

export function parseSecretsFile(text: string, fileName?: string | null): TParsedFile {
  const format = detectFormat(text, fileName);
  if (byteLength(text) > IMPORT_MAX_BYTES) return { format, entries: [], error: "The file is larger than 512 KiB." };
  if (text.trim().length === 0) return { format, entries: [], error: "The file is empty." };
  const result = format === "json" ? parseJson(text) : parseEnv(text);
  if (!result.error && result.entries.length === 0) return { ...result, error: "No NAME=value lines found." };
  if (result.entries.length > IMPORT_MAX_ENTRIES) return { ...result, entries: [], error: `At most ${IMPORT_MAX_ENTRIES} secrets per import.` };
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

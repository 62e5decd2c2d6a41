import "server-only";
// The one server logger (pino: structured JSON lines on stdout). Errors are logged by kind, code and
// location — never by message, because a message can carry data (drizzle's "Failed query … params",
// JSON.parse quoting its input, a driver echoing a value) — plus the ids a caller chose to log. Redaction
// paths for value-like keys are a second line of defence, not the plan: nothing should log such keys.
import path from "node:path";
import pino, { type Logger } from "pino";
import { env } from "@/lib/env";

// Errors of these classes carry messages we wrote (for users or operators), never data: AppError's
// user-facing text, DatabaseError's SQLSTATE summary, KeyringError / ConfigError naming a variable,
// KeyProviderUnavailableError naming a provider and an error code.
// Matched by `name`, which our classes set as a literal (class names do not survive minification).
const SAFE_MESSAGE_KINDS = new Set(["AppError", "DatabaseError", "KeyringError", "ConfigError", "KeyProviderUnavailableError"]);

const REDACTED_KEYS = [
  "password",
  "passwordHash",
  "value",
  "values",
  "token",
  "tokenHash",
  "secret",
  "ciphertext",
  "hash",
  "params",
  "parameters",
  "query",
  "detail",
  "email",
  "authorization",
  "cookie",
];

export type TErrorFields = { kind: string; code?: string; at?: string; message?: string };

const CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/** Frames of a stack without its message (which may span lines and hold parameters). */
export function stackFrames(err: Error): string {
  const stack = typeof err.stack === "string" ? err.stack : "";
  const at = stack.indexOf(err.message);
  const rest = at >= 0 ? stack.slice(at + err.message.length) : "";
  return rest
    .split("\n")
    .filter((l) => /^\s+at /.test(l))
    .join("\n");
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** A Postgres SQLSTATE anywhere along the cause chain, else the error's own short code (ECONNREFUSED…). */
function codeOf(err: Error): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === "object"; i++) {
    const code = (e as { sqlstate?: unknown }).sqlstate ?? (e as { code?: unknown }).code;
    if (typeof code === "string" && SQLSTATE.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  const own = (err as { code?: unknown }).code;
  return typeof own === "string" && CODE.test(own) ? own : undefined;
}

/** Where an error happened: the first frame outside node_modules and Node's internals, relative to cwd. */
function location(err: Error): string | undefined {
  const root = process.cwd() + path.sep;
  for (const line of stackFrames(err).split("\n")) {
    const frame = line.trim().replace(/^at /, "");
    if (!frame || frame.includes("node_modules") || frame.includes("node:") || !frame.includes(path.sep)) continue;
    return frame.split(root).join("").slice(0, 200);
  }
  return undefined;
}

/** The loggable description of anything thrown: kind, code, location; a message only from our own classes. */
export function errorFields(err: unknown): TErrorFields {
  if (!(err instanceof Error)) return { kind: err === null ? "null" : typeof err };
  const name = typeof err.name === "string" && CODE.test(err.name) ? err.name : "Error";
  // drizzle's DrizzleQueryError reads "Error"; db/errors.ts normally replaced it already.
  const kind = "params" in err && "query" in err && name === "Error" ? "DrizzleQueryError" : name;
  const code = codeOf(err);
  const out: TErrorFields = { kind };
  if (code) out.code = code;
  const at = location(err);
  if (at) out.at = at;
  if (SAFE_MESSAGE_KINDS.has(kind)) out.message = err.message.slice(0, 500);
  return out;
}

function level(): string {
  try {
    return env().LOG_LEVEL;
  } catch {
    return "info"; // an invalid environment is itself logged at start-up
  }
}

function createLogger(): Logger {
  return pino(
    {
      level: level(),
      base: undefined, // no pid/hostname on every line
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: errorFields, error: errorFields },
      redact: { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`)], censor: "[redacted]" },
    },
    // process.stdout (not pino's own fd writer) so a test can read what was logged.
    process.stdout,
  );
}

const globalForLog = globalThis as unknown as { __teamSecretsLog?: Logger };
const instance = () => (globalForLog.__teamSecretsLog ??= createLogger());

/**
 * The logger. Created on first use, not at import: reading the environment at import time would fix it
 * before a script or test has set it (env() parses once).
 */
export const log: Logger = new Proxy({} as Logger, {
  get(_target, prop) {
    const l = instance();
    const v = Reflect.get(l, prop, l) as unknown;
    return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(l) : v;
  },
});

type TLogIds = Record<string, string | number | boolean | null | undefined>;

/** An unexpected error: logged as kind, code and location under `where`, with ids the caller chose. */
export function logError(where: string, err: unknown, ids: TLogIds = {}): void {
  log.error({ where, ...ids, err }, "unexpected error");
}

/** An expected but notable failure (a refused start, a provider warning): same fields, at warn level. */
export function logWarning(where: string, err: unknown, ids: TLogIds = {}): void {
  log.warn({ where, ...ids, err }, "warning");
}

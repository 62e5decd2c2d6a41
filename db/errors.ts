import "server-only";
// Database errors, made safe to propagate. Drizzle wraps every failed statement in a DrizzleQueryError whose
// message is "Failed query: <sql> params: <every parameter>", and the drivers attach the parameters too
// (postgres.js `parameters`, PGlite `params`, the server's `detail` with the failing row). Whatever catches
// such an error — our action frame, a route handler, or Next's own page-error logging, which prints the
// whole object — would print ciphertexts, hashes, emails and session ids. So every statement's failure is
// replaced at the source by a DatabaseError that carries the SQLSTATE, the schema names involved and the
// server's message only for SQLSTATE classes whose messages never contain data.
import { DrizzleQueryError } from "drizzle-orm/errors";
import { PgPreparedQuery } from "drizzle-orm/pg-core";
import { stackFrames } from "@/lib/log";

// SQLSTATE classes whose server messages name schema objects or conditions, never a value:
// 08 connection, 23 integrity (the message names the constraint; the values are in `detail`, dropped),
// 25 transaction state, 40 rollback (serialization, deadlock), 42 undefined table/column/privilege,
// 53 resources, 55 object state, 57 operator intervention (timeouts, shutdown), P0 our own RAISE.
// Class 22 (data exceptions: "invalid input syntax for type uuid: "<value>"") and the rest are excluded.
const SAFE_MESSAGE_CLASSES = new Set(["08", "23", "25", "40", "42", "53", "55", "57", "P0"]);

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The Postgres SQLSTATE of an error, looked up through drizzle's and our wrapping, for both drivers. */
export function pgErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === "object"; i++) {
    const code = (e as { sqlstate?: unknown }).sqlstate ?? (e as { code?: unknown }).code;
    if (typeof code === "string" && SQLSTATE.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export const isUniqueViolation = (err: unknown) => pgErrorCode(err) === "23505";

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
function ident(v: unknown): string | undefined {
  return typeof v === "string" && IDENT.test(v) ? v : undefined;
}

/** A failed statement, without its parameters: what the DAL lets propagate. */
export class DatabaseError extends Error {
  override name = "DatabaseError";
  // `declare`: no own property at all when absent (Next prints every own property of a page error).
  // The SQLSTATE is `sqlstate`, not `code`: `code` is AppError's, which callers test for.
  declare readonly sqlstate?: string;
  declare readonly constraint?: string;
  declare readonly table?: string;
  declare readonly column?: string;

  constructor(fields: { code?: string; constraint?: string; table?: string; column?: string; serverMessage?: string; driverKind?: string }) {
    const { code, serverMessage, driverKind } = fields;
    super(
      code
        ? `Database error ${code}${serverMessage ? `: ${serverMessage}` : ""}`
        : `Database error (${driverKind ?? "driver"})`,
    );
    const self = this as { -readonly [K in "sqlstate" | "constraint" | "table" | "column"]?: string };
    if (code) self.sqlstate = code;
    if (fields.constraint) self.constraint = fields.constraint;
    if (fields.table) self.table = fields.table;
    if (fields.column) self.column = fields.column;
  }
}

/** Replaces a failed statement's error (drizzle's or a driver's) with a DatabaseError; others pass through. */
export function toDatabaseError(err: unknown): unknown {
  if (err instanceof DatabaseError || !(err instanceof Error)) return err;
  // By class, or by shape when a bundle holds a second copy of drizzle-orm.
  const isDrizzle = err instanceof DrizzleQueryError || ("params" in err && "query" in err && err.message.startsWith("Failed query:"));
  const driver = isDrizzle ? err.cause : err;
  const d = (driver && typeof driver === "object" ? driver : {}) as Record<string, unknown>;
  const code = typeof d.code === "string" && SQLSTATE.test(d.code) ? d.code : undefined;
  if (!isDrizzle && !code) return err; // not a database error
  const serverMessage =
    code && SAFE_MESSAGE_CLASSES.has(code.slice(0, 2)) && typeof d.message === "string"
      ? d.message.split("\n")[0]!.slice(0, 300)
      : undefined;
  const driverKind = driver instanceof Error ? driver.name : typeof driver;
  const safe = new DatabaseError({
    code,
    serverMessage,
    driverKind: code ? undefined : `${driverKind}${typeof d.code === "string" && /^[A-Z_]{2,40}$/.test(d.code) ? ` ${d.code}` : ""}`,
    constraint: ident(d.constraint_name ?? d.constraint),
    table: ident(d.table_name ?? d.table),
    column: ident(d.column_name ?? d.column),
  });
  // Keep where it happened, not what it carried.
  // (drizzle's frames and this wrapper's are noise: the caller's frames follow them).
  const frames = stackFrames(err)
    .split("\n")
    .filter((l) => !l.includes("queryWithCache"))
    .join("\n");
  safe.stack = `${safe.name}: ${safe.message}\n${frames}`;
  return safe;
}

// Every statement of both drivers (queries, transactions, migrations, db.execute) runs through
// PgPreparedQuery.queryWithCache, the one place drizzle builds its DrizzleQueryError.
type TQueryWithCache = (...args: unknown[]) => Promise<unknown>;
const proto = PgPreparedQuery.prototype as unknown as { queryWithCache: TQueryWithCache; __paramFree?: true };
if (typeof proto.queryWithCache !== "function") {
  throw new Error("drizzle-orm changed: PgPreparedQuery.queryWithCache is gone; db/errors.ts must wrap its new query path");
}
if (!proto.__paramFree) {
  const original = proto.queryWithCache;
  proto.queryWithCache = async function (this: unknown, ...args: unknown[]) {
    try {
      return await original.apply(this, args);
    } catch (err) {
      throw toDatabaseError(err);
    }
  };
  proto.__paramFree = true;
}

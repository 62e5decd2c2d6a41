import "server-only";
// Turns the outcome of a server action into a typed result. AppErrors carry messages written for users;
// anything else is unexpected: the client gets a generic message and the server log gets the error's kind
// and database code, never the failed query's parameters (they can hold ciphertext or hashes).
import { DrizzleQueryError } from "drizzle-orm/errors";
import { AppError, type ActionResult } from "@/lib/errors";
import { pgErrorCode } from "@/lib/dal/pg-errors";

export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  const code = pgErrorCode(err);
  const cause = err.cause instanceof Error ? err.cause : undefined;
  // Drizzle's own message embeds the query parameters; the driver's message (the cause) does not.
  // DrizzleQueryError does not set `name` (it reads "Error"), so recognise it by class.
  const isQueryError = err instanceof DrizzleQueryError || err.name === "DrizzleQueryError";
  const name = isQueryError ? "DrizzleQueryError" : err.name;
  const message = isQueryError ? (cause?.message ?? "query failed") : err.message;
  // Frames only: the stack starts with the message, which may hold parameters (even "   at /lib/" lines).
  const stack = err.stack ?? "";
  const at = stack.indexOf(err.message);
  const frames = at >= 0 ? stack.slice(at + err.message.length) : "";
  const frame = frames
    .split("\n")
    .find((l) => /^\s+at /.test(l) && (l.includes("/lib/") || l.includes("/app/")))
    ?.trim();
  return [name, code && `pg ${code}`, message, frame].filter(Boolean).join(" | ");
}

export function logUnexpected(where: string, err: unknown): void {
  console.error(`[${where}] unexpected error: ${describeError(err)}`);
}

export async function toActionResult<T>(where: string, fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    if (err instanceof AppError) {
      return { ok: false, code: err.code, message: err.message, fieldErrors: err.fieldErrors };
    }
    logUnexpected(where, err);
    return { ok: false, code: "unexpected", message: "Something went wrong. Nothing was changed; please try again." };
  }
}

export function validationFailure(fieldErrors: Record<string, string[] | undefined>): ActionResult<never> {
  const clean = Object.fromEntries(Object.entries(fieldErrors).filter((e): e is [string, string[]] => !!e[1]?.length));
  const first = Object.values(clean)[0]?.[0];
  return { ok: false, code: "validation", message: first ?? "Check the highlighted fields.", fieldErrors: clean };
}

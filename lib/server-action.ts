import "server-only";
// Turns the outcome of a server action into a typed result. AppErrors carry messages written for users;
// anything else is unexpected: the client gets a generic message and the server log (lib/log.ts) gets the
// error's kind, code and location, never its message or the failed query's parameters.
import { AppError, type ActionResult } from "@/lib/errors";
import { logError } from "@/lib/log";

/** The result of an action whose caller is not signed in (any more). */
export const UNAUTHENTICATED = { ok: false, code: "unauthenticated", message: "Your session has ended. Sign in again." } as const;

export async function toActionResult<T>(where: string, fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    if (err instanceof AppError) {
      return { ok: false, code: err.code, message: err.message, fieldErrors: err.fieldErrors, ...(err.current ? { current: err.current } : {}) };
    }
    logError(where, err);
    return { ok: false, code: "unexpected", message: "Something went wrong. Nothing was changed; please try again." };
  }
}

export function validationFailure(fieldErrors: Record<string, string[] | undefined>): ActionResult<never> {
  const clean = Object.fromEntries(Object.entries(fieldErrors).filter((e): e is [string, string[]] => !!e[1]?.length));
  const first = Object.values(clean)[0]?.[0];
  return { ok: false, code: "validation", message: first ?? "Check the highlighted fields.", fieldErrors: clean };
}

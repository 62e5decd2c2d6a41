import "server-only";
// The common frame of a cookie-authenticated JSON route handler (the TanStack Query list data, History, the
// audit export): answers are never cached, and a failure becomes its HTTP status through the one table in
// lib/errors.ts. AppErrors carry messages written for users; anything else is unexpected: logged by kind and
// code (lib/log.ts), answered generically.
import { NextResponse } from "next/server";
import { AppError, HTTP_STATUS } from "@/lib/errors";
import { logError } from "@/lib/log";

export const NO_STORE = { "Cache-Control": "no-store" } as const;

export const jsonResponse = (body: unknown, status = 200) => NextResponse.json(body, { status, headers: NO_STORE });

export const unauthenticatedResponse = () => jsonResponse({ error: "unauthenticated" }, HTTP_STATUS.unauthenticated);

/** The answer to a route's failure: `{ error: code, message }` with the code's status, or a generic 500. */
export function failureResponse(where: string, err: unknown) {
  if (err instanceof AppError) return jsonResponse({ error: err.code, message: err.message }, HTTP_STATUS[err.code]);
  logError(where, err);
  return jsonResponse({ error: "unexpected", message: "Something went wrong." }, HTTP_STATUS.unexpected);
}

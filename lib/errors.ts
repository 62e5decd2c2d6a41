// Typed failures that the DAL raises and server actions turn into results. Messages here are written for
// users; anything else thrown is unexpected and gets a generic message (details only in the server log).
export type TErrorCode =
  | "unauthenticated"
  | "not_found"
  | "forbidden"
  | "validation"
  | "conflict"
  | "stale"
  | "rate_limited";

/**
 * The HTTP status of each failure, for every route handler (Dub's error-codes table): a refusal keeps its
 * meaning over HTTP instead of each route guessing (before this table, anything but `forbidden` became 404).
 */
export const HTTP_STATUS: Record<TErrorCode | "unexpected", number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  stale: 409,
  validation: 422,
  rate_limited: 429,
  unexpected: 500,
};

/** What a stale write found instead of the version the user saw: metadata only, so the dialog can say who and when. */
export type TCurrentVersion = { version: number; updatedAt: string; updatedBy: string | null };

export class AppError extends Error {
  constructor(
    readonly code: TErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
    readonly current?: TCurrentVersion,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export type ActionResult<T = undefined> =
  | { ok: true; data: T }
  | { ok: false; code: TErrorCode | "unexpected"; message: string; fieldErrors?: Record<string, string[]>; current?: TCurrentVersion };

/** A setting is missing or malformed. The message names the variable, never its value (so it is logged). */
export class ConfigError extends Error {
  override name = "ConfigError";
}

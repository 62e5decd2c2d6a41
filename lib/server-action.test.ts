import { DrizzleQueryError } from "drizzle-orm/errors";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import { describeError, logUnexpected, toActionResult, validationFailure } from "./server-action";

// Parameters a failed query can carry: a ciphertext, a password hash, a path-like value.
const PARAMS = ["v1:kabc:SECRETCIPHERTEXT", "$argon2id$v=19$HASHVALUE", "/app/lib/looks-like-a-path/PARAMVALUE"];
const QUERY = 'insert into "secret_values" ("secret_id", "ciphertext") values ($1, $2)';

function driverError(): Error {
  // What postgres.js / PGlite raise: the message names the problem, not the parameters.
  return Object.assign(new Error('duplicate key value violates unique constraint "secrets_team_name_key"'), {
    code: "23505",
  });
}

describe("describeError", () => {
  it("never includes the parameters of a failed Drizzle query", () => {
    const err = new DrizzleQueryError(QUERY, PARAMS, driverError());
    // Drizzle's own message does hold them: that is what must not reach the log.
    expect(err.message).toContain("SECRETCIPHERTEXT");
    const out = describeError(err);
    for (const p of ["SECRETCIPHERTEXT", "HASHVALUE", "PARAMVALUE", "params:"]) expect(out).not.toContain(p);
    expect(out).toContain("pg 23505");
    expect(out).toContain("duplicate key value violates unique constraint");
  });

  it("never includes them for a Drizzle-like error without a driver cause", () => {
    const err = new DrizzleQueryError(QUERY, PARAMS, undefined as unknown as Error);
    const out = describeError(err);
    for (const p of ["SECRETCIPHERTEXT", "HASHVALUE", "PARAMVALUE"]) expect(out).not.toContain(p);
  });

  it("never takes a line of the message for the stack frame", () => {
    // A multi-line message whose second line looks like a path under /app/ or /lib/.
    const err = new DrizzleQueryError(`${QUERY}\n/app/x`, ["a\n    at /lib/evil PARAMVALUE"], driverError());
    expect(describeError(err)).not.toContain("PARAMVALUE");
  });

  it("describes ordinary errors and non-errors", () => {
    const plain = describeError(new TypeError("x is not a function"));
    expect(plain).toMatch(/^TypeError \| x is not a function \| at .*server-action\.test\.ts:\d+/);
    expect(describeError("a string that could be anything")).toBe("string");
    expect(describeError(undefined)).toBe("undefined");
  });
});

describe("toActionResult", () => {
  afterEach(() => vi.restoreAllMocks());

  it("passes AppErrors through with their code, message and field errors", async () => {
    const r = await toActionResult("t", async () => {
      throw new AppError("conflict", "Taken.", { name: ["Taken."] });
    });
    expect(r).toEqual({ ok: false, code: "conflict", message: "Taken.", fieldErrors: { name: ["Taken."] } });
  });

  it("hides unexpected errors from the caller and logs them without query parameters", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const r = await toActionResult("createSecret", async () => {
      throw new DrizzleQueryError(QUERY, PARAMS, driverError());
    });
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ code: "unexpected" });
    expect(JSON.stringify(r)).not.toContain("SECRETCIPHERTEXT");
    expect(JSON.stringify(r)).not.toContain("duplicate key");
    expect(log).toHaveBeenCalledTimes(1);
    const line = log.mock.calls.flat().join(" ");
    expect(line).toContain("[createSecret]");
    for (const p of ["SECRETCIPHERTEXT", "HASHVALUE", "PARAMVALUE"]) expect(line).not.toContain(p);
  });

  it("logUnexpected writes one line without the parameters", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    logUnexpected("where", new DrizzleQueryError(QUERY, PARAMS, driverError()));
    expect(log.mock.calls.flat().join(" ")).not.toContain("SECRETCIPHERTEXT");
  });
});

describe("validationFailure", () => {
  it("keeps only fields with messages and leads with the first", () => {
    expect(validationFailure({ name: ["Bad name."], value: undefined, visibility: [] })).toEqual({
      ok: false,
      code: "validation",
      message: "Bad name.",
      fieldErrors: { name: ["Bad name."] },
    });
  });
});

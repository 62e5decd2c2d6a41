import { inspect } from "node:util";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DatabaseError, toDatabaseError } from "@/db/errors";
import { AppError } from "@/lib/errors";
import { thrownBy } from "@/tests/support/thrown";
import { errorFields, log, logError } from "./log";

// Parameters a failed query can carry: a ciphertext, a password hash, a path-like value.
const PARAMS = ["v1:kabc:SECRETCIPHERTEXT", "$argon2id$v=19$HASHVALUE", "/app/lib/looks-like-a-path/PARAMVALUE"];
const NEEDLES = ["SECRETCIPHERTEXT", "HASHVALUE", "PARAMVALUE"];
const QUERY = 'insert into "secret_values" ("secret_id", "ciphertext") values ($1, $2)';

function driverError(code = "23505", message = 'duplicate key value violates unique constraint "secrets_team_name_key"'): Error {
  // What postgres.js / PGlite raise: the message names the problem; detail, parameters and query hold data.
  return Object.assign(new Error(message), {
    code,
    constraint_name: "secrets_team_name_key",
    table_name: "secrets",
    detail: "Key (team_id, name)=(x, PARAMVALUE) already exists.",
    parameters: PARAMS,
    query: QUERY,
  });
}

/** Every line the logger writes while `fn` runs. */
function captureLog(fn: () => void): string {
  const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  try {
    fn();
    return write.mock.calls.map((c) => String(c[0])).join("");
  } finally {
    write.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("errorFields", () => {
  it("never includes the parameters of a failed Drizzle query", () => {
    const err = new DrizzleQueryError(QUERY, PARAMS, driverError());
    // Drizzle's own message does hold them: that is what must not reach the log.
    expect(err.message).toContain("SECRETCIPHERTEXT");
    const out = JSON.stringify(errorFields(err));
    for (const p of [...NEEDLES, "params:"]) expect(out).not.toContain(p);
    expect(errorFields(err)).toMatchObject({ kind: "DrizzleQueryError", code: "23505" });
  });

  it("never takes a line of the message for the location", () => {
    // A multi-line message whose second line looks like a stack frame.
    const err = new DrizzleQueryError(`${QUERY}\n/app/x`, ["a\n    at /lib/evil PARAMVALUE"], driverError());
    expect(JSON.stringify(errorFields(err))).not.toContain("PARAMVALUE");
  });

  it("logs no message of an ordinary error (JSON.parse quotes its input), only kind, code and location", () => {
    const err = thrownBy(() => JSON.parse("PARAMVALUE-not-json"));
    expect(String(err)).toContain("PARAMVALUE");
    const fields = errorFields(err);
    expect(JSON.stringify(fields)).not.toContain("PARAMVALUE");
    expect(fields.kind).toBe("SyntaxError");
    expect(fields.at).toMatch(/lib\/log\.test\.ts:\d+/);
    expect(errorFields(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toMatchObject({ code: "ECONNREFUSED" });
    expect(errorFields("a string that could be anything")).toEqual({ kind: "string" });
    expect(errorFields(undefined)).toEqual({ kind: "undefined" });
  });

  it("keeps the message of our own classes, whose text we wrote", () => {
    expect(errorFields(new AppError("conflict", "Taken."))).toMatchObject({ kind: "AppError", message: "Taken." });
  });
});

describe("toDatabaseError", () => {
  it("drops parameters, query, detail and the driver object, keeping SQLSTATE, schema names and a safe message", () => {
    const safe = toDatabaseError(new DrizzleQueryError(QUERY, PARAMS, driverError()));
    expect(safe).toBeInstanceOf(DatabaseError);
    // What Next prints for a page error is the whole object, hidden properties included at worst.
    const printed = inspect(safe, { showHidden: true, depth: 10 });
    for (const p of [...NEEDLES, "insert into"]) expect(printed).not.toContain(p);
    expect(safe).toMatchObject({ sqlstate: "23505", constraint: "secrets_team_name_key", table: "secrets" });
    expect((safe as Error).message).toContain("duplicate key value violates unique constraint");
    expect((safe as Error).stack).toMatch(/^DatabaseError: Database error 23505/);
    expect((safe as Error).cause).toBeUndefined();
  });

  it("drops the server message of data exceptions, which quote the value", () => {
    const raw = driverError("22P02", 'invalid input syntax for type uuid: "PARAMVALUE"');
    const safe = toDatabaseError(new DrizzleQueryError(QUERY, PARAMS, raw)) as DatabaseError;
    expect(safe.message).toBe("Database error 22P02");
    expect(inspect(safe, { showHidden: true, depth: 10 })).not.toContain("PARAMVALUE");
  });

  it("sanitises a bare driver error (PGlite attaches query and params) and leaves other errors alone", () => {
    const raw = Object.assign(driverError("22021", "invalid byte sequence"), { params: PARAMS });
    expect(inspect(toDatabaseError(raw), { showHidden: true, depth: 10 })).not.toContain("PARAMVALUE");
    const other = new TypeError("x");
    expect(toDatabaseError(other)).toBe(other);
  });
});

describe("log", () => {
  it("writes one JSON line per call, errors by kind/code/location, never the parameters", () => {
    const out = captureLog(() => logError("createSecret", new DrizzleQueryError(QUERY, PARAMS, driverError()), { teamId: "t1" }));
    const lines = out.trim().split("\n");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: "error", where: "createSecret", teamId: "t1", err: { kind: "DrizzleQueryError", code: "23505" } });
    for (const p of NEEDLES) expect(out).not.toContain(p);
  });

  it("redacts value-like keys as a second line", () => {
    const out = captureLog(() =>
      log.info({ password: "PARAMVALUE", nested: { ciphertext: "SECRETCIPHERTEXT", token: "HASHVALUE" } }, "oops"),
    );
    for (const p of NEEDLES) expect(out).not.toContain(p);
    expect(out).toContain("[redacted]");
  });

  it("serialises an `err` key through errorFields", () => {
    const out = captureLog(() => log.error({ err: new DrizzleQueryError(QUERY, PARAMS, driverError()) }, "x"));
    for (const p of NEEDLES) expect(out).not.toContain(p);
    expect(JSON.parse(out).err).toMatchObject({ kind: "DrizzleQueryError" });
  });
});

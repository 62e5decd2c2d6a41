import { DrizzleQueryError } from "drizzle-orm/errors";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import { toActionResult, validationFailure } from "./server-action";

// Parameters a failed query can carry: a ciphertext, a password hash, a path-like value.
const PARAMS = ["v1:kabc:SECRETCIPHERTEXT", "$argon2id$v=19$HASHVALUE", "/app/lib/looks-like-a-path/PARAMVALUE"];
const QUERY = 'insert into "secret_values" ("secret_id", "ciphertext") values ($1, $2)';

function driverError(): Error {
  // What postgres.js / PGlite raise: the message names the problem, not the parameters.
  return Object.assign(new Error('duplicate key value violates unique constraint "secrets_team_name_key"'), {
    code: "23505",
  });
}

describe("toActionResult", () => {
  afterEach(() => vi.restoreAllMocks());

  it("passes AppErrors through with their code, message and field errors", async () => {
    const r = await toActionResult("t", async () => {
      throw new AppError("conflict", "Taken.", { name: ["Taken."] });
    });
    expect(r).toEqual({ ok: false, code: "conflict", message: "Taken.", fieldErrors: { name: ["Taken."] } });
  });

  it("hides unexpected errors from the caller and logs them without query parameters", async () => {
    const log = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const r = await toActionResult("createSecret", async () => {
      throw new DrizzleQueryError(QUERY, PARAMS, driverError());
    });
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ code: "unexpected" });
    expect(JSON.stringify(r)).not.toContain("SECRETCIPHERTEXT");
    expect(JSON.stringify(r)).not.toContain("duplicate key");
    expect(log).toHaveBeenCalledTimes(1);
    const line = log.mock.calls.flat().join(" ");
    expect(JSON.parse(line)).toMatchObject({ where: "createSecret", err: { kind: "DrizzleQueryError", code: "23505" } });
    for (const p of ["SECRETCIPHERTEXT", "HASHVALUE", "PARAMVALUE"]) expect(line).not.toContain(p);
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

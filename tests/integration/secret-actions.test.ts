// The Team secrets server actions, called as a browser (or a forger) would: with FormData, against the real
// DAL and database. Only what needs a Next request is replaced: who is signed in (currentUser; actorOf stays
// real), request headers, and revalidatePath.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { resolveSecretValues } from "@/lib/dal/secret-values";
import { createSecret } from "@/lib/dal/secrets";
import { form, runId, snapshot, type TTestUser } from "../support/fixtures";
import { outsiderCast, roleTeamCast } from "../support/cast";
import "../support/peer";
import { signedIn } from "../support/signed-in";

vi.mock("@/lib/session", async (importOriginal) => (await import("../support/signed-in")).sessionOf(await importOriginal()));
vi.mock("next/headers", async () =>
  (await import("../support/signed-in")).headersOf({ "user-agent": "vitest-actions", "x-team-secrets-peer": "198.51.100.4", "x-forwarded-for": "203.0.113.4" }),
);
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const { revalidatePath } = await import("next/cache");
const { createSecretAction, deleteSecretAction, rotateSecretAction } = await import(
  "@/app/teams/[team]/settings/secrets/actions"
);

const { owner, editor, team } = roleTeamCast("act");
const { outsider } = outsiderCast("act");
/** Who may not rotate or delete a Masked secret, and the code each is refused with. */
const refusedWriters = [
  [null, "unauthenticated"],
  [editor, "forbidden"],
  [outsider, "not_found"],
] as const;

afterAll(async () => {
  await closeDb();
});

beforeEach(() => {
  signedIn.user = null;
  vi.mocked(revalidatePath).mockClear();
});

const secretValue = () => `sk_live_${runId()}${runId()}`;
const as = (u: TTestUser | null) => {
  signedIn.user = u ? { id: u.id, name: u.name, email: u.email } : null;
};

async function seed(name = `ACT_${runId()}`) {
  const value = secretValue();
  const s = await createSecret({ actor: { id: owner.id, label: owner.email }, teamSlug: team.slug, name, value, visibility: "masked" });
  return { ...s, value };
}

/** Runs an action and checks it changed nothing in the team and never echoed the submitted value. */
async function expectRefused<T extends { ok: boolean }>(call: () => Promise<T>, submitted: string | null) {
  const before = await snapshot([team.id]);
  const result = await call();
  expect(result.ok).toBe(false);
  if (submitted) expect(JSON.stringify(result)).not.toContain(submitted);
  expect(await snapshot([team.id])).toEqual(before);
  expect(revalidatePath).not.toHaveBeenCalled();
  return result as T & { code: string; message: string; fieldErrors?: Record<string, string[]> };
}

describe("createSecretAction", () => {
  it("signed out: unauthenticated, nothing written", async () => {
    const value = secretValue();
    const r = await expectRefused(
      () => createSecretAction(team.slug, form({ name: `X_${runId()}`, value, visibility: "masked" })),
      value,
    );
    expect(r.code).toBe("unauthenticated");
  });

  it("editor: forbidden; member of another team: not_found; nothing written", async () => {
    for (const [user, code] of [
      [editor, "forbidden"],
      [outsider, "not_found"],
    ] as const) {
      as(user);
      const value = secretValue();
      const r = await expectRefused(
        () => createSecretAction(team.slug, form({ name: `X_${runId()}`, value, visibility: "restricted" })),
        value,
      );
      expect(r.code).toBe(code);
    }
  });

  it.each([
    ["a bad name", { name: "1BAD-NAME" }, "name"],
    ["an empty name", { name: "" }, "name"],
    ["an empty value", { value: "" }, "value"],
    ["a whitespace-only value", { value: " \n\t " }, "value"],
    ["a value one byte over 64 KiB", { value: "€".repeat(21845) + "xx" }, "value"],
    ["a bad visibility", { visibility: "public" }, "visibility"],
  ])("refuses %s as validation on that field", async (_label, override, field) => {
    as(owner);
    const value = "value" in override ? (override.value as string) : secretValue();
    const fields = { name: `V_${runId()}`, value, visibility: "masked", ...override } as Record<string, string>;
    const r = await expectRefused(() => createSecretAction(team.slug, form(fields)), value.trim() ? value : null);
    expect(r.code).toBe("validation");
    expect(Object.keys(r.fieldErrors ?? {})).toEqual([field]);
    expect(r.message).toBe(r.fieldErrors![field]![0]);
  });

  it.each([
    ["invalid JSON in a .json file", new File(['{"key": "sk_live_FILEVALUE",}'], "creds.json"), "The file is not valid JSON."],
    ["a whitespace-only file", new File(["  \n "], "blank.txt"), "The file is empty."],
    ["a file over 64 KiB", new File(["x".repeat(65536) + "sk_live_FILEVALUE"], "big.txt"), "The file is larger than 64 KiB."],
  ])("refuses an upload with %s", async (_label, file, message) => {
    as(owner);
    const r = await expectRefused(
      () => createSecretAction(team.slug, form({ name: `F_${runId()}`, value: "", visibility: "masked", file })),
      "sk_live_FILEVALUE",
    );
    expect(r.code).toBe("validation");
    // Issue 10 item 8: a file's problem is the file field's, not the untouched Secret box's.
    expect(r.fieldErrors).toEqual({ file: [message] });
  });

  it("reports every field's problem at once, a bad file together with a bad name", async () => {
    as(owner);
    const r = await expectRefused(
      () => createSecretAction(team.slug, form({ name: "1BAD", value: "", visibility: "masked", file: new File(["{,sk_live_FILEVALUE"], "c.json") })),
      "sk_live_FILEVALUE",
    );
    expect(r.fieldErrors).toEqual({ file: ["The file is not valid JSON."], name: ["A name cannot start with a digit."] });
  });

  it("refuses a 70-character name whole, never shortened (issue 10 item 3)", async () => {
    as(owner);
    const name = `N${"A".repeat(69)}`;
    // expectRefused: nothing in the team changed, so no 64-character prefix of it was created either.
    const r = await expectRefused(() => createSecretAction(team.slug, form({ name, value: secretValue(), visibility: "masked" })), null);
    expect(r.fieldErrors).toEqual({ name: ["Names are at most 64 characters."] });
  });

  it("refuses a duplicate name as a conflict on the name field", async () => {
    as(owner);
    const existing = await seed();
    const value = secretValue();
    const r = await expectRefused(
      () => createSecretAction(team.slug, form({ name: existing.name.toLowerCase(), value, visibility: "masked" })),
      value,
    );
    expect(r.code).toBe("conflict");
    expect(r.fieldErrors?.name?.length).toBe(1);
  });

  it("refuses an unknown team or a junk slug as not_found", async () => {
    as(owner);
    const value = secretValue();
    for (const slug of [`nope-${runId()}`, 42, "x".repeat(200), undefined]) {
      const r = await expectRefused(() => createSecretAction(slug, form({ name: `N_${runId()}`, value, visibility: "masked" })), value);
      expect(r.code).toBe("not_found");
    }
  });

  it("creates from the text field and returns only name and version", async () => {
    as(owner);
    const name = `OK_${runId()}`;
    const token = secretValue();
    const value = `  ${token}\nsecond line  `;
    const r = await createSecretAction(team.slug, form({ name: ` ${name} `, value, visibility: "restricted" }));
    expect(r).toEqual({ ok: true, data: { name, version: 1 } });
    expect(JSON.stringify(r)).not.toContain(token);
    expect(revalidatePath).toHaveBeenCalledWith(`/teams/${team.slug}/settings/secrets`);
    // The value is stored exactly as submitted (surrounding whitespace kept).
    expect((await resolveSecretValues(team.id, [name])).get(name)?.value).toBe(value);
    const db = await getDb();
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.targetName, name)));
    expect(event).toMatchObject({ action: "secret.created", actorId: owner.id, actorLabel: owner.email, ip: "198.51.100.4", userAgent: "vitest-actions" });
  });

  it("stores a pasted value with the LF line breaks the textarea showed (multipart sends CRLF)", async () => {
    as(owner);
    const name = `CRLF_${runId()}`;
    const token = secretValue();
    const r = await createSecretAction(team.slug, form({ name, value: `${token}\r\nline2\r\n`, visibility: "masked" }));
    expect(r).toEqual({ ok: true, data: { name, version: 1 } });
    expect((await resolveSecretValues(team.id, [name])).get(name)?.value).toBe(`${token}\nline2\n`);
  });

  it("creates from an uploaded JSON file, which wins over the text field", async () => {
    as(owner);
    const name = `FILE_${runId()}`;
    const token = secretValue();
    const json = JSON.stringify({ type: "service_account", private_key: token });
    const r = await createSecretAction(
      team.slug,
      form({ name, value: "typed text", visibility: "masked", file: new File([json], "creds.json", { type: "application/json" }) }),
    );
    expect(r).toEqual({ ok: true, data: { name, version: 1 } });
    expect(JSON.stringify(r)).not.toContain(token);
    expect((await resolveSecretValues(team.id, [name])).get(name)?.value).toBe(json);
  });
});

describe("rotateSecretAction", () => {
  it("signed out, editor and outsider are refused and nothing changes", async () => {
    const s = await seed();
    for (const [user, code] of refusedWriters) {
      as(user);
      const value = secretValue();
      const r = await expectRefused(
        () => rotateSecretAction(team.slug, form({ secretId: s.id, value, expectedVersion: "1" })),
        value,
      );
      expect(r.code).toBe(code);
    }
    expect((await resolveSecretValues(team.id, [s.name])).get(s.name)?.value).toBe(s.value);
  });

  it("refuses bad input as validation on the right field", async () => {
    as(owner);
    const s = await seed();
    const big = "y".repeat(65537);
    const cases: [Record<string, string | File>, string, string | null][] = [
      [{ secretId: s.id, value: "", expectedVersion: "1" }, "value", null],
      [{ secretId: s.id, value: big, expectedVersion: "1" }, "value", big],
      [{ secretId: "not-a-uuid", value: "sk_live_ROTVALUE", expectedVersion: "1" }, "secretId", "sk_live_ROTVALUE"],
      [{ secretId: s.id, value: "sk_live_ROTVALUE", expectedVersion: "zero" }, "expectedVersion", "sk_live_ROTVALUE"],
      [{ secretId: s.id, value: "", expectedVersion: "1", file: new File(["[1,"], "x.JSON") }, "file", null],
    ];
    for (const [fields, field, submitted] of cases) {
      const r = await expectRefused(() => rotateSecretAction(team.slug, form(fields)), submitted);
      expect(r.code).toBe("validation");
      expect(Object.keys(r.fieldErrors ?? {})).toEqual([field]);
    }
  });

  it("refuses a stale version, then rotates and returns only name and version", async () => {
    as(owner);
    const s = await seed();
    const stale = await expectRefused(
      () => rotateSecretAction(team.slug, form({ secretId: s.id, value: secretValue(), expectedVersion: "2" })),
      null,
    );
    expect(stale.code).toBe("stale");
    const value = secretValue();
    const r = await rotateSecretAction(team.slug, form({ secretId: s.id, value, expectedVersion: "1" }));
    expect(r).toEqual({ ok: true, data: { name: s.name, version: 2 } });
    expect(JSON.stringify(r)).not.toContain(value);
    expect(revalidatePath).toHaveBeenCalledWith(`/teams/${team.slug}/settings/secrets`);
    expect((await resolveSecretValues(team.id, [s.name])).get(s.name)?.value).toBe(value);
  });
});

describe("deleteSecretAction", () => {
  it("signed out, editor and outsider are refused and nothing changes", async () => {
    const s = await seed();
    for (const [user, code] of refusedWriters) {
      as(user);
      const r = await expectRefused(() => deleteSecretAction(team.slug, { secretId: s.id, expectedVersion: 1 }), null);
      expect(r.code).toBe(code);
    }
  });

  it("refuses junk input and a stale version, then deletes", async () => {
    as(owner);
    const s = await seed();
    const junk = await expectRefused(
      () => deleteSecretAction(team.slug, { secretId: "'; drop table secrets; --", expectedVersion: 1 }),
      null,
    );
    expect(junk.code).toBe("validation");
    expect(Object.keys(junk.fieldErrors ?? {})).toEqual(["secretId"]);
    const nullInput = await expectRefused(
      () => deleteSecretAction(team.slug, null as unknown as { secretId: unknown; expectedVersion: unknown }),
      null,
    );
    expect(nullInput.code).toBe("validation");
    const stale = await expectRefused(() => deleteSecretAction(team.slug, { secretId: s.id, expectedVersion: 2 }), null);
    expect(stale.code).toBe("stale");

    const r = await deleteSecretAction(team.slug, { secretId: s.id, expectedVersion: 1 });
    expect(r).toEqual({ ok: true, data: { name: s.name } });
    expect(revalidatePath).toHaveBeenCalledWith(`/teams/${team.slug}/settings/secrets`);
    expect((await resolveSecretValues(team.id, [s.name])).size).toBe(0);
  });
});

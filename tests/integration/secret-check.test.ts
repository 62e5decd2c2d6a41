// Check value (issue 12): a candidate is compared with the stored value by keyed fingerprint, and the answer
// is only "matches (version n)" or "does not match". Through the server action (FormData, as a browser sends
// it) and the DAL, against the real database: roles and visibility, the budgets per user and per secret, the
// audit event (result, never the candidate), refused input, a value that does not open, and the candidate
// appearing in no table, no result and no server-log line.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { auditEvents, secrets, secretValues } from "@/db/schema";
import { checkSecretValue } from "@/lib/dal/secret-check";
import { createSecret, rotateSecret } from "@/lib/dal/secrets";
import { AppError } from "@/lib/errors";
import { form, makeTeam, makeUser, runId, snapshot, tablesContaining, type TTestUser } from "../support/fixtures";
import { captureServerLog } from "../support/server-log";
import "../support/peer";
import { outsiderCast, roleTeamCast } from "../support/cast";
import { signedIn } from "../support/signed-in";

vi.mock("@/lib/session", async (importOriginal) => (await import("../support/signed-in")).sessionOf(await importOriginal()));
vi.mock("next/headers", async () => (await import("../support/signed-in")).headersOf({ "user-agent": "vitest-check", "x-team-secrets-peer": "198.51.100.12" }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const { checkSecretValueAction } = await import("@/app/teams/[team]/settings/secrets/actions");

const { owner, admin, editor, team } = roleTeamCast("chk");
const { outsider } = outsiderCast("chk");

afterAll(async () => {
  await closeDb();
});

beforeEach(() => {
  signedIn.user = null;
});

const as = (u: TTestUser | null) => {
  signedIn.user = u ? { id: u.id, name: u.name, email: u.email } : null;
};
const value = (p = "v") => `${p}_${runId()}${runId()}`;

async function seed(visibility: "masked" | "restricted" = "masked", v = value("stored")) {
  const s = await createSecret({ actor: owner.actor, teamSlug: team.slug, name: `CHK_${runId().toUpperCase()}`, value: v, visibility });
  return { ...s, value: v };
}

const check = (secretId: string, candidate: string) => checkSecretValueAction(team.slug, form({ secretId, candidate }));

async function checkEvents(secretId: string) {
  const db = await getDb();
  return db
    .select({ actorId: auditEvents.actorId, action: auditEvents.action, version: auditEvents.version, metadata: auditEvents.metadata, targetName: auditEvents.targetName, ip: auditEvents.ip })
    .from(auditEvents)
    .where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.targetId, secretId), eq(auditEvents.action, "secret.value_checked")))
    .orderBy(auditEvents.createdAt);
}

describe("checkSecretValueAction: the answer", () => {
  it("says the stored value matches, with its version, and a different one does not", async () => {
    const s = await seed();
    as(owner);
    expect(await check(s.id, s.value)).toEqual({ ok: true, data: { name: s.name, matches: true, version: 1 } });
    expect(await check(s.id, `${s.value} `)).toEqual({ ok: true, data: { name: s.name, matches: false, version: 1 } });
    expect(await check(s.id, s.value.slice(0, -1))).toMatchObject({ ok: true, data: { matches: false } });
  });

  it("after a rotation, the old value no longer matches and the new one matches version 2", async () => {
    const s = await seed();
    const next = value("rotated");
    await rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s.id, value: next, expectedVersion: 1 });
    as(admin);
    expect(await check(s.id, s.value)).toMatchObject({ ok: true, data: { matches: false, version: 2 } });
    expect(await check(s.id, next)).toMatchObject({ ok: true, data: { matches: true, version: 2 } });
  });

  it("compares line breaks as the textarea showed them (multipart CRLF is LF, as when the value was stored)", async () => {
    const s = await seed("masked", `-----BEGIN KEY-----\n${runId()}\n-----END KEY-----\n`);
    as(owner);
    expect(await check(s.id, s.value.replace(/\n/g, "\r\n"))).toMatchObject({ ok: true, data: { matches: true } });
  });
});

describe("checkSecretValueAction: who may check what", () => {
  it("Owners and Admins check Masked and Restricted secrets; Editors Masked ones only", async () => {
    const masked = await seed("masked");
    const restricted = await seed("restricted");
    for (const u of [owner, admin]) {
      as(u);
      expect(await check(masked.id, masked.value)).toMatchObject({ ok: true, data: { matches: true } });
      expect(await check(restricted.id, restricted.value)).toMatchObject({ ok: true, data: { matches: true } });
    }
    as(editor);
    expect(await check(masked.id, masked.value)).toMatchObject({ ok: true, data: { matches: true } });
    const before = await snapshot([team.id]);
    const refused = await check(restricted.id, restricted.value);
    expect(refused).toMatchObject({ ok: false, code: "forbidden" });
    expect(JSON.stringify(refused)).not.toContain(restricted.value);
    expect(await snapshot([team.id])).toEqual(before);
    expect((await checkEvents(restricted.id)).map((e) => e.actorId)).toEqual([owner.id, admin.id]);
  });

  it("a member of another team gets not_found, signed out gets unauthenticated; nothing is recorded", async () => {
    const s = await seed();
    const before = await snapshot([team.id]);
    as(outsider);
    expect(await check(s.id, s.value)).toMatchObject({ ok: false, code: "not_found" });
    as(null);
    expect(await check(s.id, s.value)).toMatchObject({ ok: false, code: "unauthenticated" });
    expect(await snapshot([team.id])).toEqual(before);
  });

  it("another team's secret id, used with this team's slug, is not found", async () => {
    const otherTeam = await makeTeam(outsider);
    const foreign = await createSecret({ actor: outsider.actor, teamSlug: otherTeam.slug, name: `CHK_${runId().toUpperCase()}`, value: "foreign-value-1", visibility: "masked" });
    as(owner);
    expect(await check(foreign.id, "foreign-value-1")).toMatchObject({ ok: false, code: "not_found" });
  });
});

describe("checkSecretValueAction: audit", () => {
  it("every check is an audit event with the result and version, and the candidate is stored nowhere", async () => {
    const s = await seed();
    const wrong = value("wrong candidate");
    as(editor);
    await check(s.id, s.value);
    await check(s.id, wrong);
    const events = await checkEvents(s.id);
    expect(events).toEqual([
      { actorId: editor.id, action: "secret.value_checked", version: 1, metadata: { result: "match" }, targetName: s.name, ip: "198.51.100.12" },
      { actorId: editor.id, action: "secret.value_checked", version: 1, metadata: { result: "no_match" }, targetName: s.name, ip: "198.51.100.12" },
    ]);
    expect(await tablesContaining(wrong)).toEqual([]);
  });

  it("the candidate is in no result and no server-log line, also when the check fails unexpectedly", async () => {
    const s = await seed();
    const candidate = value("logged candidate");
    const log = captureServerLog();
    try {
      as(owner);
      const results = [await check(s.id, candidate), await check(s.id, s.value)];
      // A failure inside the transaction (the audit insert refused): a generic message, an error log line.
      const db = await getDb();
      const spy = vi.spyOn(db, "transaction").mockRejectedValueOnce(Object.assign(new Error(`boom ${candidate}`), { code: "XX000" }));
      results.push(await check(s.id, candidate));
      spy.mockRestore();
      expect(results[2]).toMatchObject({ ok: false, code: "unexpected" });
      for (const r of results) expect(JSON.stringify(r)).not.toContain(candidate);
      expect(log.text()).toContain("checkSecretValue");
      expect(log.text()).not.toContain(candidate);
      expect(log.text()).not.toContain(s.value);
    } finally {
      log.restore();
    }
  });
});

describe("checkSecretValueAction: refused input", () => {
  it("an empty or oversized candidate and an unknown id are refused with a field message, nothing recorded", async () => {
    const s = await seed();
    as(owner);
    const before = await snapshot([team.id]);
    const empty = await check(s.id, "");
    expect(empty).toMatchObject({ ok: false, code: "validation", fieldErrors: { candidate: ["Enter a candidate value."] } });
    const huge = "x".repeat(64 * 1024 + 1);
    const big = await check(s.id, huge);
    expect(big).toMatchObject({ ok: false, code: "validation", fieldErrors: { candidate: [expect.stringMatching(/larger than 64 KiB/)] } });
    expect(JSON.stringify(big)).not.toContain("xxxxxxxx");
    const badId = await checkSecretValueAction(team.slug, form({ secretId: "not-a-uuid", candidate: s.value }));
    expect(badId).toMatchObject({ ok: false, code: "validation", fieldErrors: { secretId: ["Unknown secret."] } });
    expect(JSON.stringify(badId)).not.toContain(s.value);
    expect(await checkEvents(s.id)).toEqual([]);
    expect(await snapshot([team.id])).toEqual(before);
  });

  it("a missing candidate field and a non-FormData call are refused", async () => {
    const s = await seed();
    as(owner);
    expect(await checkSecretValueAction(team.slug, form({ secretId: s.id }))).toMatchObject({ ok: false, code: "validation", fieldErrors: { candidate: ["Enter a candidate value."] } });
    expect(await checkSecretValueAction(team.slug, { secretId: s.id, candidate: s.value } as unknown as FormData)).toMatchObject({ ok: false, code: "validation" });
    expect(await checkEvents(s.id)).toEqual([]);
  });

  it("a deleted secret is not found", async () => {
    as(owner);
    expect(await check(crypto.randomUUID(), "whatever-value")).toMatchObject({ ok: false, code: "not_found" });
  });
});

describe("checkSecretValueAction: a stored value that does not open", () => {
  it("is named, the secret is flagged, and the audit event says so (no match is claimed)", async () => {
    const s = await seed();
    const db = await getDb();
    const [row] = await db.select({ ciphertext: secretValues.ciphertext }).from(secretValues).where(eq(secretValues.secretId, s.id));
    // The first character of the last segment: all six of its bits count (a last character's may not).
    const c = row!.ciphertext;
    const at = c.lastIndexOf(":") + 1;
    const tampered = c.slice(0, at) + (c[at] === "A" ? "B" : "A") + c.slice(at + 1);
    await db.update(secretValues).set({ ciphertext: tampered }).where(eq(secretValues.secretId, s.id));
    as(owner);
    const log = captureServerLog();
    let r;
    try {
      r = await check(s.id, s.value);
    } finally {
      log.restore();
    }
    expect(r).toMatchObject({ ok: false, code: "conflict", message: expect.stringContaining(`${s.name} does not open`) });
    const [flag] = await db.select({ at: secrets.decryptFailedAt }).from(secrets).where(eq(secrets.id, s.id));
    expect(flag!.at).toBeInstanceOf(Date);
    expect((await checkEvents(s.id)).map((e) => e.metadata)).toEqual([{ result: "undecryptable" }]);
    expect(log.text()).toContain(`cannot decrypt ${s.name}`);
  });
});

describe("rate limits (10 a minute per user, and per secret)", () => {
  const tooMany = /^Too many checks, try again in ([1-9]|[1-5][0-9]|60) s$/;

  it("per user: the 11th check within a minute is refused, on any secret, and not recorded", async () => {
    const u = await makeUser("chk-rl-user");
    const t = await makeTeam(u);
    const mk = async () =>
      createSecret({ actor: u.actor, teamSlug: t.slug, name: `RL_${runId().toUpperCase()}`, value: value("rl"), visibility: "masked" });
    const [a, b] = [await mk(), await mk()];
    for (let i = 0; i < 10; i++) {
      await expect(checkSecretValue({ actor: u.actor, teamSlug: t.slug, secretId: i % 2 ? a.id : b.id, candidate: `guess-${i}` })).resolves.toMatchObject({ matches: false });
    }
    const refused = await checkSecretValue({ actor: u.actor, teamSlug: t.slug, secretId: a.id, candidate: "guess-11" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("rate_limited");
    expect((refused as AppError).message).toMatch(tooMany);
    // Refused: nothing compared, nothing audited.
    const db = await getDb();
    const events = await db.select({ id: auditEvents.id }).from(auditEvents).where(and(eq(auditEvents.teamId, t.id), eq(auditEvents.action, "secret.value_checked")));
    expect(events).toHaveLength(10);
  });

  it("per secret: ten users' checks use up the secret's budget; an eleventh user is refused there but not elsewhere", async () => {
    const s = await seed();
    const other = await seed();
    const people: TTestUser[] = [];
    for (let i = 0; i < 11; i++) people.push(await makeUser(`chk-rl-s${i}`));
    const db = await getDb();
    await db.insert((await import("@/db/schema")).memberships).values(people.map((p) => ({ teamId: team.id, userId: p.id, role: "admin" as const })));
    for (const p of people.slice(0, 10)) {
      await expect(checkSecretValue({ actor: p.actor, teamSlug: team.slug, secretId: s.id, candidate: "nope" })).resolves.toMatchObject({ matches: false });
    }
    const last = people[10]!;
    await expect(checkSecretValue({ actor: last.actor, teamSlug: team.slug, secretId: s.id, candidate: s.value })).rejects.toMatchObject({ code: "rate_limited", message: expect.stringMatching(tooMany) });
    await expect(checkSecretValue({ actor: last.actor, teamSlug: team.slug, secretId: other.id, candidate: other.value })).resolves.toMatchObject({ matches: true });
  });

  it("a user over their budget does not spend the secret's budget for others", async () => {
    const u = await makeUser("chk-rl-greedy");
    const v = await makeUser("chk-rl-other");
    const t = await makeTeam(u, [{ user: v, role: "admin" }]);
    const mk = async () => createSecret({ actor: u.actor, teamSlug: t.slug, name: `RL_${runId().toUpperCase()}`, value: value("rl"), visibility: "masked" });
    const spend = await mk();
    const target = await mk();
    for (let i = 0; i < 10; i++) await checkSecretValue({ actor: u.actor, teamSlug: t.slug, secretId: spend.id, candidate: `g${i}` });
    // u is over its own budget: twenty refused attempts at `target` must not count against `target`.
    for (let i = 0; i < 20; i++) {
      await expect(checkSecretValue({ actor: u.actor, teamSlug: t.slug, secretId: target.id, candidate: `g${i}` })).rejects.toMatchObject({ code: "rate_limited" });
    }
    for (let i = 0; i < 10; i++) {
      await expect(checkSecretValue({ actor: v.actor, teamSlug: t.slug, secretId: target.id, candidate: `h${i}` })).resolves.toMatchObject({ matches: false });
    }
  });

  it("a burst of concurrent checks by one user admits exactly ten", async () => {
    const u = await makeUser("chk-rl-burst");
    const t = await makeTeam(u);
    const s = await createSecret({ actor: u.actor, teamSlug: t.slug, name: `RL_${runId().toUpperCase()}`, value: value("rl"), visibility: "masked" });
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) => checkSecretValue({ actor: u.actor, teamSlug: t.slug, secretId: s.id, candidate: `b${i}` })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "rate_limited" });
  });

  it("the action shows the refusal as a message", async () => {
    const u = await makeUser("chk-rl-action");
    const t = await makeTeam(u);
    const s = await createSecret({ actor: u.actor, teamSlug: t.slug, name: `RL_${runId().toUpperCase()}`, value: value("rl"), visibility: "masked" });
    as(u);
    for (let i = 0; i < 10; i++) await checkSecretValueAction(t.slug, form({ secretId: s.id, candidate: `a${i}` }));
    const r = await checkSecretValueAction(t.slug, form({ secretId: s.id, candidate: "a-last" }));
    expect(r).toMatchObject({ ok: false, code: "rate_limited", message: expect.stringMatching(tooMany) });
    expect(JSON.stringify(r)).not.toContain("a-last");
  });
});

// The secrets service against a real database (PGlite, and Postgres when DATABASE_URL is set): the DAL
// in lib/dal/secrets.ts with real users, teams, encryption and audit rows. Nothing here is mocked.
import { and, eq, sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { auditEvents, secrets, secretValues, type TRole } from "@/db/schema";
import { ROLE_PERMISSIONS } from "@/lib/authz";
import { createSecret, deleteSecret, listSecrets, rotateSecret } from "@/lib/dal/secrets";
import { resolveSecretValues, UndecryptableError } from "@/lib/dal/secret-values";
import { AppError } from "@/lib/errors";
import { ZListSecretsQuery } from "@/lib/validation/secrets";
import {
  errorOf,
  makeTeam,
  makeUser,
  runId,
  snapshot,
  tablesContaining,
  type TTestTeam,
  type TTestUser,
} from "../support/fixtures";
import { withOwnerDb } from "../support/owner-db";

const q = (input: Record<string, unknown> = {}) => ZListSecretsQuery.parse(input);
// Multi-line and non-ASCII, to exercise encoding; leak checks search for `trace(value)`, its first line,
// because JSON and jsonb escape the newline and would hide a stored copy of the whole string.
const value = (label: string) => `value-${label}-${runId()}-\u00e9\n\u{1F511}`;
const trace = (v: string) => v.split("\n")[0]!;
const DTO_KEYS = ["createdAt", "fingerprint", "id", "name", "updatedAt", "updatedBy", "version", "visibility"];
const HEX16 = /^[0-9a-f]{16}$/;

let creator: TTestUser; // owner of team A, used for setup
let teamA: TTestTeam;
let teamB: TTestTeam;
let ownerB: TTestUser;
let adminB: TTestUser;
let outsider: TTestUser; // member of no team under test
const byRole = {} as Record<TRole, TTestUser>;

beforeAll(async () => {
  creator = await makeUser("creator");
  for (const role of Object.keys(ROLE_PERMISSIONS) as TRole[]) byRole[role] = await makeUser(role);
  ownerB = await makeUser("owner-b");
  adminB = await makeUser("admin-b");
  outsider = await makeUser("outsider");
  teamA = await makeTeam(
    creator,
    (Object.keys(byRole) as TRole[]).map((role) => ({ user: byRole[role], role })),
  );
  teamB = await makeTeam(ownerB, [{ user: adminB, role: "admin" }]);
  await makeTeam(outsider); // the outsider has a team of their own, just not A
});

afterAll(async () => {
  await closeDb();
});

async function seedSecret(name: string, visibility: "masked" | "restricted" = "masked", team = teamA, by = creator) {
  const v = value(name);
  const s = await createSecret({ actor: by.actor, teamSlug: team.slug, name, value: v, visibility });
  return { ...s, value: v };
}

async function listOne(user: TTestUser, team: TTestTeam, name: string) {
  const list = await listSecrets(user.actor, team.slug, q({ q: name }));
  return list.items.find((i) => i.name === name);
}

describe("create, list, rotate, delete", () => {
  it("round-trips and never returns a value or ciphertext", async () => {
    const name = `RT_${runId()}`;
    const v1 = value("v1");
    const created = await createSecret({ actor: creator.actor, teamSlug: teamA.slug, name, value: v1, visibility: "masked" });
    expect(created).toEqual({ id: expect.any(String), name, version: 1 });

    const list1 = await listSecrets(creator.actor, teamA.slug, q({ q: name }));
    expect(list1.total).toBe(1);
    expect(list1).toMatchObject({ role: "owner", canWrite: true, page: 1, pageSize: 25 });
    const item1 = list1.items[0]!;
    expect(Object.keys(item1)).toEqual(expect.arrayContaining(DTO_KEYS));
    expect(Object.keys(item1).filter((k) => /value|cipher|secret|key/i.test(k))).toEqual([]);
    expect(item1).toMatchObject({ id: created.id, name, visibility: "masked", version: 1 });
    expect(item1.updatedBy).toEqual({ name: creator.name, email: creator.email });
    expect(item1.fingerprint).toMatch(HEX16);
    const json1 = JSON.stringify(list1);
    expect(json1).not.toContain(trace(v1));
    expect(json1).not.toContain("v2:");

    const v2 = value("v2");
    const rotated = await rotateSecret({
      actor: byRole.admin.actor,
      teamSlug: teamA.slug,
      secretId: created.id,
      value: v2,
      expectedVersion: 1,
    });
    expect(rotated).toEqual({ id: created.id, name, version: 2 });
    expect(JSON.stringify(rotated)).not.toContain(trace(v2));

    const list2 = await listSecrets(creator.actor, teamA.slug, q({ q: name }));
    const item2 = list2.items[0]!;
    expect(item2.version).toBe(2);
    expect(item2.fingerprint).toMatch(HEX16);
    expect(item2.fingerprint).not.toBe(item1.fingerprint);
    expect(item2.updatedBy?.email).toBe(byRole.admin.email);
    const json2 = JSON.stringify(list2);
    expect(json2).not.toContain(trace(v1));
    expect(json2).not.toContain(trace(v2));
    expect(json2).not.toContain("v2:");
    expect((await resolveSecretValues(teamA.id, [name])).get(name)?.value).toBe(v2);

    expect(await deleteSecret({ actor: creator.actor, teamSlug: teamA.slug, secretId: created.id, expectedVersion: 2 })).toEqual({
      name,
    });
    expect((await listSecrets(creator.actor, teamA.slug, q({ q: name }))).total).toBe(0);
    expect((await resolveSecretValues(teamA.id, [name])).size).toBe(0);
    const db = await getDb();
    expect(await db.select().from(secretValues).where(eq(secretValues.secretId, created.id))).toEqual([]);
    expect(await tablesContaining(created.id)).toEqual(["audit_events"]); // only the audit trail remembers it
  });

  it("gives equal values in one team the same fingerprint, and a different one in another team", async () => {
    const v = value("same");
    const a1 = `FP1_${runId()}`;
    const a2 = `FP2_${runId()}`;
    for (const name of [a1, a2]) {
      await createSecret({ actor: creator.actor, teamSlug: teamA.slug, name, value: v, visibility: "masked" });
    }
    await createSecret({ actor: ownerB.actor, teamSlug: teamB.slug, name: a1, value: v, visibility: "masked" });
    const fpA1 = (await listOne(creator, teamA, a1))!.fingerprint;
    expect(fpA1).toMatch(HEX16);
    expect((await listOne(creator, teamA, a2))!.fingerprint).toBe(fpA1);
    expect((await listOne(ownerB, teamB, a1))!.fingerprint).not.toBe(fpA1);
  });
});

describe("authorization (from ROLE_PERMISSIONS)", () => {
  type TCase = { who: string; user: () => TTestUser; expected: "allowed" | "forbidden" | "not_found" };
  const cases: TCase[] = [
    ...(Object.keys(ROLE_PERMISSIONS) as TRole[]).map(
      (role): TCase => ({
        who: role,
        user: () => byRole[role],
        expected: ROLE_PERMISSIONS[role].includes("secrets.write") ? "allowed" : "forbidden",
      }),
    ),
    { who: "member of another team", user: () => outsider, expected: "not_found" },
  ];

  it("the table covers the three roles and gives exactly owner and admin secrets.write", () => {
    expect(cases.map((c) => [c.who, c.expected])).toEqual([
      ["owner", "allowed"],
      ["admin", "allowed"],
      ["editor", "forbidden"],
      ["member of another team", "not_found"],
    ]);
  });

  it.each(cases)("$who: create, rotate and delete are $expected", async ({ user, expected }) => {
    const actor = user().actor;
    const target = await seedSecret(`AZ_${runId()}`);
    const target2 = await seedSecret(`AZ_${runId()}`);
    const name = `AZNEW_${runId()}`;
    const newValue = value("new");
    const calls = {
      create: () => createSecret({ actor, teamSlug: teamA.slug, name, value: newValue, visibility: "restricted" }),
      rotate: () => rotateSecret({ actor, teamSlug: teamA.slug, secretId: target.id, value: newValue, expectedVersion: 1 }),
      delete: () => deleteSecret({ actor, teamSlug: teamA.slug, secretId: target2.id, expectedVersion: 1 }),
    };
    for (const [op, call] of Object.entries(calls)) {
      const before = await snapshot([teamA.id, teamB.id]);
      if (expected === "allowed") {
        const result = await call();
        expect(JSON.stringify(result), op).not.toContain(trace(newValue));
        const after = await snapshot([teamA.id, teamB.id]);
        expect(after.counts.auditEvents, op).toBe(before.counts.auditEvents + 1);
      } else {
        const err = await errorOf(call());
        expect(err, op).toBeInstanceOf(AppError);
        expect(err.code, op).toBe(expected);
        expect(err.message, op).not.toContain(trace(newValue));
        expect(await snapshot([teamA.id, teamB.id]), op).toEqual(before);
      }
    }
    const list = listSecrets(actor, teamA.slug, q());
    if (expected === "not_found") {
      const err = await errorOf(list);
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe("not_found");
    } else {
      expect((await list).canWrite).toBe(expected === "allowed");
    }
    const created = await listOne(creator, teamA, name);
    const rotated = await listOne(creator, teamA, target.name);
    const deleted = await listOne(creator, teamA, target2.name);
    expect(created === undefined).toBe(expected !== "allowed");
    expect(rotated?.version).toBe(expected === "allowed" ? 2 : 1);
    expect(deleted === undefined).toBe(expected === "allowed");
  });

  it("an unknown team and a real team the user is not in give the same not_found", async () => {
    const unknown = await errorOf(listSecrets(outsider.actor, `no-such-team-${runId()}`, q()));
    const real = await errorOf(listSecrets(outsider.actor, teamA.slug, q()));
    expect([unknown.code, unknown.message]).toEqual([real.code, real.message]);
    expect(real.code).toBe("not_found");
  });
});

describe("team scoping", () => {
  it("an admin of team B cannot touch team A's secret through team B's slug", async () => {
    const target = await seedSecret(`SCOPE_${runId()}`);
    const before = await snapshot([teamA.id, teamB.id]);
    const newValue = value("scoped");
    const rotate = await errorOf(
      rotateSecret({ actor: adminB.actor, teamSlug: teamB.slug, secretId: target.id, value: newValue, expectedVersion: 1 }),
    );
    const del = await errorOf(deleteSecret({ actor: adminB.actor, teamSlug: teamB.slug, secretId: target.id, expectedVersion: 1 }));
    for (const err of [rotate, del]) {
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe("stale");
      expect(err.message).not.toContain(target.name);
    }
    expect(await snapshot([teamA.id, teamB.id])).toEqual(before);
    // Team B's list does not show it, and team A's slug is not found for them.
    expect((await listSecrets(adminB.actor, teamB.slug, q({ q: target.name }))).total).toBe(0);
    expect((await errorOf(listSecrets(adminB.actor, teamA.slug, q()))).code).toBe("not_found");
    expect((await resolveSecretValues(teamB.id, [target.name])).size).toBe(0);
  });
});

describe("visibility", () => {
  it("editors see the fingerprint of masked secrets only; owners and admins see both", async () => {
    const tag = runId();
    const masked = await seedSecret(`VIS_M_${tag}`, "masked");
    const restricted = await seedSecret(`VIS_R_${tag}`, "restricted");
    for (const role of Object.keys(ROLE_PERMISSIONS) as TRole[]) {
      const list = await listSecrets(byRole[role].actor, teamA.slug, q({ q: `_${tag}` }));
      expect(list.total).toBe(2);
      const m = list.items.find((i) => i.id === masked.id)!;
      const r = list.items.find((i) => i.id === restricted.id)!;
      expect(r.visibility).toBe("restricted");
      expect(m.fingerprint, role).toMatch(HEX16);
      if (ROLE_PERMISSIONS[role].includes("secrets.write")) expect(r.fingerprint, role).toMatch(HEX16);
      else expect(r.fingerprint, role).toBeNull();
      expect(JSON.stringify(list)).not.toContain(trace(restricted.value));
    }
    // An editor's JSON holds no trace of the restricted fingerprint.
    const owners = await listOne(creator, teamA, restricted.name);
    const editors = await listSecrets(byRole.editor.actor, teamA.slug, q({ q: `_${tag}` }));
    expect(JSON.stringify(editors)).not.toContain(owners!.fingerprint!);
  });

  it("filters by visibility (the webhook secret picker offers Editors Masked secrets only); an unknown filter is ignored", async () => {
    const tag = runId();
    const masked = await seedSecret(`VF_M_${tag}`, "masked");
    const restricted = await seedSecret(`VF_R_${tag}`, "restricted");
    const ids = async (query: Record<string, unknown>) =>
      (await listSecrets(byRole.editor.actor, teamA.slug, q({ q: `_${tag}`, ...query }))).items.map((i) => i.id).sort();
    expect(await ids({ visibility: "masked" })).toEqual([masked.id]);
    expect(await ids({ visibility: "restricted" })).toEqual([restricted.id]);
    expect(await ids({ visibility: "secret" })).toEqual([masked.id, restricted.id].sort());
    expect(await ids({})).toEqual([masked.id, restricted.id].sort());
  });
});

describe("conflicts and stale writes", () => {
  it("refuses a duplicate name ignoring case and writes nothing", async () => {
    const name = `Dup_${runId()}`;
    await seedSecret(name);
    for (const dup of [name, name.toUpperCase(), name.toLowerCase()]) {
      const before = await snapshot([teamA.id]);
      const v = value("dup");
      const err = await errorOf(createSecret({ actor: creator.actor, teamSlug: teamA.slug, name: dup, value: v, visibility: "masked" }));
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe("conflict");
      expect(err.fieldErrors?.name?.length).toBeGreaterThan(0);
      expect(JSON.stringify({ m: err.message, f: err.fieldErrors })).not.toContain(trace(v));
      expect(await snapshot([teamA.id])).toEqual(before);
    }
    // The same name in another team is fine.
    await createSecret({ actor: ownerB.actor, teamSlug: teamB.slug, name, value: value("b"), visibility: "masked" });
  });

  it("refuses a rotate or delete with a wrong expectedVersion and changes nothing", async () => {
    const s = await seedSecret(`STALE_${runId()}`);
    await rotateSecret({ actor: creator.actor, teamSlug: teamA.slug, secretId: s.id, value: value("2"), expectedVersion: 1 });
    const before = await snapshot([teamA.id]);
    for (const expectedVersion of [1, 3]) {
      const rot = await errorOf(
        rotateSecret({ actor: creator.actor, teamSlug: teamA.slug, secretId: s.id, value: value("x"), expectedVersion }),
      );
      const del = await errorOf(deleteSecret({ actor: creator.actor, teamSlug: teamA.slug, secretId: s.id, expectedVersion }));
      for (const err of [rot, del]) {
        expect(err).toBeInstanceOf(AppError);
        expect(err.code).toBe("stale");
      }
    }
    expect(await snapshot([teamA.id])).toEqual(before);
  });

  it("refuses a rotate or delete of a deleted secret as stale", async () => {
    const s = await seedSecret(`GONE_${runId()}`);
    await deleteSecret({ actor: creator.actor, teamSlug: teamA.slug, secretId: s.id, expectedVersion: 1 });
    const before = await snapshot([teamA.id]);
    const rot = await errorOf(
      rotateSecret({ actor: creator.actor, teamSlug: teamA.slug, secretId: s.id, value: value("late"), expectedVersion: 1 }),
    );
    const del = await errorOf(deleteSecret({ actor: creator.actor, teamSlug: teamA.slug, secretId: s.id, expectedVersion: 1 }));
    for (const err of [rot, del]) {
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe("stale");
    }
    expect(await snapshot([teamA.id])).toEqual(before);
    // A name freed by deletion can be used again.
    await createSecret({ actor: creator.actor, teamSlug: teamA.slug, name: s.name, value: value("again"), visibility: "masked" });
  });
});

describe("ciphertext", () => {
  it("rotation destroys the previous ciphertext", async () => {
    const s = await seedSecret(`DESTROY_${runId()}`);
    const db = await getDb();
    const [old] = await db.select().from(secretValues).where(eq(secretValues.secretId, s.id));
    expect(old!.version).toBe(1);
    expect(old!.ciphertext.startsWith("v2:")).toBe(true);
    expect(old!.ciphertext).not.toContain(s.value);
    expect(await tablesContaining(old!.ciphertext)).toEqual(["secret_values"]);
    // Plaintext is stored nowhere.
    expect(await tablesContaining(trace(s.value))).toEqual([]);

    const v2 = value("v2");
    await rotateSecret({ actor: creator.actor, teamSlug: teamA.slug, secretId: s.id, value: v2, expectedVersion: 1 });
    const rows = await db.select().from(secretValues).where(eq(secretValues.secretId, s.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.version).toBe(2);
    expect(rows[0]!.ciphertext).not.toBe(old!.ciphertext);
    expect(await tablesContaining(old!.ciphertext)).toEqual([]);
    // The old ciphertext's sealed part (nonce and body) is gone too, not just the whole string.
    expect(await tablesContaining(old!.ciphertext.split(":")[4]!)).toEqual([]);
    expect(await tablesContaining(trace(v2))).toEqual([]);
    const resolved = (await resolveSecretValues(teamA.id, [s.name])).get(s.name);
    expect(resolved).toEqual({ id: s.id, name: s.name, version: 2, value: v2 });
  });

  it("a ciphertext copied onto another secret, team or version fails to open", async () => {
    const db = await getDb();
    const source = await seedSecret(`SRC_${runId()}`);
    const [src] = await db.select().from(secretValues).where(eq(secretValues.secretId, source.id));
    const ciphertext = src!.ciphertext;

    // Another secret of the same team, same version.
    const victim = await seedSecret(`DST_${runId()}`);
    await db.update(secretValues).set({ ciphertext }).where(eq(secretValues.secretId, victim.id));
    // A secret of another team.
    const foreign = await seedSecret(`DST_${runId()}`, "masked", teamB, ownerB);
    await db.update(secretValues).set({ ciphertext }).where(eq(secretValues.secretId, foreign.id));

    for (const [teamId, name] of [
      [teamA.id, victim.name],
      [teamB.id, foreign.name],
    ] as const) {
      const err = await errorOf(resolveSecretValues(teamId, [name]));
      expect(err).toBeInstanceOf(UndecryptableError);
      expect((err as UndecryptableError).names).toEqual([name]);
      expect(err.message).not.toContain(trace(source.value));
    }

    // The same secret at another version.
    await db.update(secrets).set({ version: 2 }).where(eq(secrets.id, source.id));
    await db.update(secretValues).set({ version: 2 }).where(eq(secretValues.secretId, source.id));
    expect(await errorOf(resolveSecretValues(teamA.id, [source.name]))).toBeInstanceOf(UndecryptableError);
    await db.update(secretValues).set({ version: 1 }).where(eq(secretValues.secretId, source.id));
    await db.update(secrets).set({ version: 1 }).where(eq(secrets.id, source.id));
    // Restored: it opens again, so the failures above were the binding, not a broken ciphertext.
    expect((await resolveSecretValues(teamA.id, [source.name])).get(source.name)?.value).toBe(source.value);
  });
});

describe("audit", () => {
  it("create, rotate and delete each write one event, never the value", async () => {
    const name = `AUD_${runId()}`;
    const meta = { ip: "203.0.113.7", userAgent: "vitest" };
    const v1 = value("a1");
    const v2 = value("a2");
    const s = await createSecret({ actor: byRole.admin.actor, teamSlug: teamA.slug, name, value: v1, visibility: "restricted", meta });
    await rotateSecret({ actor: byRole.owner.actor, teamSlug: teamA.slug, secretId: s.id, value: v2, expectedVersion: 1, meta });
    await deleteSecret({ actor: byRole.admin.actor, teamSlug: teamA.slug, secretId: s.id, expectedVersion: 2, meta });

    const db = await getDb();
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, teamA.id), eq(auditEvents.targetId, s.id)))
      .orderBy(auditEvents.createdAt);
    expect(
      events.map((e) => [e.action, e.actorId, e.actorLabel, e.teamId, e.targetType, e.targetName, e.version, e.ip, e.userAgent]),
    ).toEqual([
      ["secret.created", byRole.admin.id, byRole.admin.email, teamA.id, "secret", name, 1, meta.ip, meta.userAgent],
      ["secret.rotated", byRole.owner.id, byRole.owner.email, teamA.id, "secret", name, 2, meta.ip, meta.userAgent],
      ["secret.deleted", byRole.admin.id, byRole.admin.email, teamA.id, "secret", name, 2, meta.ip, meta.userAgent],
    ]);
    for (const e of events) expect(e.createdAt).toBeInstanceOf(Date);
    const all = JSON.stringify(events);
    for (const v of [trace(v1), trace(v2), "v1:", "v2:"]) expect(all).not.toContain(v);
    expect(await tablesContaining(trace(v1))).toEqual([]);
    expect(await tablesContaining(trace(v2))).toEqual([]);
  });
});

describe("atomicity", () => {
  it("a failure while writing the audit event leaves nothing half-written", async () => {
    const tag = runId();
    const existing = await seedSecret(`ATOM_R_${tag}`);
    const fresh = `ATOM_C_${tag}`;
    const fn = sql.identifier(`test_fail_audit_${tag}`);
    const trigger = sql.identifier(`test_fail_audit_${tag}`);
    // Only events for these two names fail, so other tests sharing the database are unaffected.
    const asOwner = (q: SQL) => withOwnerDb((owner) => owner.execute(q));
    await asOwner(sql`
      CREATE FUNCTION ${fn}() RETURNS trigger AS $$
      BEGIN
        IF NEW.target_name IN (${sql.raw(`'${existing.name}', '${fresh}'`)}) THEN
          RAISE EXCEPTION 'injected audit failure';
        END IF;
        RETURN NEW;
      END;
      $$ LANGUAGE plpgsql`);
    await asOwner(sql`CREATE TRIGGER ${trigger} BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    try {
      const before = await snapshot([teamA.id]);
      // Each call starts only when awaited: started together, a rejection could go unhandled meanwhile.
      const calls = [
        () => createSecret({ actor: creator.actor, teamSlug: teamA.slug, name: fresh, value: value("c"), visibility: "masked" }),
        () => rotateSecret({ actor: creator.actor, teamSlug: teamA.slug, secretId: existing.id, value: value("r"), expectedVersion: 1 }),
        () => deleteSecret({ actor: creator.actor, teamSlug: teamA.slug, secretId: existing.id, expectedVersion: 1 }),
      ];
      for (const call of calls) {
        const err = await errorOf(call());
        expect(err).not.toBeInstanceOf(AppError);
        expect(`${err.message} ${(err.cause as Error | undefined)?.message}`).toContain("injected audit failure");
      }
      expect(await snapshot([teamA.id])).toEqual(before);
      expect(await listOne(creator, teamA, fresh)).toBeUndefined();
      expect((await resolveSecretValues(teamA.id, [existing.name])).get(existing.name)?.value).toBe(existing.value);
    } finally {
      await asOwner(sql`DROP TRIGGER IF EXISTS ${trigger} ON audit_events`);
      await asOwner(sql`DROP FUNCTION IF EXISTS ${fn}()`);
    }
    // With the fault gone the same writes succeed: the trigger, not something else, made them fail.
    await createSecret({ actor: creator.actor, teamSlug: teamA.slug, name: fresh, value: value("c"), visibility: "masked" });
    await rotateSecret({ actor: creator.actor, teamSlug: teamA.slug, secretId: existing.id, value: value("r"), expectedVersion: 1 });
  });
});

describe("pagination, filter and sort", () => {
  let owner: TTestUser;
  let team: TTestTeam;
  // 20 names without an underscore, in mixed case so sorting must ignore case; 10 with one.
  const plain = Array.from({ length: 20 }, (_, i) => {
    const n = String(i + 1).padStart(2, "0");
    return [`alpha${n}`, `ALPHA${n}`, `Alpha${n}`][i % 3]!;
  });
  const underscored = Array.from({ length: 10 }, (_, i) => `Beta_${String(i + 1).padStart(2, "0")}`);
  // Extra rotations give some secrets a higher version.
  const rotations: Record<string, number> = { ALPHA02: 3, Alpha03: 1, alpha07: 2, Beta_04: 2 };

  beforeAll(async () => {
    owner = await makeUser("pager");
    team = await makeTeam(owner);
    for (const name of [...plain, ...underscored]) {
      const s = await createSecret({ actor: owner.actor, teamSlug: team.slug, name, value: value(name), visibility: "masked" });
      for (let v = 1; v <= (rotations[name] ?? 0); v++) {
        await rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s.id, value: value(name), expectedVersion: v });
      }
    }
  });

  const names = async (query: Record<string, unknown>) =>
    (await listSecrets(owner.actor, team.slug, q(query))).items.map((i) => i.name);

  it("pages 30 secrets as 25 + 5", async () => {
    const p1 = await listSecrets(owner.actor, team.slug, q({ pageSize: 25, page: 1 }));
    const p2 = await listSecrets(owner.actor, team.slug, q({ pageSize: 25, page: 2 }));
    const p3 = await listSecrets(owner.actor, team.slug, q({ pageSize: 25, page: 3 }));
    expect([p1.items.length, p2.items.length, p3.items.length]).toEqual([25, 5, 0]);
    expect([p1.total, p2.total, p3.total]).toEqual([30, 30, 30]);
    expect(p2.page).toBe(2);
    const ids = new Set([...p1.items, ...p2.items].map((i) => i.id));
    expect(ids.size).toBe(30);
    expect((await listSecrets(owner.actor, team.slug, q({ pageSize: 5, page: 6 }))).items).toHaveLength(5);
  });

  it("filters by name substring, ignoring case, with LIKE wildcards taken literally", async () => {
    const underscore = await listSecrets(owner.actor, team.slug, q({ q: "_", pageSize: 100 }));
    expect(underscore.total).toBe(10);
    expect(underscore.items.map((i) => i.name).sort()).toEqual([...underscored].sort());
    expect((await listSecrets(owner.actor, team.slug, q({ q: "%" }))).total).toBe(0);
    expect((await listSecrets(owner.actor, team.slug, q({ q: "\\" }))).total).toBe(0);
    expect((await listSecrets(owner.actor, team.slug, q({ q: "a_p" }))).total).toBe(0);
    expect((await listSecrets(owner.actor, team.slug, q({ q: "alpha1", pageSize: 100 }))).total).toBe(10);
    expect(await names({ q: "ALPHA0", pageSize: 100 })).toHaveLength(9);
    expect(await names({ q: "beta_1" })).toEqual(["Beta_10"]);
  });

  it("sorts by name ignoring case, both ways", async () => {
    const byName = [...plain].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    expect(byName[0]).toBe("alpha01");
    expect(await names({ q: "alpha", sort: "name", pageSize: 100 })).toEqual(byName);
    expect(await names({ q: "alpha", sort: "-name", pageSize: 100 })).toEqual([...byName].reverse());
    // The first page of all 30 starts with the alphas in order.
    expect((await names({ sort: "name", pageSize: 5 }))).toEqual(byName.slice(0, 5));
  });

  it("sorts by version, highest first or lowest first, then by name", async () => {
    const version = (n: string) => 1 + (rotations[n] ?? 0);
    const all = [...plain, ...underscored];
    const expected = [...all].sort((a, b) => version(b) - version(a) || (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    const got = await listSecrets(owner.actor, team.slug, q({ sort: "version", pageSize: 5 }));
    expect(got.items.map((i) => [i.name, i.version])).toEqual(expected.slice(0, 5).map((n) => [n, version(n)]));
    expect(got.items.map((i) => i.name).slice(0, 4)).toEqual(["ALPHA02", "alpha07", "Beta_04", "Alpha03"]);
    const asc = await listSecrets(owner.actor, team.slug, q({ sort: "-version", pageSize: 100 }));
    const versions = asc.items.map((i) => i.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(asc.items.at(-1)?.name).toBe("ALPHA02");
  });

  it("sorts by last change, newest first", async () => {
    const items = (await listSecrets(owner.actor, team.slug, q({ sort: "updated", pageSize: 100 }))).items;
    const times = items.map((i) => Date.parse(i.updatedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(items[0]?.name).toBe("Beta_10"); // created last
    expect(items.findIndex((i) => i.name === "Beta_04")).toBeLessThan(items.findIndex((i) => i.name === "Beta_03"));
  });
});

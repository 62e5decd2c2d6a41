// Version history: a secret_versions row per version, written in the transaction that makes the version
// (create, rotate, import), never for a write that rolled back; the migration's backfill; and the History
// route with each role's view of fingerprints (a Restricted fingerprint never reaches an Editor).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { secrets, secretVersions } from "@/db/schema";
import { getSecretHistory } from "@/lib/dal/secret-history";
import { importSecrets } from "@/lib/dal/secret-import";
import { createSecret, rotateSecret } from "@/lib/dal/secrets";
import { errorOf, runId, type TTestUser } from "../support/fixtures";
import type { TSecretHistoryDTO } from "@/lib/types/secrets";
import { outsiderCast, roleTeamCast } from "../support/cast";
import { signedIn } from "../support/signed-in";

// Encryption fails for one marked value, to prove a failure half way writes no history either.
vi.mock("@/lib/crypto", async (importOriginal) => (await import("../support/failing-crypto")).failOnMarkedValue(await importOriginal()));

vi.mock("@/lib/session", async (importOriginal) => (await import("../support/signed-in")).sessionOf(await importOriginal()));
const { GET: historyRoute } = await import("@/app/api/teams/[team]/secrets/[secret]/history/route");

const { owner, admin, editor, team } = roleTeamCast("hist");
const { outsider, otherTeam } = outsiderCast("hist");

afterAll(async () => {
  await closeDb();
});

const newName = (p: string) => `${p}_${runId().toUpperCase()}`;

/** A secret's history rows, oldest first, in the columns the tests compare. */
async function versionRows(secretId: string) {
  const db = await getDb();
  const { version, teamId, createdBy, createdByLabel: label, source, fingerprint } = secretVersions;
  return db.select({ version, teamId, createdBy, label, source, fingerprint }).from(secretVersions).where(eq(secretVersions.secretId, secretId)).orderBy(asc(version));
}

async function currentFingerprint(secretId: string) {
  const db = await getDb();
  const [row] = await db.select({ fp: secrets.fingerprint }).from(secrets).where(eq(secrets.id, secretId));
  return row!.fp;
}

function callHistory(user: TTestUser | null, teamSlug: string, secretId: string) {
  signedIn.user = user;
  const req = new Request(`http://localhost/api/teams/${teamSlug}/secrets/${secretId}/history`);
  return historyRoute(req, { params: Promise.resolve({ team: teamSlug, secret: secretId }) });
}

describe("version rows are written with the version", () => {
  it("create and rotate: one row each, by whom, how (UI) and with that version's fingerprint", async () => {
    const s = await createSecret({ actor: owner.actor, teamSlug: team.slug, name: newName("HIST"), value: `v1-${runId()}`, visibility: "masked" });
    const fp1 = await currentFingerprint(s.id);
    expect(await versionRows(s.id)).toEqual([{ version: 1, teamId: team.id, createdBy: owner.id, label: owner.actor.label, source: "ui", fingerprint: fp1 }]);

    await rotateSecret({ actor: admin.actor, teamSlug: team.slug, secretId: s.id, value: `v2-${runId()}`, expectedVersion: 1 });
    const fp2 = await currentFingerprint(s.id);
    expect(fp2).not.toBe(fp1);
    const rows = await versionRows(s.id);
    expect(rows).toEqual([
      { version: 1, teamId: team.id, createdBy: owner.id, label: owner.actor.label, source: "ui", fingerprint: fp1 },
      { version: 2, teamId: team.id, createdBy: admin.id, label: admin.actor.label, source: "ui", fingerprint: fp2 },
    ]);
  });

  it("a refused rotation (stale version) writes no row", async () => {
    const s = await createSecret({ actor: owner.actor, teamSlug: team.slug, name: newName("HIST_STALE"), value: `v1-${runId()}`, visibility: "masked" });
    await rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s.id, value: `v2-${runId()}`, expectedVersion: 1 });
    const err = await errorOf(rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s.id, value: `v3-${runId()}`, expectedVersion: 1 }));
    expect(err.code).toBe("stale");
    expect((await versionRows(s.id)).map((r) => r.version)).toEqual([1, 2]);
  });

  it("import: new secrets and chosen rotations are rows with source import, in the import's transaction", async () => {
    const existing = await createSecret({ actor: owner.actor, teamSlug: team.slug, name: newName("HIST_IMP_OLD"), value: `old-${runId()}`, visibility: "masked" });
    const fresh = newName("HIST_IMP_NEW");
    await importSecrets({
      actor: admin.actor,
      teamSlug: team.slug,
      text: `${fresh}=a-${runId()}\n${existing.name}=b-${runId()}\n`,
      fileName: ".env",
      visibility: "restricted",
      rotate: [existing.name],
    });
    const db = await getDb();
    const [created] = await db.select({ id: secrets.id }).from(secrets).where(and(eq(secrets.teamId, team.id), eq(secrets.name, fresh)));
    expect(await versionRows(created!.id)).toEqual([
      { version: 1, teamId: team.id, createdBy: admin.id, label: admin.actor.label, source: "import", fingerprint: await currentFingerprint(created!.id) },
    ]);
    const rotated = await versionRows(existing.id);
    expect(rotated.map((r) => [r.version, r.source, r.createdBy])).toEqual([
      [1, "ui", owner.id],
      [2, "import", admin.id],
    ]);
    expect(rotated[1]!.fingerprint).toBe(await currentFingerprint(existing.id));
  });

  it("an import that fails half way writes no version row", async () => {
    const first = newName("HIST_IMP_FIRST");
    const db = await getDb();
    const count = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(secretVersions).where(eq(secretVersions.teamId, team.id)))[0]!.n;
    const before = await count();
    // The second entry's encryption fails (mocked above): the whole import, its first secret included, rolls back.
    const err = await errorOf(
      importSecrets({ actor: owner.actor, teamSlug: team.slug, text: `${first}=a-${runId()}\n${newName("HIST_IMP_FAIL")}=FAIL_HERE\n`, fileName: ".env", visibility: "masked", rotate: [] }),
    );
    expect(err.message).toBe("simulated failure");
    expect(await count()).toBe(before);
    expect(await db.select({ id: secrets.id }).from(secrets).where(and(eq(secrets.teamId, team.id), eq(secrets.name, first)))).toEqual([]);
  });
});

describe("the migration's backfill", () => {
  function backfillStatements(): string[] {
    const dir = path.resolve(import.meta.dirname, "../../db/migrations");
    const file = readdirSync(dir).find((f) => /_secret_versions\.sql$/.test(f));
    if (!file) throw new Error("no secret_versions migration");
    return readFileSync(path.join(dir, file), "utf8")
      .split("--> statement-breakpoint")
      .map((s) => s.replace(/^\s*(--[^\n]*\n\s*)*/, "").trim())
      .filter((s) => s.startsWith('INSERT INTO "secret_versions"'));
  }

  it("rebuilds rows from the audit log (who, when, how), the current fingerprint only, and secrets without events", async () => {
    const a = await createSecret({ actor: owner.actor, teamSlug: team.slug, name: newName("BF_A"), value: `1-${runId()}`, visibility: "masked" });
    await rotateSecret({ actor: admin.actor, teamSlug: team.slug, secretId: a.id, value: `2-${runId()}`, expectedVersion: 1 });
    await importSecrets({ actor: owner.actor, teamSlug: team.slug, text: `${a.name}=3-${runId()}\n`, fileName: ".env", visibility: "masked", rotate: [a.name] });
    const b = await createSecret({ actor: owner.actor, teamSlug: team.slug, name: newName("BF_B"), value: `1-${runId()}`, visibility: "masked" });
    const db = await getDb();
    // A secret as db:seed wrote them before this migration: no audit event, no history row.
    const seeded = crypto.randomUUID();
    await db.insert(secrets).values({ id: seeded, teamId: team.id, name: newName("BF_SEEDED"), visibility: "masked", fingerprint: "00aa11bb22cc33dd", createdBy: owner.id, updatedBy: owner.id });
    const expected = { a: await versionRows(a.id), b: await versionRows(b.id) };
    await db.delete(secretVersions).where(inArray(secretVersions.secretId, [a.id, b.id]));
    expect(await versionRows(a.id)).toEqual([]);

    const statements = backfillStatements();
    expect(statements).toHaveLength(3);
    for (const s of statements) await db.execute(sql.raw(s));

    const fpA = await currentFingerprint(a.id);
    expect(await versionRows(a.id)).toEqual([
      { version: 1, teamId: team.id, createdBy: owner.id, label: owner.actor.label, source: "ui", fingerprint: null },
      { version: 2, teamId: team.id, createdBy: admin.id, label: admin.actor.label, source: "ui", fingerprint: null },
      { version: 3, teamId: team.id, createdBy: owner.id, label: owner.actor.label, source: "import", fingerprint: fpA },
    ]);
    expect(expected.a.map((r) => r.version)).toEqual([1, 2, 3]);
    expect(await versionRows(b.id)).toEqual(expected.b);
    expect(await versionRows(seeded)).toEqual([{ version: 1, teamId: team.id, createdBy: owner.id, label: owner.email, source: null, fingerprint: "00aa11bb22cc33dd" }]);
    // Running it again changes nothing.
    for (const s of statements) await db.execute(sql.raw(s));
    expect((await versionRows(a.id)).length).toBe(3);
  });
});

describe("the History route", () => {
  let masked: { id: string; name: string };
  let restricted: { id: string; name: string };
  beforeAll(async () => {
    masked = await createSecret({ actor: owner.actor, teamSlug: team.slug, name: newName("HR_MASKED"), value: `m1-${runId()}`, visibility: "masked" });
    await rotateSecret({ actor: admin.actor, teamSlug: team.slug, secretId: masked.id, value: `m2-${runId()}`, expectedVersion: 1 });
    restricted = await createSecret({ actor: owner.actor, teamSlug: team.slug, name: newName("HR_RESTRICTED"), value: `r1-${runId()}`, visibility: "restricted" });
    await rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: restricted.id, value: `r2-${runId()}`, expectedVersion: 1 });
  });

  it("lists every version newest first with who, when, how and fingerprints for Owners and Admins", async () => {
    const rows = await versionRows(restricted.id);
    for (const who of [owner, admin]) {
      const res = await callHistory(who, team.slug, restricted.id);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const h = (await res.json()) as TSecretHistoryDTO;
      expect(h.secret).toEqual({ id: restricted.id, name: restricted.name, visibility: "restricted", version: 2 });
      expect(h.canSeeFingerprints).toBe(true);
      expect(h.total).toBe(2);
      expect(h.versions.map((v) => [v.version, v.isCurrent, v.source, v.createdBy, v.fingerprint])).toEqual([
        [2, true, "ui", "hist-owner", rows[1]!.fingerprint],
        [1, false, "ui", "hist-owner", rows[0]!.fingerprint],
      ]);
    }
    const m = (await (await callHistory(owner, team.slug, masked.id)).json()) as TSecretHistoryDTO;
    expect(m.versions.map((v) => v.createdBy)).toEqual(["hist-admin", "hist-owner"]);
  });

  it("Editors: fingerprints of Masked secrets, none of a Restricted one anywhere in the response", async () => {
    const m = (await (await callHistory(editor, team.slug, masked.id)).json()) as TSecretHistoryDTO;
    expect(m.canSeeFingerprints).toBe(true);
    expect(m.versions.every((v) => /^[0-9a-f]{16}$/.test(v.fingerprint ?? ""))).toBe(true);

    const res = await callHistory(editor, team.slug, restricted.id);
    expect(res.status).toBe(200);
    const text = await res.text();
    const h = JSON.parse(text) as TSecretHistoryDTO;
    expect(h.canSeeFingerprints).toBe(false);
    expect(h.versions.map((v) => [v.version, v.fingerprint])).toEqual([
      [2, null],
      [1, null],
    ]);
    for (const r of await versionRows(restricted.id)) expect(text).not.toContain(r.fingerprint!);
  });

  it("refuses the signed out (401), another team's member and another team's secret id (404)", async () => {
    expect((await callHistory(null, team.slug, masked.id)).status).toBe(401);
    expect((await callHistory(outsider, team.slug, masked.id)).status).toBe(404);
    // A member of another team asking through their own team for this team's secret: not found.
    const res = await callHistory(outsider, otherTeam.slug, masked.id);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(masked.name);
    expect((await callHistory(owner, team.slug, "not-a-uuid")).status).toBe(404);
    expect((await callHistory(owner, team.slug, crypto.randomUUID())).status).toBe(404);
  });

  it("the DAL scopes by team: the owner of another team cannot read this history through it", async () => {
    const err = await errorOf(getSecretHistory(outsider.actor, otherTeam.slug, masked.id));
    expect(err.code).toBe("not_found");
  });
});

// The audit log against a real database: every change writes its event (actor, action, target, request IP
// and user agent) through the real DAL; listing filters, orders and pages; Editors cannot read it; the
// table refuses UPDATE and DELETE; no event ever holds a secret value. Only who is signed in is mocked, for
// the export route (Vitest has no Next request).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { auditEvents, teams } from "@/db/schema";
import { FORBIDDEN_MESSAGES } from "@/lib/authz";
import { recordSignIn } from "@/lib/dal/audit";
import { acceptInvitation, createInvitation, revokeInvitation } from "@/lib/dal/invitations";
import { changeMemberRole, leaveTeam, removeMember, transferOwnership } from "@/lib/dal/members";
import { createSecret, deleteSecret, rotateSecret } from "@/lib/dal/secrets";
import { createTeam } from "@/lib/dal/teams";
import { listAuditEvents, exportAuditEvents, AUDIT_PAGE_SIZE } from "@/lib/dal/audit";
import { AUDIT_ACTIONS, ZAuditQuery } from "@/lib/validation/audit";
import { outsiderCast, usersCast } from "../support/cast";
import { errorOf, makeTeam, rowsOf, runId, type TTestTeam, type TTestUser } from "../support/fixtures";
import { refusalOf, withOwnerDb } from "../support/owner-db";
import { signedIn } from "../support/signed-in";

vi.mock("@/lib/session", async (importOriginal) => (await import("../support/signed-in")).sessionOf(await importOriginal()));
const { GET: exportRoute } = await import("@/app/api/teams/[team]/audit/export/route");

const META = { ip: "198.51.100.23", userAgent: "vitest-audit/1.0" };
const q = (input: Record<string, unknown> = {}) => ZAuditQuery.parse(input);

const { owner, admin, editor, joiner } = usersCast("aud", ["owner", "admin", "editor", "joiner"]);
const { outsider } = outsiderCast("aud");

afterAll(async () => {
  await closeDb();
});

async function allEvents(teamId: string) {
  const db = await getDb();
  return db.select().from(auditEvents).where(eq(auditEvents.teamId, teamId));
}

describe("every change writes its event", () => {
  it("team, secret, invitation and member changes and sign-in each record actor, action, target, IP and user agent", async () => {
    const { slug } = await createTeam(owner.actor, `Audit ${runId()}`, META);
    const db = await getDb();
    const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.slug, slug));
    const t = { id: team!.id, slug };
    const base = { teamSlug: slug, meta: META };

    // Members: invite + accept (admin), invite + revoke, role change, transfer, remove, leave.
    const invAdmin = await createInvitation({ ...base, actor: owner.actor, email: admin.email, role: "admin" });
    await acceptInvitation({ user: { id: admin.id, email: admin.email }, token: invAdmin.token, meta: META });
    const invEditor = await createInvitation({ ...base, actor: admin.actor, email: editor.email, role: "editor" });
    await acceptInvitation({ user: { id: editor.id, email: editor.email }, token: invEditor.token, meta: META });
    const invRevoked = await createInvitation({ ...base, actor: owner.actor, email: `gone-${runId()}@test.example`, role: "editor" });
    await revokeInvitation({ ...base, actor: owner.actor, invitationId: invRevoked.id });
    const invJoiner = await createInvitation({ ...base, actor: owner.actor, email: joiner.email, role: "editor" });
    await acceptInvitation({ user: { id: joiner.id, email: joiner.email }, token: invJoiner.token, meta: META });
    await changeMemberRole({ ...base, actor: owner.actor, userId: editor.id, role: "admin" });
    await removeMember({ ...base, actor: owner.actor, userId: joiner.id });
    await transferOwnership({ ...base, actor: owner.actor, userId: editor.id });
    await leaveTeam({ ...base, actor: admin.actor });

    // Secrets: create, rotate, delete (by the new Owner).
    const s = await createSecret({ ...base, actor: editor.actor, name: `AUD_${runId()}`, value: `v-${runId()}`, visibility: "masked" });
    await rotateSecret({ ...base, actor: editor.actor, secretId: s.id, value: `v-${runId()}`, expectedVersion: 1 });
    await deleteSecret({ ...base, actor: editor.actor, secretId: s.id, expectedVersion: 2 });

    await recordSignIn(owner.actor, META);

    const expected: [string, TTestUser][] = [
      ["team.created", owner],
      ["member.invited", owner],
      ["member.joined", admin],
      ["member.invited", admin],
      ["member.joined", editor],
      ["member.invited", owner],
      ["member.invitation_revoked", owner],
      ["member.invited", owner],
      ["member.joined", joiner],
      ["member.role_changed", owner],
      ["member.removed", owner],
      ["member.ownership_transferred", owner],
      ["member.left", admin],
      ["secret.created", editor],
      ["secret.rotated", editor],
      ["secret.deleted", editor],
      ["member.signed_in", owner],
    ];
    const events = await allEvents(t.id);
    const got = events.map((e) => `${e.action} by ${e.actorLabel}`).sort();
    expect(got).toEqual(expected.map(([a, u]) => `${a} by ${u.email}`).sort());
    for (const e of events) {
      const who = expected.find(([a, u]) => a === e.action && u.email === e.actorLabel)![1];
      expect(e, e.action).toMatchObject({ actorId: who.id, ip: META.ip, userAgent: META.userAgent });
      expect(e.targetType, e.action).toMatch(/^(team|user|invitation|secret)$/);
      expect(e.targetName, e.action).toBeTruthy();
      expect(e.createdAt).toBeInstanceOf(Date);
    }
    const secretEvents = events.filter((e) => e.action.startsWith("secret."));
    expect(secretEvents.map((e) => [e.action, e.targetName, e.targetId, e.version]).sort()).toEqual(
      [
        ["secret.created", s.name, s.id, 1],
        ["secret.deleted", s.name, s.id, 2],
        ["secret.rotated", s.name, s.id, 2],
      ].sort(),
    );
    const roleChange = events.find((e) => e.action === "member.role_changed")!;
    expect(roleChange).toMatchObject({ targetId: editor.id, metadata: { from: "editor", to: "admin" } });
  });

  it("without request details the event still names actor and target, with empty IP and user agent", async () => {
    const t = await makeTeam(owner);
    const s = await createSecret({ actor: owner.actor, teamSlug: t.slug, name: `NOMETA_${runId()}`, value: "x", visibility: "restricted" });
    const [e] = (await allEvents(t.id)).filter((x) => x.action === "secret.created");
    expect(e).toMatchObject({ actorId: owner.id, actorLabel: owner.email, targetName: s.name, ip: null, userAgent: null });
  });

  it("a refused change writes no event", async () => {
    const t = await makeTeam(owner, [{ user: editor, role: "editor" }]);
    const before = (await allEvents(t.id)).length;
    // Each call is refused for its own reason (not, say, a typo in the input), so "no event" is about refusals.
    expect(await errorOf(createSecret({ actor: editor.actor, teamSlug: t.slug, name: `NO_${runId()}`, value: "x", visibility: "masked", meta: META }))).toMatchObject({
      code: "forbidden",
      message: FORBIDDEN_MESSAGES["secrets.write"],
    });
    expect(await errorOf(changeMemberRole({ actor: editor.actor, teamSlug: t.slug, userId: owner.id, role: "editor", meta: META }))).toMatchObject({
      code: "forbidden",
    });
    expect(await errorOf(leaveTeam({ actor: owner.actor, teamSlug: t.slug, meta: META }))).toMatchObject({
      code: "conflict",
      message: expect.stringContaining("The last Owner cannot"),
    });
    expect((await allEvents(t.id)).length).toBe(before);
  });
});

describe("listAuditEvents", () => {
  let t: TTestTeam;
  const day = (d: number, h = 12) => new Date(Date.UTC(2021, 0, d, h));

  beforeAll(async () => {
    t = await makeTeam(owner, [
      { user: admin, role: "admin" },
      { user: editor, role: "editor" },
    ]);
    const db = await getDb();
    // 60 events over January 2021 (setup rows, inserted directly with chosen times).
    const rows = Array.from({ length: 60 }, (_, i) => ({
      teamId: t.id,
      actorId: i % 2 ? admin.id : owner.id,
      actorLabel: i % 2 ? "Alice.Admin@Example.test" : "olga.owner@example.test",
      action: i % 3 === 0 ? "secret.rotated" : "secret.created",
      targetType: "secret",
      targetName: i % 5 === 0 ? `DATABASE_URL_${i}` : `API_KEY_${i}`,
      createdAt: new Date(day(1).getTime() + i * 11 * 3600_000), // every 11 hours from Jan 1st
    }));
    await db.insert(auditEvents).values(rows);
  });

  it("lists newest first, 50 to a page, with the total", async () => {
    const p1 = await listAuditEvents(admin.actor, t.slug, q());
    const p2 = await listAuditEvents(admin.actor, t.slug, q({ page: "2" }));
    expect(p1.pageSize).toBe(AUDIT_PAGE_SIZE);
    expect(p1.total).toBe(61); // 60 + team.created
    expect(p1.events).toHaveLength(50);
    expect(p2.events).toHaveLength(11);
    const all = [...p1.events, ...p2.events];
    expect(all[0]!.action).toBe("team.created"); // written now, after January 2021
    expect(new Set(all.map((e) => e.id)).size).toBe(61);
    const times = all.map((e) => Date.parse(e.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect((await listAuditEvents(admin.actor, t.slug, q({ page: "3" }))).events).toEqual([]);
  });

  it("filters by actor (case-insensitive, partial)", async () => {
    const r = await listAuditEvents(owner.actor, t.slug, q({ actor: "alice.admin" }));
    expect(r.total).toBe(30);
    expect(r.events.every((e) => e.actor === "Alice.Admin@Example.test")).toBe(true);
  });

  it("filters by action (exact)", async () => {
    const r = await listAuditEvents(owner.actor, t.slug, q({ action: "secret.rotated" }));
    expect(r.total).toBe(20);
    expect(r.events.every((e) => e.action === "secret.rotated")).toBe(true);
    expect((await listAuditEvents(owner.actor, t.slug, q({ action: "secret" }))).total).toBe(0);
  });

  it("filters by target (partial) and combines filters", async () => {
    expect((await listAuditEvents(owner.actor, t.slug, q({ target: "database_url" }))).total).toBe(12);
    const both = await listAuditEvents(owner.actor, t.slug, q({ target: "DATABASE_URL", action: "secret.rotated", actor: "olga" }));
    // i % 5 == 0, i % 3 == 0, i even: i in {0, 30}
    expect(both.events.map((e) => e.target).sort()).toEqual(["DATABASE_URL_0", "DATABASE_URL_30"]);
  });

  it("filters by time range: from inclusive, a date-only 'to' through the end of that day", async () => {
    // Jan 1st 12:00 + i*11h: on Jan 3rd fall i = 4 (08:00) and i = 5 (19:00); i = 3 is Jan 2nd 21:00.
    const r = await listAuditEvents(owner.actor, t.slug, q({ from: "2021-01-03", to: "2021-01-03" }));
    expect(r.events.map((e) => e.target).sort()).toEqual(["API_KEY_4", "DATABASE_URL_5"]);
    const exact = await listAuditEvents(owner.actor, t.slug, q({ from: day(3, 8).toISOString(), to: day(3, 19).toISOString() }));
    expect(exact.events.map((e) => e.target)).toEqual(["API_KEY_4"]);
    const open = await listAuditEvents(owner.actor, t.slug, q({ from: "2021-01-27" }));
    expect(open.events.every((e) => Date.parse(e.createdAt) >= Date.parse("2021-01-27"))).toBe(true);
    expect(open.total).toBe(5); // 12h + 11h*i >= 26 days for i >= 56 (4 events), plus team.created
  });

  it("Editors are refused (forbidden); members of other teams get not_found", async () => {
    expect((await errorOf(listAuditEvents(editor.actor, t.slug, q()))).code).toBe("forbidden");
    expect((await errorOf(exportAuditEvents(editor.actor, t.slug, q()))).code).toBe("forbidden");
    expect((await errorOf(listAuditEvents(outsider.actor, t.slug, q()))).code).toBe("not_found");
  });

  it("the export route applies the same filters and neutralises spreadsheet formulas", async () => {
    const db = await getDb();
    await db.insert(auditEvents).values({
      teamId: t.id, actorId: owner.id, actorLabel: owner.email, action: "secret.created", targetType: "secret",
      targetName: '=HYPERLINK("http://evil.example","x")', createdAt: day(20, 0),
    });
    signedIn.user = { id: owner.id, name: owner.name, email: owner.email };
    const call = (query: string) =>
      exportRoute(new NextRequest(`http://localhost/api/teams/${t.slug}/audit/export?${query}`), { params: Promise.resolve({ team: t.slug }) });
    const json = await call("format=json&action=secret.rotated&actor=olga");
    expect(json.status).toBe(200);
    const body = (await json.json()) as { events: { action: string; actor: string }[] };
    expect(body.events).toHaveLength(10);
    expect(body.events.every((e) => e.action === "secret.rotated" && e.actor.startsWith("olga"))).toBe(true);

    const csv = await call("format=csv&target=HYPERLINK");
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe("createdAt,actor,action,targetType,target,version,details,ip,userAgent");
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    signedIn.user = { id: editor.id, name: editor.name, email: editor.email };
    expect((await call("format=csv")).status).toBe(403);
    signedIn.user = null;
  });
});

describe("the audit table is append-only", () => {
  // The trigger's own refusal (migration 0002: RAISE ... USING ERRCODE insufficient_privilege), not any failure.
  const APPEND_ONLY = /Database error 42501: audit_events is append-only/;

  it("a direct UPDATE or DELETE of an event fails and leaves it unchanged", async () => {
    const t = await makeTeam(owner);
    const db = await getDb();
    const [event] = await allEvents(t.id);
    expect(event).toBeDefined();
    await expect(db.execute(sql`update audit_events set action = 'tampered' where id = ${event!.id}`)).rejects.toThrow(APPEND_ONLY);
    await expect(db.update(auditEvents).set({ actorLabel: "someone else" }).where(eq(auditEvents.teamId, t.id))).rejects.toThrow(APPEND_ONLY);
    await expect(db.execute(sql`delete from audit_events where id = ${event!.id}`)).rejects.toThrow(APPEND_ONLY);
    await expect(db.delete(auditEvents).where(eq(auditEvents.teamId, t.id))).rejects.toThrow(APPEND_ONLY);
    // Inside a transaction too (no way around it by batching).
    await expect(db.transaction(async (tx) => tx.execute(sql`delete from audit_events where team_id = ${t.id}`))).rejects.toThrow(APPEND_ONLY);
    expect(await allEvents(t.id)).toEqual([event]);
  });

  // Issue 9 item 9: TRUNCATE skips row triggers; a statement trigger refuses it, even for the table's owner.
  // Each attempt runs in a transaction that is rolled back, so a TRUNCATE that got through (the bug) cannot
  // empty the table other test files share.
  it.each(["truncate audit_events", "truncate table audit_events restart identity", "truncate teams cascade"])("%s fails", async (statement) => {
    const t = await makeTeam(owner);
    const before = await allEvents(t.id);
    // As the table's owner (the app's own role, under least privilege, may not TRUNCATE at all: db-roles.test.ts).
    const refusal = await withOwnerDb((ownerDb) => refusalOf(statement, ownerDb));
    expect(refusal, `${statement} went through`).toContain("audit_events is append-only");
    expect(await allEvents(t.id)).toEqual(before);
  });

  it("deleting a whole team still removes its events (foreign-key cascade)", async () => {
    const t = await makeTeam(owner);
    const db = await getDb();
    expect((await allEvents(t.id)).length).toBeGreaterThan(0);
    await db.delete(teams).where(eq(teams.id, t.id));
    expect(await allEvents(t.id)).toEqual([]);
  });
});

describe("no event holds a secret value", () => {
  it("create and rotate with distinctive values: the whole audit table, as text, never contains them", async () => {
    const t = await makeTeam(owner);
    const values = [`AUDIT-LEAK-CANARY-${runId()}-one`, `AUDIT-LEAK-CANARY-${runId()}-two`, `{"private_key":"AUDIT-LEAK-CANARY-${runId()}"}`];
    const s = await createSecret({ actor: owner.actor, teamSlug: t.slug, name: `CANARY_${runId()}`, value: values[0]!, visibility: "masked", meta: META });
    await rotateSecret({ actor: owner.actor, teamSlug: t.slug, secretId: s.id, value: values[1]!, expectedVersion: 1, meta: META });
    await rotateSecret({ actor: owner.actor, teamSlug: t.slug, secretId: s.id, value: values[2]!, expectedVersion: 2, meta: META });
    const db = await getDb();
    const events = await db.select().from(auditEvents).where(and(eq(auditEvents.teamId, t.id), inArray(auditEvents.action, ["secret.created", "secret.rotated"])));
    expect(events).toHaveLength(3); // the events exist, so the search below searches something
    for (const v of values) {
      const res = await db.execute(sql`select count(*)::int as n from audit_events t where strpos(t::text, ${v}) > 0`);
      expect(rowsOf<{ n: number }>(res)[0]?.n, `audit rows containing ${v}`).toBe(0);
    }
    // The search itself works: the secret's name is found in the same way.
    const named = await db.execute(sql`select count(*)::int as n from audit_events t where strpos(t::text, ${s.name}) > 0`);
    expect(rowsOf<{ n: number }>(named)[0]?.n).toBe(3);
  });
});

describe("the action filter", () => {
  it("offers every action the code records (derived from the sources, so a new event type needs an entry)", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const recorded = new Set<string>();
    for (const dir of ["lib", "app"]) {
      for (const f of readdirSync(path.join(root, dir), { recursive: true }) as string[]) {
        if (!/\.tsx?$/.test(f) || /\.test\.tsx?$/.test(f)) continue;
        const src = readFileSync(path.join(root, dir, f), "utf8");
        for (const m of src.matchAll(/\baction: "([a-z_]+\.[a-z_]+)"/g)) recorded.add(m[1]!);
      }
    }
    expect(recorded.size).toBeGreaterThan(10);
    expect([...recorded].filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a)).sort()).toEqual([]);
  });
});

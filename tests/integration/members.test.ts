// Members and invitations against a real database (PGlite, and Postgres when DATABASE_URL is set): the DAL
// in lib/dal/members.ts and lib/dal/invitations.ts with real users, teams and audit rows. Nothing is mocked.
// Each test builds its own team (cheap); users are created once (argon2 is not).
import { createHash } from "node:crypto";
import { eq, sql, type SQL } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { invitations, memberships, type TRole } from "@/db/schema";
import {
  acceptInvitation,
  createInvitation,
  describeInvitation,
  listInvitations,
  revokeInvitation,
} from "@/lib/dal/invitations";
import { changeMemberRole, leaveTeam, listMembers, removeMember, transferOwnership } from "@/lib/dal/members";
import { listSecrets } from "@/lib/dal/secrets";
import { ZListSecretsQuery } from "@/lib/validation/secrets";
import { outsiderCast, usersCast } from "../support/cast";
import {
  auditRows,
  errorOf,
  makeTeam,
  runId,
  tablesContaining,
  type TTestTeam,
  type TTestUser,
} from "../support/fixtures";
import { withOwnerDb } from "../support/owner-db";

const META = { ip: "203.0.113.50", userAgent: "vitest-members" };

const { owner, owner2, admin, admin2, editor, editor2, invitee } = usersCast("mem", ["owner", "owner2", "admin", "admin2", "editor", "editor2", "invitee"]);
const { outsider } = outsiderCast("mem");

afterAll(async () => {
  await closeDb();
});

/** A fresh team: owner, admin, editor, plus `extra`. */
const team = (extra: { user: TTestUser; role: TRole }[] = []) =>
  makeTeam(owner, [{ user: admin, role: "admin" }, { user: editor, role: "editor" }, ...extra]);

async function rolesOf(t: TTestTeam): Promise<Record<string, TRole>> {
  const db = await getDb();
  const rows = await db.select({ userId: memberships.userId, role: memberships.role }).from(memberships).where(eq(memberships.teamId, t.id));
  return Object.fromEntries(rows.map((r) => [r.userId, r.role]));
}

const eventsOf = (t: TTestTeam, action: string) => auditRows(t.id, action);

async function invitationRow(id: string) {
  const db = await getDb();
  const [row] = await db.select().from(invitations).where(eq(invitations.id, id));
  return row!;
}

const invite = (t: TTestTeam, email: string, role: TRole = "editor", by: TTestUser = owner) =>
  createInvitation({ actor: by.actor, teamSlug: t.slug, email, role, meta: META });

const userRef = (u: TTestUser) => ({ id: u.id, email: u.email });

describe("invitations", () => {
  it("only an Owner may invite an Owner; Admins invite Admins and Editors; Editors and outsiders cannot invite", async () => {
    const t = await team();
    const refusedOwner = await errorOf(invite(t, `x-${runId()}@test.example`, "owner", admin));
    expect(refusedOwner).toMatchObject({ code: "forbidden", fieldErrors: { role: [expect.any(String)] } });
    expect((await errorOf(invite(t, `x-${runId()}@test.example`, "editor", editor))).code).toBe("forbidden");
    expect((await errorOf(invite(t, `x-${runId()}@test.example`, "editor", outsider))).code).toBe("not_found");
    expect(await listInvitations(owner.actor, t.slug)).toEqual([]);

    await invite(t, `a-${runId()}@test.example`, "admin", admin);
    await invite(t, `o-${runId()}@test.example`, "owner", owner);
    expect((await listInvitations(owner.actor, t.slug)).map((i) => i.role).sort()).toEqual(["admin", "owner"]);
    expect((await errorOf(listInvitations(editor.actor, t.slug))).code).toBe("forbidden");
  });

  it("refuses to invite someone who is already a member", async () => {
    const t = await team();
    const err = await errorOf(invite(t, editor.email));
    expect(err).toMatchObject({ code: "conflict", fieldErrors: { email: [expect.any(String)] } });
    expect(await listInvitations(owner.actor, t.slug)).toEqual([]);
    expect(await eventsOf(t, "member.invited")).toEqual([]);
  });

  it("stores only the SHA-256 of the token; the raw token is nowhere in the database", async () => {
    const t = await team();
    const inv = await invite(t, invitee.email);
    expect(inv.token).toMatch(/^inv_[A-Za-z0-9_-]{43}$/);
    const row = await invitationRow(inv.id);
    expect(row.tokenHash).toBe(createHash("sha256").update(inv.token, "utf8").digest("hex"));
    expect(await tablesContaining(inv.token)).toEqual([]);
    expect(await tablesContaining(inv.token.slice(4))).toEqual([]);
    // The invitation event names the email and role, never the link.
    const [event] = await eventsOf(t, "member.invited");
    expect(event).toMatchObject({ actorId: owner.id, targetName: invitee.email, targetId: inv.id, ip: META.ip, userAgent: META.userAgent });
    expect(event!.metadata).toMatchObject({ role: "editor" });
  });

  it("a new invitation for the same email replaces the pending one: only the newest link works", async () => {
    const t = await team();
    const first = await invite(t, invitee.email, "editor");
    const second = await invite(t, invitee.email, "admin");
    expect((await invitationRow(first.id)).revokedAt).toBeInstanceOf(Date);
    expect(await listInvitations(owner.actor, t.slug)).toEqual([expect.objectContaining({ id: second.id, role: "admin" })]);
    expect((await describeInvitation(first.token, userRef(invitee))).status).toBe("revoked");
    expect((await errorOf(acceptInvitation({ user: userRef(invitee), token: first.token }))).code).toBe("stale");
    expect((await rolesOf(t))[invitee.id]).toBeUndefined();
    await acceptInvitation({ user: userRef(invitee), token: second.token });
    expect((await rolesOf(t))[invitee.id]).toBe("admin");
  });

  it("an expired invitation is shown as expired and gives no membership", async () => {
    const t = await team();
    const inv = await invite(t, invitee.email);
    const db = await getDb();
    await db.update(invitations).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(invitations.id, inv.id));
    expect(await describeInvitation(inv.token, userRef(invitee))).toEqual({ status: "expired" });
    const err = await errorOf(acceptInvitation({ user: userRef(invitee), token: inv.token }));
    expect(err.code).toBe("stale");
    expect(err.message).toMatch(/expired/);
    expect((await rolesOf(t))[invitee.id]).toBeUndefined();
    expect((await invitationRow(inv.id)).acceptedAt).toBeNull();
    expect((await listInvitations(owner.actor, t.slug))[0]).toMatchObject({ id: inv.id, isExpired: true });
  });

  it("a revoked invitation gives no membership; revoking twice is refused", async () => {
    const t = await team();
    const inv = await invite(t, invitee.email);
    expect((await errorOf(revokeInvitation({ actor: editor.actor, teamSlug: t.slug, invitationId: inv.id }))).code).toBe("forbidden");
    expect(await revokeInvitation({ actor: admin.actor, teamSlug: t.slug, invitationId: inv.id, meta: META })).toEqual({ email: invitee.email });
    expect((await errorOf(revokeInvitation({ actor: owner.actor, teamSlug: t.slug, invitationId: inv.id }))).code).toBe("stale");
    expect(await describeInvitation(inv.token, userRef(invitee))).toEqual({ status: "revoked" });
    const err = await errorOf(acceptInvitation({ user: userRef(invitee), token: inv.token }));
    expect(err).toMatchObject({ code: "stale", message: expect.stringMatching(/revoked/) });
    expect((await rolesOf(t))[invitee.id]).toBeUndefined();
    expect(await eventsOf(t, "member.invitation_revoked")).toEqual([
      expect.objectContaining({ actorId: admin.id, targetId: inv.id, targetName: invitee.email, ip: META.ip }),
    ]);
  });

  it("Admins cannot revoke or replace a pending Owner invitation (they do not manage Owners)", async () => {
    const t = await team();
    const ownerInv = await invite(t, invitee.email, "owner", owner);
    const refused = await errorOf(revokeInvitation({ actor: admin.actor, teamSlug: t.slug, invitationId: ownerInv.id }));
    expect(refused.code).toBe("forbidden");
    // A new (Editor) invitation for the same email would revoke the Owner one: refused too.
    expect((await errorOf(invite(t, invitee.email, "editor", admin))).code).toBe("forbidden");
    expect((await invitationRow(ownerInv.id)).revokedAt).toBeNull();
    expect(await eventsOf(t, "member.invitation_revoked")).toEqual([]);
    // The Owner still can.
    expect(await revokeInvitation({ actor: owner.actor, teamSlug: t.slug, invitationId: ownerInv.id })).toEqual({ email: invitee.email });
  });

  it("an invitation from another team cannot be revoked through this one", async () => {
    const t = await team();
    const other = await makeTeam(owner2);
    const inv = await invite(other, invitee.email, "editor", owner2);
    expect((await errorOf(revokeInvitation({ actor: owner.actor, teamSlug: t.slug, invitationId: inv.id }))).code).toBe("stale");
    expect((await invitationRow(inv.id)).revokedAt).toBeNull();
  });

  it("a used invitation cannot be used again", async () => {
    const t = await team();
    const inv = await invite(t, invitee.email);
    await acceptInvitation({ user: userRef(invitee), token: inv.token });
    expect(await describeInvitation(inv.token, userRef(invitee))).toEqual({ status: "used" });
    // Even after leaving the team, the link does not let the person back in.
    await leaveTeam({ actor: invitee.actor, teamSlug: t.slug });
    const err = await errorOf(acceptInvitation({ user: userRef(invitee), token: inv.token }));
    expect(err).toMatchObject({ code: "stale", message: expect.stringMatching(/already been used/) });
    expect((await rolesOf(t))[invitee.id]).toBeUndefined();
  });

  it("a foreign email (someone else holding the link) gets no membership, and the invitation stays pending", async () => {
    const t = await team();
    const inv = await invite(t, invitee.email);
    expect(await describeInvitation(inv.token, userRef(outsider))).toEqual({ status: "wrong_email" });
    // A signed-out visitor learns only that the link is pending, not the team or the role.
    expect(await describeInvitation(inv.token, null)).toEqual({ status: "valid" });
    const err = await errorOf(acceptInvitation({ user: userRef(outsider), token: inv.token }));
    expect(err.code).toBe("forbidden");
    expect((await rolesOf(t))[outsider.id]).toBeUndefined();
    expect((await invitationRow(inv.id)).acceptedAt).toBeNull();
    expect(await eventsOf(t, "member.joined")).toEqual([]);
  });

  it("unknown and malformed tokens are not_found", async () => {
    for (const token of ["", "inv_short", `inv_${"A".repeat(43)}`, "x".repeat(300)]) {
      expect((await describeInvitation(token, userRef(invitee))).status).toBe("not_found");
      expect((await errorOf(acceptInvitation({ user: userRef(invitee), token }))).code).toMatch(/^(not_found|stale)$/);
    }
  });

  it("accepting creates the membership with the invited role, marks the invitation used, and writes member.joined", async () => {
    const t = await team();
    const inv = await invite(t, invitee.email, "admin");
    expect(await describeInvitation(inv.token, userRef(invitee))).toMatchObject({ status: "valid", teamSlug: t.slug, role: "admin" });
    expect(await acceptInvitation({ user: userRef(invitee), token: inv.token, meta: META })).toEqual({ teamSlug: t.slug });
    expect((await rolesOf(t))[invitee.id]).toBe("admin");
    const row = await invitationRow(inv.id);
    expect(row.acceptedAt).toBeInstanceOf(Date);
    expect(row.acceptedBy).toBe(invitee.id);
    expect(await eventsOf(t, "member.joined")).toEqual([
      expect.objectContaining({ actorId: invitee.id, targetId: invitee.id, targetName: invitee.email, ip: META.ip, userAgent: META.userAgent }),
    ]);
    expect(await listInvitations(owner.actor, t.slug)).toEqual([]);
    // The new member now reads the team.
    expect((await listMembers(invitee.actor, t.slug)).role).toBe("admin");
  });

  it("accepting is one transaction with its audit event: when the event cannot be written, no membership exists", async () => {
    const t = await team();
    const inv = await invite(t, invitee.email);
    // Triggers are the owner's to create (the app's role has row privileges only, see docs/deploy.md).
    const asOwner = (q: SQL) => withOwnerDb((owner) => owner.execute(q));
    const fn = sql.identifier(`fail_join_${runId()}`);
    // Refuses exactly this team's member.joined event (other test files share the database).
    await asOwner(sql`create function ${fn}() returns trigger language plpgsql as $$
      begin
        if new.action = 'member.joined' and new.team_id = ${sql.raw(`'${t.id}'`)}::uuid then
          raise exception 'audit write refused by test';
        end if;
        return new;
      end $$`);
    await asOwner(sql`create trigger ${fn} before insert on audit_events for each row execute function ${fn}()`);
    try {
      const err = await errorOf(acceptInvitation({ user: userRef(invitee), token: inv.token }));
      expect(err.code).toBeUndefined();
      expect((await rolesOf(t))[invitee.id]).toBeUndefined();
      expect((await invitationRow(inv.id)).acceptedAt).toBeNull();
    } finally {
      await asOwner(sql`drop trigger ${fn} on audit_events`);
      await asOwner(sql`drop function ${fn}()`);
    }
    // Still pending: it works once the event can be written.
    await acceptInvitation({ user: userRef(invitee), token: inv.token });
    expect((await rolesOf(t))[invitee.id]).toBe("editor");
  });
});

describe("role changes", () => {
  const change = (by: TTestUser, t: TTestTeam, target: TTestUser, role: TRole) =>
    changeMemberRole({ actor: by.actor, teamSlug: t.slug, userId: target.id, role, meta: META });

  it("an Owner may give any member any role", async () => {
    const t = await team([{ user: editor2, role: "editor" }]);
    expect(await change(owner, t, admin, "editor")).toEqual({ email: admin.email, role: "editor" });
    expect(await change(owner, t, editor, "admin")).toEqual({ email: editor.email, role: "admin" });
    expect(await change(owner, t, editor2, "owner")).toEqual({ email: editor2.email, role: "owner" });
    expect(await change(owner, t, editor2, "admin")).toEqual({ email: editor2.email, role: "admin" });
    expect(await rolesOf(t)).toEqual({ [owner.id]: "owner", [admin.id]: "editor", [editor.id]: "admin", [editor2.id]: "admin" });
    const events = await eventsOf(t, "member.role_changed");
    expect(events).toHaveLength(4);
    expect(events).toContainEqual(
      expect.objectContaining({ actorId: owner.id, targetId: editor2.id, metadata: { from: "editor", to: "owner" }, ip: META.ip, userAgent: META.userAgent }),
    );
  });

  it("an Admin may change Editors only, and never grant Owner", async () => {
    const t = await team([
      { user: admin2, role: "admin" },
      { user: editor2, role: "editor" },
    ]);
    expect((await errorOf(change(admin, t, editor, "owner"))).code).toBe("forbidden");
    expect((await errorOf(change(admin, t, admin2, "editor"))).code).toBe("forbidden");
    expect((await errorOf(change(admin, t, owner, "admin"))).code).toBe("forbidden");
    expect((await errorOf(change(admin, t, admin, "editor"))).code).toBe("forbidden");
    expect(await rolesOf(t)).toEqual({ [owner.id]: "owner", [admin.id]: "admin", [admin2.id]: "admin", [editor.id]: "editor", [editor2.id]: "editor" });
    expect(await eventsOf(t, "member.role_changed")).toEqual([]);
    expect(await change(admin, t, editor2, "admin")).toEqual({ email: editor2.email, role: "admin" });
  });

  it("an Editor may change no one; an outsider gets not_found; an unknown member is not_found", async () => {
    const t = await team([{ user: editor2, role: "editor" }]);
    expect((await errorOf(change(editor, t, editor2, "admin"))).code).toBe("forbidden");
    expect((await errorOf(change(editor, t, editor, "admin"))).code).toBe("forbidden");
    expect((await errorOf(change(outsider, t, editor, "admin"))).code).toBe("not_found");
    expect((await errorOf(change(owner, t, outsider, "admin"))).code).toBe("not_found");
    expect(await eventsOf(t, "member.role_changed")).toEqual([]);
  });

  it("the last Owner cannot be demoted (not even by themselves)", async () => {
    const t = await team();
    const err = await errorOf(change(owner, t, owner, "admin"));
    expect(err).toMatchObject({ code: "conflict", message: expect.stringMatching(/last Owner/) });
    expect((await rolesOf(t))[owner.id]).toBe("owner");
    // With a second Owner, the first may step down.
    await change(owner, t, admin, "owner");
    await change(owner, t, owner, "admin");
    expect(await rolesOf(t)).toMatchObject({ [owner.id]: "admin", [admin.id]: "owner" });
  });

  it("two last Owners demoting each other leave exactly one Owner", async () => {
    const t = await team([{ user: owner2, role: "owner" }]);
    const results = await Promise.allSettled([change(owner, t, owner2, "admin"), change(owner2, t, owner, "admin")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const roles = await rolesOf(t);
    expect([roles[owner.id], roles[owner2.id]].filter((r) => r === "owner")).toHaveLength(1);
  });

  it.skipIf(!process.env.DATABASE_URL)("concurrently on Postgres (repeated): the two last Owners demoting each other leave one Owner", async () => {
    for (let i = 0; i < 8; i++) {
      const t = await team([{ user: owner2, role: "owner" }]);
      const results = await Promise.allSettled([change(owner, t, owner2, "admin"), change(owner2, t, owner, "admin")]);
      const roles = await rolesOf(t);
      expect([roles[owner.id], roles[owner2.id]].filter((r) => r === "owner"), `round ${i}`).toHaveLength(1);
      expect(results.filter((r) => r.status === "fulfilled"), `round ${i}`).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(["forbidden", "conflict"]).toContain((refused.reason as { code?: string }).code);
      expect(await eventsOf(t, "member.role_changed")).toHaveLength(1);
    }
  });
});

describe("removing members", () => {
  const remove = (by: TTestUser, t: TTestTeam, target: TTestUser) =>
    removeMember({ actor: by.actor, teamSlug: t.slug, userId: target.id, meta: META });

  it("an Owner may remove anyone else; an Admin only Editors; an Editor no one", async () => {
    const t = await team([
      { user: admin2, role: "admin" },
      { user: editor2, role: "editor" },
      { user: owner2, role: "owner" },
    ]);
    expect((await errorOf(remove(editor, t, editor2))).code).toBe("forbidden");
    expect((await errorOf(remove(admin, t, admin2))).code).toBe("forbidden");
    expect((await errorOf(remove(admin, t, owner))).code).toBe("forbidden");
    expect((await errorOf(remove(outsider, t, editor2))).code).toBe("not_found");
    expect((await errorOf(remove(owner, t, outsider))).code).toBe("not_found");
    expect(Object.keys(await rolesOf(t))).toHaveLength(6);
    expect(await eventsOf(t, "member.removed")).toEqual([]);

    expect(await remove(admin, t, editor2)).toEqual({ email: editor2.email });
    expect(await remove(owner, t, admin2)).toEqual({ email: admin2.email });
    expect(await remove(owner, t, owner2)).toEqual({ email: owner2.email });
    expect(await rolesOf(t)).toEqual({ [owner.id]: "owner", [admin.id]: "admin", [editor.id]: "editor" });
    const events = await eventsOf(t, "member.removed");
    expect(events).toHaveLength(3);
    expect(events).toContainEqual(
      expect.objectContaining({ actorId: admin.id, targetId: editor2.id, targetName: editor2.email, metadata: { role: "editor" }, ip: META.ip, userAgent: META.userAgent }),
    );
  });

  it("the last Owner cannot be removed (not by an Admin, and not by themselves: that is leaving)", async () => {
    const t = await team();
    expect((await errorOf(remove(admin, t, owner))).code).toBe("forbidden");
    expect((await errorOf(remove(owner, t, owner))).code).toBe("validation");
    expect((await rolesOf(t))[owner.id]).toBe("owner");
  });

  it("a removed member's next call is refused as not_found, and they no longer see the team's secrets", async () => {
    const t = await team([{ user: editor2, role: "editor" }]);
    const q = ZListSecretsQuery.parse({});
    expect((await listSecrets(editor2.actor, t.slug, q)).role).toBe("editor");
    await remove(owner, t, editor2);
    expect((await errorOf(listSecrets(editor2.actor, t.slug, q))).code).toBe("not_found");
    expect((await errorOf(listMembers(editor2.actor, t.slug))).code).toBe("not_found");
    expect((await errorOf(leaveTeam({ actor: editor2.actor, teamSlug: t.slug }))).code).toBe("not_found");
  });

  it("an Admin demoted in the meantime can no longer remove (the role is re-read in the transaction)", async () => {
    const t = await team([{ user: editor2, role: "editor" }]);
    await changeMemberRole({ actor: owner.actor, teamSlug: t.slug, userId: admin.id, role: "editor" });
    expect((await errorOf(remove(admin, t, editor2))).code).toBe("forbidden");
    expect((await rolesOf(t))[editor2.id]).toBe("editor");
  });
});

describe("transfer ownership and leaving", () => {
  it("an Owner transfers ownership: the target becomes Owner and the previous Owner an Admin", async () => {
    const t = await team();
    expect((await errorOf(transferOwnership({ actor: admin.actor, teamSlug: t.slug, userId: editor.id }))).code).toBe("forbidden");
    expect((await errorOf(transferOwnership({ actor: owner.actor, teamSlug: t.slug, userId: outsider.id }))).code).toBe("not_found");
    expect((await errorOf(transferOwnership({ actor: owner.actor, teamSlug: t.slug, userId: owner.id }))).code).toBe("validation");
    expect(await transferOwnership({ actor: owner.actor, teamSlug: t.slug, userId: editor.id, meta: META })).toEqual({ email: editor.email });
    expect(await rolesOf(t)).toEqual({ [owner.id]: "admin", [admin.id]: "admin", [editor.id]: "owner" });
    expect(await eventsOf(t, "member.ownership_transferred")).toEqual([
      expect.objectContaining({ actorId: owner.id, targetId: editor.id, ip: META.ip, userAgent: META.userAgent }),
    ]);
    // The former Owner is now an Admin and cannot transfer again.
    expect((await errorOf(transferOwnership({ actor: owner.actor, teamSlug: t.slug, userId: admin.id }))).code).toBe("forbidden");
  });

  it("a member can leave; the last Owner cannot", async () => {
    const t = await team();
    const err = await errorOf(leaveTeam({ actor: owner.actor, teamSlug: t.slug }));
    expect(err).toMatchObject({ code: "conflict", message: expect.stringMatching(/last Owner/) });
    await leaveTeam({ actor: editor.actor, teamSlug: t.slug, meta: META });
    await leaveTeam({ actor: admin.actor, teamSlug: t.slug, meta: META });
    expect(await rolesOf(t)).toEqual({ [owner.id]: "owner" });
    expect(await eventsOf(t, "member.left")).toHaveLength(2);
    expect((await eventsOf(t, "member.left"))[0]).toMatchObject({ ip: META.ip, userAgent: META.userAgent });
    expect((await errorOf(leaveTeam({ actor: outsider.actor, teamSlug: t.slug }))).code).toBe("not_found");
  });

  it("an Owner may leave when another Owner remains", async () => {
    const t = await team([{ user: owner2, role: "owner" }]);
    await leaveTeam({ actor: owner.actor, teamSlug: t.slug });
    expect((await rolesOf(t))[owner.id]).toBeUndefined();
    expect((await errorOf(leaveTeam({ actor: owner2.actor, teamSlug: t.slug }))).code).toBe("conflict");
  });
});

describe("listMembers", () => {
  it("every member sees the list; only managers get actions; outsiders get not_found", async () => {
    const t = await team();
    const asEditor = await listMembers(editor.actor, t.slug);
    expect(asEditor.members.map((m) => m.email).sort()).toEqual([admin.email, editor.email, owner.email].sort());
    expect(asEditor.members.every((m) => m.assignableRoles.length === 0 && !m.canRemove && !m.canTransferOwnership)).toBe(true);
    const asAdmin = await listMembers(admin.actor, t.slug);
    const adminView = Object.fromEntries(asAdmin.members.map((m) => [m.email, m]));
    expect(adminView[editor.email]).toMatchObject({ assignableRoles: ["admin", "editor"], canRemove: true });
    expect(adminView[owner.email]).toMatchObject({ assignableRoles: [], canRemove: false });
    expect(JSON.stringify(asAdmin)).not.toMatch(/password|hash/i);
    expect((await errorOf(listMembers(outsider.actor, t.slug))).code).toBe("not_found");
  });
});

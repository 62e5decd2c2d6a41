import "server-only";
// Team members: list, change role, remove, leave, transfer ownership. Who may change whom is memberPolicy
// (lib/authz: Owners manage anyone; Admins manage Editors only and never grant Owner); a team always keeps
// at least one Owner. Owner rows are locked in each change so two concurrent demotions cannot leave a team
// without an Owner.
import { and, asc, eq, sql } from "drizzle-orm";
import { getDb, type Tx } from "@/db/client";
import { memberships, users, type TRole } from "@/db/schema";
import { FORBIDDEN_MESSAGES, memberPolicy, memberRefusal, roleCan, roleChange } from "@/lib/authz";
import { AppError } from "@/lib/errors";
import { recordCallAudit } from "./audit";
import { emitTeamEvent } from "./team-events";
import { columnsOf } from "./sql";
import { authorizeTeam, type TTeamCall } from "./team-scope";
import type { TActor } from "@/lib/types/actor";
import type { TMemberDTO } from "@/lib/types/members";

export async function listMembers(actor: TActor, teamSlug: string): Promise<{ role: TRole; members: TMemberDTO[] }> {
  const { db, team, role } = await authorizeTeam({ actor, teamSlug }, "members.read");
  const rows = await db
    .select({ ...columnsOf(memberships, "userId", "role", "lastActiveAt"), ...columnsOf(users, "name", "email"), joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.teamId, team.id))
    .orderBy(asc(users.email));
  return {
    role,
    members: rows.map((r) => {
      const isSelf = r.userId === actor.id;
      const policy = memberPolicy(role, r.role, isSelf);
      return {
        userId: r.userId,
        name: r.name,
        email: r.email,
        role: r.role,
        joinedAt: r.joinedAt.toISOString(),
        lastActiveAt: r.lastActiveAt?.toISOString() ?? null,
        isSelf,
        assignableRoles: policy.assignableRoles,
        canRemove: policy.canRemove,
        canTransferOwnership: policy.canTransferOwnership,
      };
    }),
  };
}

/** Locks the team's owner rows and the target's membership; returns the target's current role. */
async function lockTarget(tx: Tx, teamId: string, userId: string): Promise<{ role: TRole; email: string; owners: number }> {
  const owners = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.teamId, teamId), eq(memberships.role, "owner")))
    .for("update");
  const [target] = await tx
    .select({ role: memberships.role, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId)))
    .for("update", { of: memberships });
  if (!target) throw new AppError("not_found", "That person is not a member of this team.");
  return { role: target.role, email: target.email, owners: owners.length };
}

function assertKeepsAnOwner(target: { role: TRole; owners: number }, to: TRole | null, what: string) {
  if (roleChange(target.role, to).takesAnOwner && target.owners <= 1) {
    throw new AppError("conflict", `The last Owner cannot ${what}. Make someone else an Owner first.`);
  }
}

type TMemberChange = TTeamCall & { userId: string };

/** Sets a member's role in the team; the caller holds the locks (lockTarget). */
async function setRole(tx: Tx, teamId: string, userId: string, role: TRole): Promise<void> {
  await tx
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId)));
}

async function currentRole(tx: Tx, teamId: string, actorId: string): Promise<TRole> {
  // Re-read inside the transaction: the actor's own role may have changed since authorization.
  const [row] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, actorId)));
  if (!row) throw new AppError("not_found", "Team not found.");
  return row.role;
}

export async function changeMemberRole(input: TMemberChange & { role: TRole }): Promise<{ email: string; role: TRole }> {
  const { db, team } = await authorizeTeam(input, "members.manage");
  return db.transaction(async (tx) => {
    const target = await lockTarget(tx, team.id, input.userId);
    const actorRole = await currentRole(tx, team.id, input.actor.id);
    const isSelf = input.userId === input.actor.id;
    const policy = memberPolicy(actorRole, target.role, isSelf);
    if (!policy.assignableRoles.includes(input.role)) {
      throw new AppError("forbidden", memberRefusal(actorRole, "change"));
    }
    if (!roleChange(target.role, input.role).changes) return { email: target.email, role: target.role };
    assertKeepsAnOwner(target, input.role, "be demoted");
    await setRole(tx, team.id, input.userId, input.role);
    await recordCallAudit(tx, input, team.id, {
      action: "member.role_changed",
      target: { type: "user", id: input.userId, name: target.email },
      metadata: { from: target.role, to: input.role },
    });
    return { email: target.email, role: input.role };
  });
}

export async function removeMember(input: TMemberChange): Promise<{ email: string }> {
  const { db, team } = await authorizeTeam(input, "members.manage");
  if (input.userId === input.actor.id) throw new AppError("validation", "Use Leave team to leave this team.");
  return db.transaction(async (tx) => {
    const target = await lockTarget(tx, team.id, input.userId);
    const actorRole = await currentRole(tx, team.id, input.actor.id);
    if (!memberPolicy(actorRole, target.role, false).canRemove) {
      throw new AppError("forbidden", memberRefusal(actorRole, "remove"));
    }
    assertKeepsAnOwner(target, null, "be removed");
    await tx.delete(memberships).where(and(eq(memberships.teamId, team.id), eq(memberships.userId, input.userId)));
    await recordCallAudit(tx, input, team.id, {
      action: "member.removed",
      target: { type: "user", id: input.userId, name: target.email },
      metadata: { role: target.role },
    });
    await emitTeamEvent(tx, team.id, "member.removed", { member: target.email, role: target.role, reason: "removed" }, input.actor);
    return { email: target.email };
  });
}

export async function leaveTeam(input: TTeamCall): Promise<void> {
  const { db, team } = await authorizeTeam(input, "team.read");
  await db.transaction(async (tx) => {
    const target = await lockTarget(tx, team.id, input.actor.id);
    assertKeepsAnOwner(target, null, "leave the team");
    await tx.delete(memberships).where(and(eq(memberships.teamId, team.id), eq(memberships.userId, input.actor.id)));
    await recordCallAudit(tx, input, team.id, {
      action: "member.left",
      target: { type: "user", id: input.actor.id, name: input.actor.label },
      metadata: { role: target.role },
    });
    await emitTeamEvent(tx, team.id, "member.removed", { member: input.actor.label, role: target.role, reason: "left" }, input.actor);
  });
}

export async function transferOwnership(input: TMemberChange): Promise<{ email: string }> {
  const { db, team } = await authorizeTeam(input, "members.transfer_ownership");
  if (input.userId === input.actor.id) throw new AppError("validation", "You already own this team.");
  return db.transaction(async (tx) => {
    const target = await lockTarget(tx, team.id, input.userId);
    if (!roleCan(await currentRole(tx, team.id, input.actor.id), "members.transfer_ownership")) {
      throw new AppError("forbidden", FORBIDDEN_MESSAGES["members.transfer_ownership"]);
    }
    await setRole(tx, team.id, input.userId, "owner");
    await setRole(tx, team.id, input.actor.id, "admin");
    await recordCallAudit(tx, input, team.id, {
      action: "member.ownership_transferred",
      target: { type: "user", id: input.userId, name: target.email },
      metadata: { from: target.role, to: "owner", previousOwnerNowRole: "admin" },
    });
    return { email: target.email };
  });
}

const ACTIVITY_EVERY = sql`interval '5 minutes'`;

/** Marks the member active in this team (at most one write every few minutes). */
export async function touchMemberActivity(userId: string, teamId: string): Promise<void> {
  const db = await getDb();
  await db
    .update(memberships)
    .set({ lastActiveAt: sql`now()` })
    .where(
      and(
        eq(memberships.teamId, teamId),
        eq(memberships.userId, userId),
        sql`(${memberships.lastActiveAt} is null or ${memberships.lastActiveAt} < now() - ${ACTIVITY_EVERY})`,
      ),
    );
}

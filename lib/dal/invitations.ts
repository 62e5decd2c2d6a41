import "server-only";
// Invitations: single-use links that expire. The token is 256 random bits shown once; only its SHA-256
// is stored. Accepting needs the invited email, a pending invitation, and happens in one transaction with
// the membership and the audit event.
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { invitations, memberships, teams, users, type TRole } from "@/db/schema";
import { FORBIDDEN_MESSAGES, invitableRoles, invitationPolicy, ROLES } from "@/lib/authz";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { recordCallAudit } from "./audit";
import { hasVerifiedEmail, isVerificationRequired } from "./email-verification";
import { emitTeamEvent } from "./team-events";
import { columnsOf } from "./sql";
import { authorizeTeam, type TTeamCall } from "./team-scope";
import type { TActor, TRequestMeta } from "@/lib/types/actor";
import type { TInvitationDTO } from "@/lib/types/members";

/** Neither accepted nor revoked (an expired invitation is still pending: its row says why it no longer works). */
const isPending = () => and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt));

const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export async function createInvitation(input: TTeamCall & { email: string; role: TRole }): Promise<{ id: string; token: string; expiresAt: string; teamName: string }> {
  const { db, team, role: actorRole } = await authorizeTeam(input, "members.invite");
  if (!invitableRoles(actorRole).includes(input.role)) {
    const msg = FORBIDDEN_MESSAGES["members.invite_owner"];
    throw new AppError("forbidden", msg, { role: [msg] });
  }
  const token = `inv_${randomBytes(32).toString("base64url")}`;
  const expiresAt = new Date(Date.now() + env().INVITATION_TTL_DAYS * 24 * 60 * 60 * 1000);
  const id = await db.transaction(async (tx) => {
    const [member] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.teamId, team.id), eq(users.email, input.email)));
    if (member) {
      throw new AppError("conflict", "This person is already a member of the team.", { email: ["This person is already a member of the team."] });
    }
    // A new invitation replaces any pending one for the same email: only the newest link works. An Admin
    // does not manage Owners, so cannot replace (revoke) a pending Owner invitation this way either.
    const pending = await tx
      .select({ role: invitations.role })
      .from(invitations)
      .where(
        and(
          eq(invitations.teamId, team.id),
          eq(invitations.email, input.email),
          isPending(),
        ),
      );
    if (pending.some((p) => !invitationPolicy(actorRole, p.role).canReplace)) {
      const msg = "This person has a pending Owner invitation; only an Owner can replace it.";
      throw new AppError("forbidden", msg, { email: [msg] });
    }
    await tx
      .update(invitations)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(invitations.teamId, team.id), eq(invitations.email, input.email), isPending()));
    const [row] = await tx
      .insert(invitations)
      .values({ teamId: team.id, email: input.email, role: input.role, tokenHash: hashToken(token), invitedBy: input.actor.id, expiresAt })
      .returning({ id: invitations.id });
    if (!row) throw new Error("invitation insert returned nothing");
    await recordCallAudit(tx, input, team.id, {
      action: "member.invited",
      target: { type: "invitation", id: row.id, name: input.email },
      metadata: { role: input.role, expiresAt: expiresAt.toISOString() },
    });
    return row.id;
  });
  return { id, token, expiresAt: expiresAt.toISOString(), teamName: team.name };
}

/** Pending (not accepted, not revoked) invitations, expired ones included and marked. */
export async function listInvitations(actor: TActor, teamSlug: string): Promise<TInvitationDTO[]> {
  const { db, team, role } = await authorizeTeam({ actor, teamSlug }, "members.invite");
  const rows = await db
    .select({ ...columnsOf(invitations, "id", "email", "role", "createdAt", "expiresAt"), inviterEmail: users.email })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.teamId, team.id), isPending()))
    .orderBy(desc(invitations.createdAt));
  const now = Date.now();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    invitedBy: r.inviterEmail,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    isExpired: r.expiresAt.getTime() <= now,
    canRevoke: invitationPolicy(role, r.role).canRevoke,
  }));
}

export async function revokeInvitation(input: TTeamCall & { invitationId: string }): Promise<{ email: string }> {
  const { db, team, role: actorRole } = await authorizeTeam(input, "members.invite");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ revokedAt: sql`now()` })
      .where(
        and(
          eq(invitations.id, input.invitationId),
          eq(invitations.teamId, team.id),
          isPending(),
          // Admins do not manage Owners: an Owner invitation is revoked by an Owner only.
          inArray(invitations.role, ROLES.filter((r) => invitationPolicy(actorRole, r).canRevoke)),
        ),
      )
      .returning({ email: invitations.email });
    if (!row) {
      const [other] = await tx
        .select({ role: invitations.role })
        .from(invitations)
        .where(and(eq(invitations.id, input.invitationId), eq(invitations.teamId, team.id)));
      if (other && !invitationPolicy(actorRole, other.role).canRevoke) {
        throw new AppError("forbidden", "Only an Owner can revoke an Owner invitation.");
      }
      throw new AppError("stale", "This invitation was already used or revoked.");
    }
    await recordCallAudit(tx, input, team.id, {
      action: "member.invitation_revoked",
      target: { type: "invitation", id: input.invitationId, name: row.email },
    });
    return { email: row.email };
  });
}

export type TInvitationStatus = "valid" | "expired" | "revoked" | "used" | "not_found" | "wrong_email" | "already_member";

export type TInvitationView = {
  status: TInvitationStatus;
  teamName?: string;
  teamSlug?: string;
  role?: TRole;
};

async function findByToken(token: string) {
  const db = await getDb();
  const [row] = await db
    .select({
      ...columnsOf(invitations, "id", "teamId", "email", "role", "expiresAt", "acceptedAt", "revokedAt"),
      teamName: teams.name,
      teamSlug: teams.slug,
    })
    .from(invitations)
    .innerJoin(teams, eq(teams.id, invitations.teamId))
    .where(eq(invitations.tokenHash, hashToken(token)))
    .limit(1);
  return row;
}

/**
 * What the invitation page shows. A signed-out visitor learns only that a link is pending (to sign in);
 * team and role are shown to the invited person only.
 */
export async function describeInvitation(token: string, user: { id: string; email: string } | null): Promise<TInvitationView> {
  if (!/^inv_[A-Za-z0-9_-]{43}$/.test(token)) return { status: "not_found" };
  const row = await findByToken(token);
  if (!row) return { status: "not_found" };
  if (row.revokedAt) return { status: "revoked" };
  if (row.acceptedAt) return { status: "used" };
  if (row.expiresAt.getTime() <= Date.now()) return { status: "expired" };
  if (!user) return { status: "valid" };
  if (user.email !== row.email) return { status: "wrong_email" };
  const db = await getDb();
  const [member] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.teamId, row.teamId), eq(memberships.userId, user.id)));
  if (member) return { status: "already_member", teamName: row.teamName, teamSlug: row.teamSlug };
  return { status: "valid", teamName: row.teamName, teamSlug: row.teamSlug, role: row.role };
}

const REFUSALS: Record<Exclude<TInvitationStatus, "valid">, string> = {
  not_found: "This invitation link is not valid.",
  expired: "This invitation has expired. Ask a team Owner or Admin for a new one.",
  revoked: "This invitation was revoked. Ask a team Owner or Admin for a new one.",
  used: "This invitation has already been used.",
  wrong_email: "This invitation was sent to a different email address. Sign in with that address to accept it.",
  already_member: "You are already a member of this team.",
};

export const EMAIL_NOT_VERIFIED =
  "Verify your email address first: open the link we emailed you (or send a new one below), then accept the invitation.";

export const invitationRefusal = (s: Exclude<TInvitationStatus, "valid">) => REFUSALS[s];

export async function acceptInvitation(input: {
  user: { id: string; email: string };
  token: string;
  meta?: TRequestMeta;
}): Promise<{ teamSlug: string }> {
  if (!/^inv_[A-Za-z0-9_-]{43}$/.test(input.token)) throw new AppError("not_found", REFUSALS.not_found);
  const db = await getDb();
  const accepted = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ ...columnsOf(invitations, "id", "teamId", "email", "role"), teamSlug: teams.slug })
      .from(invitations)
      .innerJoin(teams, eq(teams.id, invitations.teamId))
      .where(
        and(
          eq(invitations.tokenHash, hashToken(input.token)),
          isPending(),
          gt(invitations.expiresAt, sql`now()`),
        ),
      )
      .for("update", { of: invitations });
    // Why it is not pending is read after the transaction: describeInvitation queries outside `tx`, which
    // on PGlite (one connection) waits for this transaction forever.
    if (!row) return null;
    if (row.email !== input.user.email) throw new AppError("forbidden", REFUSALS.wrong_email);
    // With mail configured the invitation is for whoever proved they read that address's mail; without it the
    // link itself is the credential (a bearer link), which the inviter is told.
    if (isVerificationRequired() && !(await hasVerifiedEmail(tx, input.user.id))) {
      throw new AppError("forbidden", EMAIL_NOT_VERIFIED);
    }
    const inserted = await tx
      .insert(memberships)
      .values({ teamId: row.teamId, userId: input.user.id, role: row.role })
      .onConflictDoNothing()
      .returning({ userId: memberships.userId });
    if (inserted.length === 0) throw new AppError("conflict", REFUSALS.already_member);
    await tx
      .update(invitations)
      .set({ acceptedAt: sql`now()`, acceptedBy: input.user.id })
      .where(and(eq(invitations.id, row.id), eq(invitations.teamId, row.teamId)));
    const joiner = { id: input.user.id, label: input.user.email };
    await recordCallAudit(tx, { actor: joiner, meta: input.meta }, row.teamId, {
      action: "member.joined",
      target: { type: "user", id: joiner.id, name: joiner.label },
      metadata: { role: row.role, invitationId: row.id },
    });
    await emitTeamEvent(tx, row.teamId, "member.joined", { member: input.user.email, role: row.role }, joiner);
    return { teamSlug: row.teamSlug };
  });
  if (accepted) return accepted;
  const view = await describeInvitation(input.token, input.user);
  throw new AppError("stale", REFUSALS[view.status === "valid" ? "used" : view.status]);
}

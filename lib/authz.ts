import "server-only";
// Permissions map to roles in one table; every DAL entry point asks `requireTeamPermission` itself.
// A non-member gets "not found" for a team that exists, exactly as for one that does not.
import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { memberships, teams, type TRole, type TVisibility } from "@/db/schema";
import { AppError } from "@/lib/errors";

export const PERMISSIONS = [
  "team.read",
  "secrets.read",
  "secrets.write",
  // Check value: compare a pasted candidate with a stored value (answer: matches or not), within what
  // ROLE_SECRET_VISIBILITIES lets the role see.
  "secrets.check",
  // Edit a secret's details (description, expiry and rotation policy) without touching its value.
  "secrets.details",
  "members.read",
  "members.invite",
  "members.manage",
  "audit.read",
  "tokens.manage",
  "webhooks.read",
  "webhooks.write",
  // See a webhook's signing secret (once, when made) and rotate it.
  "webhooks.signing_secret",
  // Send a past delivery again.
  "webhooks.redeliver",
  // Use a webhook that carries a Restricted secret: edit or delete it, send a test of it, see its deliveries.
  "webhooks.restricted",
] as const;
export type TPermission = (typeof PERMISSIONS)[number];

// Admins hold members.manage too, but the members DAL limits them to Editors (and never grants Owner).
export const ROLE_PERMISSIONS: Record<TRole, readonly TPermission[]> = {
  owner: ["team.read", "secrets.read", "secrets.write", "secrets.check", "secrets.details", "members.read", "members.invite", "members.manage", "audit.read", "tokens.manage", "webhooks.read", "webhooks.write", "webhooks.signing_secret", "webhooks.redeliver", "webhooks.restricted"],
  admin: ["team.read", "secrets.read", "secrets.write", "secrets.check", "secrets.details", "members.read", "members.invite", "members.manage", "audit.read", "tokens.manage", "webhooks.read", "webhooks.write", "webhooks.signing_secret", "webhooks.redeliver", "webhooks.restricted"],
  // Editors use webhooks too; the webhooks DAL keeps Restricted secrets out of their reach.
  editor: ["team.read", "secrets.read", "secrets.check", "members.read", "webhooks.read", "webhooks.write"],
};

/**
 * Which secrets' fingerprints a role sees, and which it may check a value against: Editors see that a
 * Restricted secret exists, nothing about its value (a fingerprint, or a yes/no to a guess, is about the value).
 */
export const ROLE_SECRET_VISIBILITIES: Record<TRole, readonly TVisibility[]> = {
  owner: ["masked", "restricted"],
  admin: ["masked", "restricted"],
  editor: ["masked"],
};

/**
 * What a role may learn about one secret's value: its fingerprint (the list's column, the History dialog) and
 * a yes/no to a candidate (Check value). Both the DTOs' flags and the DAL's refusals come from here.
 */
export function secretPolicy(role: TRole, visibility: TVisibility) {
  const seesValueFacts = ROLE_SECRET_VISIBILITIES[role].includes(visibility);
  return { canSeeFingerprint: seesValueFacts, canCheck: seesValueFacts && roleCan(role, "secrets.check") };
}

export const ROLE_LABELS: Record<TRole, string> = { owner: "Owner", admin: "Admin", editor: "Editor" };

export function roleCan(role: TRole, permission: TPermission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export type TTeamAccess = { team: { id: string; slug: string; name: string }; role: TRole };

export async function getTeamAccess(db: Executor, actorId: string, teamSlug: string): Promise<TTeamAccess | null> {
  const [row] = await db
    .select({ id: teams.id, slug: teams.slug, name: teams.name, role: memberships.role })
    .from(teams)
    .innerJoin(memberships, and(eq(memberships.teamId, teams.id), eq(memberships.userId, actorId)))
    .where(eq(teams.slug, teamSlug))
    .limit(1);
  if (!row) return null;
  return { team: { id: row.id, slug: row.slug, name: row.name }, role: row.role };
}

const FORBIDDEN_MESSAGES: Record<TPermission, string> = {
  "team.read": "You do not have access to this team.",
  "secrets.read": "You do not have access to this team's secrets.",
  "secrets.write": "Only Owners and Admins can create, rotate or delete secrets.",
  "secrets.check": "You cannot check values of this team's secrets.",
  "secrets.details": "Only Owners and Admins can edit a secret's details.",
  "members.read": "You do not have access to this team's members.",
  "members.invite": "Only Owners and Admins can invite members.",
  "members.manage": "Only Owners and Admins can change or remove members.",
  "audit.read": "Only Owners and Admins can read the audit log.",
  "tokens.manage": "Only Owners and Admins can create or revoke access tokens.",
  "webhooks.read": "You do not have access to this team's webhooks.",
  "webhooks.write": "You cannot change this team's webhooks.",
  "webhooks.signing_secret": "Only Owners and Admins can see or rotate a webhook's signing secret.",
  "webhooks.redeliver": "Only Owners and Admins can redeliver a delivery.",
  "webhooks.restricted": "Only Owners and Admins can change, test or see the deliveries of a webhook that carries a Restricted secret.",
};

/**
 * What a role may do with one webhook. A webhook that carries a Restricted secret is Owners'/Admins' alone:
 * editing, deleting, sending a test, and its delivery log (whatever a receiver echoes back is out of our
 * control). Both the DTO's flags and the DAL's refusals come from here.
 */
export function webhookPolicy(role: TRole, carriesRestricted: boolean) {
  const may = !carriesRestricted || roleCan(role, "webhooks.restricted");
  return { canEdit: may, canTest: may, canSeeDeliveries: may };
}

/** The actor's membership, or an AppError: not_found for non-members, forbidden for a role without the permission. */
export async function requireTeamPermission(
  db: Executor,
  actorId: string,
  teamSlug: string,
  permission: TPermission,
): Promise<TTeamAccess> {
  const access = await getTeamAccess(db, actorId, teamSlug);
  if (!access) throw new AppError("not_found", "Team not found.");
  if (!roleCan(access.role, permission)) throw new AppError("forbidden", FORBIDDEN_MESSAGES[permission]);
  return access;
}

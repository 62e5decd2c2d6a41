import "server-only";
// Enforcement of the policy in ./policy.ts: every DAL entry point asks `requireTeamPermission` itself.
// A non-member gets "not found" for a team that exists, exactly as for one that does not.
import { and, eq } from "drizzle-orm";
import { cache } from "react";
import type { Executor } from "@/db/client";
import { memberships, teams, type TRole } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { roleCan, type TPermission } from "./policy";

export * from "./policy";

export type TTeamAccess = { team: { id: string; slug: string; name: string }; role: TRole };

/**
 * The actor's membership of a team, or null. Memoized per request (React.cache, like `currentUser`): a
 * page's layout, the page and each DAL call it makes share one lookup. Writes re-read the role inside
 * their transaction where it matters (members.ts), so a role changed mid-request cannot be acted on.
 */
export const getTeamAccess = cache(async function getTeamAccess(db: Executor, actorId: string, teamSlug: string): Promise<TTeamAccess | null> {
  const [row] = await db
    .select({ id: teams.id, slug: teams.slug, name: teams.name, role: memberships.role })
    .from(teams)
    .innerJoin(memberships, and(eq(memberships.teamId, teams.id), eq(memberships.userId, actorId)))
    .where(eq(teams.slug, teamSlug))
    .limit(1);
  if (!row) return null;
  return { team: { id: row.id, slug: row.slug, name: row.name }, role: row.role };
});

export const FORBIDDEN_MESSAGES: Record<TPermission, string> = {
  "team.read": "You do not have access to this team.",
  "secrets.read": "You do not have access to this team's secrets.",
  "secrets.write": "Only Owners and Admins can create, rotate or delete secrets.",
  "secrets.check": "You cannot check values of this team's secrets.",
  "secrets.details": "Only Owners and Admins can edit a secret's details.",
  "secrets.consumer_versions": "Only Owners and Admins can see which version each consumer received.",
  "members.read": "You do not have access to this team's members.",
  "members.invite": "Only Owners and Admins can invite members.",
  "members.invite_owner": "Only an Owner can invite another Owner.",
  "members.manage": "Only Owners and Admins can change or remove members.",
  "members.manage_owners": "Only an Owner can change or remove Admins and Owners.",
  "members.transfer_ownership": "Only an Owner can transfer ownership.",
  "audit.read": "Only Owners and Admins can read the audit log.",
  "tokens.manage": "Only Owners and Admins can create or revoke access tokens.",
  "webhooks.read": "You do not have access to this team's webhooks.",
  "webhooks.write": "You cannot change this team's webhooks.",
  "webhooks.signing_secret": "Only Owners and Admins can see or rotate a webhook's signing secret.",
  "webhooks.redeliver": "Only Owners and Admins can redeliver a delivery.",
};

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

import "server-only";
// The opening every team-scoped DAL call shares: the database, and the actor's access to the team checked for
// one permission before any statement runs (requireTeamPermission). It filters nothing: every statement after
// it still names the team in its WHERE.
import { getDb, type Database } from "@/db/client";
import { requireTeamPermission, type TPermission, type TTeamAccess } from "@/lib/authz";
import type { TActor, TRequestMeta } from "@/lib/types/actor";

/** What a team-scoped write is called with: who acts, in which team, from which request. */
export type TTeamCall = { actor: TActor; teamSlug: string; meta?: TRequestMeta };

/** The actor's access to the team (not_found for non-members, forbidden without `permission`) and the database. */
export async function authorizeTeam(
  call: { actor: TActor; teamSlug: string },
  permission: TPermission,
): Promise<TTeamAccess & { db: Database }> {
  const db = await getDb();
  return { db, ...(await requireTeamPermission(db, call.actor.id, call.teamSlug, permission)) };
}

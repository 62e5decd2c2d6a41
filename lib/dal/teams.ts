import "server-only";
// Teams and the caller's memberships.
import { asc, eq } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import { getDb } from "@/db/client";
import { memberships, teams, type TRole } from "@/db/schema";
import { getTeamAccess, teamPolicy, type TTeamAccess, type TTeamPolicy } from "@/lib/authz";
import { AppError } from "@/lib/errors";
import { recordAudit } from "./audit";
import { isUniqueViolation } from "@/db/errors";
import type { TActor, TRequestMeta } from "@/lib/types/actor";

export type TTeamSummary = { slug: string; name: string; role: TRole };

function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  // The random suffix keeps team URLs unguessable and unique.
  return `${base || "team"}-${randomBytes(4).toString("hex")}`;
}

export async function listTeamsForUser(userId: string): Promise<TTeamSummary[]> {
  const db = await getDb();
  return db
    .select({ slug: teams.slug, name: teams.name, role: memberships.role })
    .from(memberships)
    .innerJoin(teams, eq(teams.id, memberships.teamId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(teams.name));
}

export type TTeamAccessDTO = TTeamAccess & { can: TTeamPolicy };

/**
 * The caller's access to a team with what its role may do on the team's pages (teamPolicy), or null (not a
 * member, or no such team: the same to the caller). Pages read `can`, never the role.
 */
export async function findTeamAccess(userId: string, teamSlug: string): Promise<TTeamAccessDTO | null> {
  const access = await getTeamAccess(await getDb(), userId, teamSlug);
  return access ? { ...access, can: teamPolicy(access.role) } : null;
}

export async function createTeam(actor: TActor, name: string, meta?: TRequestMeta): Promise<{ slug: string }> {
  const db = await getDb();
  for (let attempt = 0; attempt < 3; attempt++) {
    const slug = slugify(name);
    try {
      await db.transaction(async (tx) => {
        const [team] = await tx.insert(teams).values({ slug, name }).returning({ id: teams.id });
        if (!team) throw new Error("team insert returned nothing");
        await tx.insert(memberships).values({ teamId: team.id, userId: actor.id, role: "owner" });
        await recordAudit(tx, {
          teamId: team.id,
          actor,
          action: "team.created",
          targetType: "team",
          targetId: team.id,
          targetName: name,
          meta,
        });
      });
      return { slug };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }
  throw new AppError("conflict", "Could not create the team. Please try again.");
}

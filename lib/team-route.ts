import "server-only";
// The common frame of a team-scoped read route (the list data of a settings page, for TanStack Query):
// validate the team slug, authenticate, then run the DAL read — which authorizes, scopes every statement by
// team and selects metadata only — and answer JSON that no cache keeps. Failures become their HTTP status
// through lib/route-handler.ts (the one table in lib/errors.ts).
import type { TActor } from "@/lib/types/actor";
import { HTTP_STATUS } from "@/lib/errors";
import { failureResponse, jsonResponse, unauthenticatedResponse } from "@/lib/route-handler";
import { actorOf, currentUser } from "@/lib/session";
import { ZTeamSlug } from "@/lib/team-action";

export type TTeamRouteContext<P> = { actor: TActor; teamSlug: string; params: P; req: Request };

/** A GET handler for `app/api/teams/[team]/.../route.ts`; `read` returns the DTO to send. */
export function teamReadRoute<P extends { team: string }>(where: string, read: (ctx: TTeamRouteContext<P>) => Promise<unknown>) {
  return async function GET(req: Request, { params }: { params: Promise<P> }) {
    const user = await currentUser();
    if (!user) return unauthenticatedResponse();
    const p = await params;
    const slug = ZTeamSlug.safeParse(p.team);
    if (!slug.success) return jsonResponse({ error: "not_found", message: "Team not found." }, HTTP_STATUS.not_found);
    try {
      return jsonResponse(await read({ actor: actorOf(user), teamSlug: slug.data, params: p, req }));
    } catch (err) {
      return failureResponse(where, err);
    }
  };
}

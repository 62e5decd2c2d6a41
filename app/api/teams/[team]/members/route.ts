// List data for the Members table (TanStack Query): who is in the team, their roles, and what the viewer
// may do to each (from lib/authz's memberPolicy). No password hash or session leaves the DAL.
import { listMembers } from "@/lib/dal/members";
import { teamReadRoute } from "@/lib/team-route";

export const GET = teamReadRoute("GET members", ({ actor, teamSlug }) => listMembers(actor, teamSlug));

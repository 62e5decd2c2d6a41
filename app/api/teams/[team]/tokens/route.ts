// List data for the Access tokens table (TanStack Query): names, prefixes, bindings and dates. The token
// itself is never stored, only its hash, and the DAL does not select that either.
import { listAccessTokens } from "@/lib/dal/access-tokens";
import { teamReadRoute } from "@/lib/team-route";

export const GET = teamReadRoute("GET tokens", ({ actor, teamSlug }) => listAccessTokens(actor, teamSlug));

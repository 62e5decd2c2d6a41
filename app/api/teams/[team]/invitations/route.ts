// Pending invitations of the Members page (TanStack Query), for those who may invite. Email, role and dates
// only: the link's token is shown once to its inviter and stored as a hash the DAL does not select.
import { listInvitations } from "@/lib/dal/invitations";
import { teamReadRoute } from "@/lib/team-route";

export const GET = teamReadRoute("GET invitations", ({ actor, teamSlug }) => listInvitations(actor, teamSlug));

// List data for the Webhooks page (TanStack Query): each webhook as templated (`${NAME}` references, never a
// value), what the viewer may do with it, and — for those who write secrets — the secrets' allowed hosts.
// No signing secret: it is shown once, in the response of the action that made it.
import { listWebhooks } from "@/lib/dal/webhooks";
import { teamReadRoute } from "@/lib/team-route";

export const GET = teamReadRoute("GET webhooks", ({ actor, teamSlug }) => listWebhooks(actor, teamSlug));

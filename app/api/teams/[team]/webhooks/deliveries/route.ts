// The Webhooks page's delivery log (TanStack Query): the latest 50 attempts, requests as templated and
// responses withheld when a delivery carried secrets; Editors get none of a webhook that carries a Restricted
// secret (the DAL filters).
import { listDeliveryAttempts } from "@/lib/dal/delivery-log";
import { DELIVERY_LOG_SIZE } from "@/lib/queries/keys";
import { teamReadRoute } from "@/lib/team-route";

export const GET = teamReadRoute("GET webhook deliveries", ({ actor, teamSlug }) => listDeliveryAttempts(actor, teamSlug, { limit: DELIVERY_LOG_SIZE }));

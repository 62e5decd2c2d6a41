// List data for the Team secrets table (TanStack Query). Metadata only: the DAL never selects a value.
import { listSecrets } from "@/lib/dal/secrets";
import { teamReadRoute } from "@/lib/team-route";
import { ZListSecretsQuery } from "@/lib/validation/secrets";

export const GET = teamReadRoute("GET secrets", ({ actor, teamSlug, req }) =>
  listSecrets(actor, teamSlug, ZListSecretsQuery.parse(Object.fromEntries(new URL(req.url).searchParams))),
);

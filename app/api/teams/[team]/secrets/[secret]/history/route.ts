// The History dialog's data (TanStack Query): every version of one secret with who, when, how and (where the
// viewer's role allows) its fingerprint. Metadata only: past values do not exist. The frame authenticates;
// the DAL authorizes and scopes by team.
import { z } from "zod";
import { getSecretHistory } from "@/lib/dal/secret-history";
import { AppError } from "@/lib/errors";
import { teamReadRoute } from "@/lib/team-route";

export const GET = teamReadRoute<{ team: string; secret: string }>("GET secret history", ({ actor, teamSlug, params }) => {
  const secret = z.uuid().safeParse(params.secret);
  if (!secret.success) throw new AppError("not_found", "This secret no longer exists.");
  return getSecretHistory(actor, teamSlug, secret.data);
});

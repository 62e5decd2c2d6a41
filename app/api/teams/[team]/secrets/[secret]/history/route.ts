// The History dialog's data (TanStack Query): every version of one secret with who, when, how and (where the
// viewer's role allows) its fingerprint. Metadata only: past values do not exist. Authenticates here and
// leaves authorization and team scoping to the DAL.
import { z } from "zod";
import { getSecretHistory } from "@/lib/dal/secret-history";
import { HTTP_STATUS } from "@/lib/errors";
import { failureResponse, jsonResponse as json, unauthenticatedResponse } from "@/lib/route-handler";
import { actorOf, currentUser } from "@/lib/session";

const ZParams = z.object({ team: z.string().min(1).max(80), secret: z.uuid() });

export async function GET(_req: Request, { params }: { params: Promise<{ team: string; secret: string }> }) {
  const user = await currentUser();
  if (!user) return unauthenticatedResponse();
  const parsed = ZParams.safeParse(await params);
  if (!parsed.success) return json({ error: "not_found", message: "This secret no longer exists." }, HTTP_STATUS.not_found);
  try {
    return json(await getSecretHistory(actorOf(user), parsed.data.team, parsed.data.secret));
  } catch (err) {
    return failureResponse("GET secret history", err);
  }
}

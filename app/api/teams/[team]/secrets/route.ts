// List data for the Team secrets table (TanStack Query). Metadata only: the DAL never selects a value.
import type { NextRequest } from "next/server";
import { listSecrets } from "@/lib/dal/secrets";
import { failureResponse, jsonResponse as json, unauthenticatedResponse } from "@/lib/route-handler";
import { actorOf, currentUser } from "@/lib/session";
import { ZListSecretsQuery } from "@/lib/validation/secrets";

export async function GET(req: NextRequest, { params }: { params: Promise<{ team: string }> }) {
  const user = await currentUser();
  if (!user) return unauthenticatedResponse();
  const { team } = await params;
  const query = ZListSecretsQuery.parse(Object.fromEntries(req.nextUrl.searchParams));
  try {
    return json(await listSecrets(actorOf(user), team, query));
  } catch (err) {
    return failureResponse("GET secrets", err);
  }
}

// List data for the Team secrets table (TanStack Query). Metadata only: the DAL never selects a value.
import { NextResponse, type NextRequest } from "next/server";
import { listSecrets } from "@/lib/dal/secrets";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { actorOf, currentUser } from "@/lib/session";
import { ZListSecretsQuery } from "@/lib/validation/secrets";

const json = (body: unknown, status = 200) =>
  NextResponse.json(body, { status, headers: { "Cache-Control": "no-store" } });

export async function GET(req: NextRequest, { params }: { params: Promise<{ team: string }> }) {
  const user = await currentUser();
  if (!user) return json({ error: "unauthenticated" }, 401);
  const { team } = await params;
  const query = ZListSecretsQuery.parse(Object.fromEntries(req.nextUrl.searchParams));
  try {
    return json(await listSecrets(actorOf(user), team, query));
  } catch (err) {
    if (err instanceof AppError) return json({ error: err.code, message: err.message }, err.code === "forbidden" ? 403 : 404);
    logError("GET secrets", err);
    return json({ error: "unexpected", message: "Something went wrong." }, 500);
  }
}

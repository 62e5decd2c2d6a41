// The History dialog's data (TanStack Query): every version of one secret with who, when, how and (where the
// viewer's role allows) its fingerprint. Metadata only: past values do not exist. Authenticates here and
// leaves authorization and team scoping to the DAL.
import { NextResponse } from "next/server";
import { z } from "zod";
import { getSecretHistory } from "@/lib/dal/secret-history";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { actorOf, currentUser } from "@/lib/session";

const json = (body: unknown, status = 200) => NextResponse.json(body, { status, headers: { "Cache-Control": "no-store" } });

const ZParams = z.object({ team: z.string().min(1).max(80), secret: z.uuid() });

export async function GET(_req: Request, { params }: { params: Promise<{ team: string; secret: string }> }) {
  const user = await currentUser();
  if (!user) return json({ error: "unauthenticated" }, 401);
  const parsed = ZParams.safeParse(await params);
  if (!parsed.success) return json({ error: "not_found", message: "This secret no longer exists." }, 404);
  try {
    return json(await getSecretHistory(actorOf(user), parsed.data.team, parsed.data.secret));
  } catch (err) {
    if (err instanceof AppError) return json({ error: err.code, message: err.message }, err.code === "forbidden" ? 403 : 404);
    logError("GET secret history", err);
    return json({ error: "unexpected", message: "Something went wrong." }, 500);
  }
}

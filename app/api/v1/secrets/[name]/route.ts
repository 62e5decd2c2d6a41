// GET /api/v1/secrets/{name}: one secret bound to the bearer token (see public/openapi.json).
import { handleSecretsRequest, toResponse } from "@/lib/api/secrets-api";

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return toResponse(await handleSecretsRequest(req, name));
}

// GET /api/v1/secrets: every secret bound to the bearer token (see public/openapi.json).
import { handleSecretsRequest, toResponse } from "@/lib/api/secrets-api";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  return toResponse(await handleSecretsRequest(req, null));
}

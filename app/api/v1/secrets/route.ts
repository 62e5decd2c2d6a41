// GET /api/v1/secrets: every secret bound to the bearer token (see public/openapi.json).
import { handleSecretsRequest } from "@/lib/api/secrets-api";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  return handleSecretsRequest(req, null);
}

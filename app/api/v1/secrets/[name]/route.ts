// GET /api/v1/secrets/{name}: one secret bound to the bearer token (see public/openapi.json).
import { handleSecretsRequest } from "@/lib/api/secrets-api";

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return handleSecretsRequest(req, name);
}

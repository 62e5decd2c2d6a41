// GET /api/ready: readiness for a load balancer. 503 while migrations are pending or running, while the
// database does not answer, and once shutdown has begun (draining); 200 otherwise. No secret is read.
import { readiness } from "@/lib/readiness";

export const dynamic = "force-dynamic";

export async function GET() {
  const r = await readiness();
  return Response.json(r, { status: r.ready ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}

// GET /api/health: liveness. The process is up and serving; touches neither the database nor any secret, so
// a database outage does not make an orchestrator restart healthy instances (readiness says that).
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}

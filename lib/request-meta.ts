import "server-only";
// Who is calling, for audit events: the client address (first X-Forwarded-For hop, set by the proxy in
// front of the app) and the user agent.
import { headers } from "next/headers";
import type { TRequestMeta } from "@/lib/dal/audit";

export async function requestMeta(): Promise<TRequestMeta> {
  const h = await headers();
  const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim();
  return { ip: forwarded || h.get("x-real-ip") || null, userAgent: h.get("user-agent") };
}

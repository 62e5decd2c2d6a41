import "server-only";
// Who is calling, for audit events and rate limits: the client address (see lib/client-address.ts) and the user agent.
import { headers } from "next/headers";
import { clientAddress } from "@/lib/client-address";
import type { TRequestMeta } from "@/lib/types/actor";

export async function requestMeta(): Promise<TRequestMeta> {
  const h = await headers();
  return { ip: clientAddress(h), userAgent: h.get("user-agent") };
}

import "server-only";
// The app's public origin for links that leave the app (invitations, verification mail): APP_URL when set;
// otherwise the request's host (development only: lib/mail refuses to mail in production without APP_URL).
import { headers } from "next/headers";
import { env } from "@/lib/env";

export async function appOrigin(): Promise<string> {
  const configured = env().APP_URL;
  if (configured) return configured.replace(/\/+$/, "");
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto") ?? (host.startsWith("localhost") || host.startsWith("127.") ? "http" : "https");
  return `${proto}://${host}`;
}

import "server-only";
// Start-up checks. A missing or malformed master key or auth secret in production stops the process with a
// message that names the variable (never its value).
import { getDb } from "@/db/client";
import { assertKeyringReady } from "@/lib/crypto";
import { env, isProduction } from "@/lib/env";

export async function startUp(): Promise<void> {
  try {
    env();
    assertKeyringReady();
    if (isProduction() && !env().AUTH_SECRET) {
      throw new Error("AUTH_SECRET is not set. In production it must come from the environment (e.g. `openssl rand -base64 33`).");
    }
  } catch (err) {
    console.error(`[startup] refusing to start: ${(err as Error).message}`);
    process.exit(1);
  }
  const started = Date.now();
  await getDb();
  console.info(`[startup] database ready (${process.env.DATABASE_URL ? "postgres" : "embedded PGlite"}, migrations applied in ${Date.now() - started} ms)`);
  if (process.env.WEBHOOK_WORKER !== "off") {
    const { startDeliveryWorker } = await import("@/lib/webhooks/worker");
    startDeliveryWorker();
  }
}

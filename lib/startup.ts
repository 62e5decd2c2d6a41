import "server-only";
// Start-up checks. A missing or malformed master key or auth secret in production stops the process with a
// message that names the variable (never its value).
import { getDb } from "@/db/client";
import { assertKeyringReady } from "@/lib/crypto";
import { env, isProduction } from "@/lib/env";
import { ConfigError } from "@/lib/errors";
import { log, logError } from "@/lib/log";

export async function startUp(): Promise<void> {
  try {
    env();
    assertKeyringReady();
    if (isProduction() && !env().AUTH_SECRET) {
      throw new ConfigError("AUTH_SECRET is not set. In production it must come from the environment (e.g. `openssl rand -base64 33`).");
    }
  } catch (err) {
    // Our configuration errors name the variable (never its value) and are logged with their message.
    log.fatal({ where: "startup", err }, "refusing to start");
    process.exit(1);
  }
  const started = Date.now();
  try {
    await getDb();
  } catch (err) {
    logError("startup", err);
    throw err;
  }
  log.info({ where: "startup", database: env().DATABASE_URL ? "postgres" : "embedded PGlite", migrationsMs: Date.now() - started }, "database ready");
  if (process.env.WEBHOOK_WORKER !== "off") {
    const { startDeliveryWorker } = await import("@/lib/webhooks/worker");
    startDeliveryWorker();
  }
}

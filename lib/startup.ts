import "server-only";
// Start-up checks. A missing or malformed master key or auth secret in production stops the process with a
// message that names the variable (never its value).
import { closeDb, getDb } from "@/db/client";
import { PEER_FLAG } from "@/lib/client-address";
import { flushUsage } from "@/lib/dal/usage-recorder";
import { assertKeyringReady, keyProviderHealth } from "@/lib/crypto";
import { configuredAuthSecret, env, isProduction } from "@/lib/env";
import { log, logError } from "@/lib/log";

export async function startUp(): Promise<void> {
  try {
    env();
    assertKeyringReady();
    configuredAuthSecret();
  } catch (err) {
    // Our configuration errors name the variable (never its value) and are logged with their message.
    log.fatal({ where: "startup", err }, "refusing to start");
    process.exit(1);
  }
  // An unreachable HSM or KMS does not stop the start: reads fail clearly and readiness reports it.
  void keyProviderHealth().then((h) => {
    if (h.ok) log.info({ where: "startup", provider: h.provider, keyId: h.keyId }, "key provider ready");
    else log.error({ where: "startup", provider: h.provider, message: h.message }, "key provider unavailable");
  });
  const started = Date.now();
  try {
    await getDb();
  } catch (err) {
    logError("startup", err);
    throw err;
  }
  log.info({ where: "startup", database: env().DATABASE_URL ? "postgres" : "embedded PGlite", migrationsMs: Date.now() - started }, "database ready");
  let worker: { stop: () => Promise<void> } | undefined;
  if (env().WEBHOOK_WORKER === "on") {
    const { startDeliveryWorker } = await import("@/lib/jobs/webhook-worker");
    worker = startDeliveryWorker();
  }
  let reminders: { stop: () => Promise<void> } | undefined;
  if (env().REMINDERS_WORKER === "on") {
    const { startRemindersWorker } = await import("@/lib/jobs/reminders");
    reminders = startRemindersWorker();
  }
  if (isProduction() && (globalThis as Record<symbol, unknown>)[PEER_FLAG] !== true && !env().TRUSTED_PROXY_HOPS && !env().TRUSTED_PROXIES) {
    log.warn(
      { where: "startup" },
      "client addresses are unknown: run `npm start` (server.mjs), not `next start`, or set TRUSTED_PROXY_HOPS / TRUSTED_PROXIES behind a proxy. Token address ranges refuse every request meanwhile.",
    );
  }
  // server.mjs answers GET /api/v1/secrets[/NAME] with this same handler directly, without Next's router
  // (lib/server/machine-route.mjs); under `next start` or `next dev` the route files call it.
  if (env().MACHINE_API_DIRECT === "on") {
    const { handleSecretsRequest } = await import("@/lib/api/secrets-api");
    (globalThis as Record<symbol, unknown>)[Symbol.for("team-secrets.machine-api")] = handleSecretsRequest;
  }
  // Called by server.mjs on SIGTERM, after in-flight requests finished: claimed deliveries finish, pending
  // usage is written, a reminders run in progress finishes, the pool closes.
  (globalThis as Record<symbol, unknown>)[Symbol.for("team-secrets.shutdown")] = async () => {
    await Promise.all([worker?.stop(), reminders?.stop()]);
    await flushUsage();
    await closeDb();
  };
}

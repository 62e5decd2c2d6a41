import "server-only";
// The delivery worker: polls the queue in the database (so every app instance can run one; SKIP LOCKED
// claims keep them from sending a delivery twice). Started once per process from instrumentation.
import { processDueDeliveries } from "./webhook-delivery";
import { env } from "@/lib/env";
import { startPeriodic, type TWorker } from "./periodic";

/** Polls every WEBHOOK_POLL_MS (or `intervalMs`), sending batches while there is work. Once per process. */
export function startDeliveryWorker(opts: { intervalMs?: number; batch?: number } = {}): TWorker {
  return startPeriodic("webhookWorker", { intervalMs: opts.intervalMs ?? env().WEBHOOK_POLL_MS, immediately: false }, async (isStopped) => {
    // Keep going while there is work; then wait for the next poll.
    while (!isStopped() && (await processDueDeliveries(opts.batch ?? 5)) > 0) {
      // next batch
    }
  });
}

import "server-only";
// The delivery worker: polls the queue in the database (so every app instance can run one; SKIP LOCKED
// claims keep them from sending a delivery twice). Started once per process from instrumentation.
import { processDueDeliveries } from "./webhook-delivery";
import { env } from "@/lib/env";
import { logError } from "@/lib/log";

type TWorker = { stop: () => Promise<void> };
const globalForWorker = globalThis as unknown as { __webhookWorker?: TWorker };

export function startDeliveryWorker(opts: { intervalMs?: number; batch?: number } = {}): TWorker {
  if (globalForWorker.__webhookWorker) return globalForWorker.__webhookWorker;
  const intervalMs = opts.intervalMs ?? env().WEBHOOK_POLL_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    try {
      // Keep going while there is work; then wait for the next poll.
      while (!stopped && (await processDueDeliveries(opts.batch ?? 5)) > 0) {
        // next batch
      }
    } catch (err) {
      logError("webhookWorker", err);
    }
    if (!stopped) schedule();
  };
  const schedule = () => {
    timer = setTimeout(() => void (running = tick()), intervalMs);
    timer.unref?.();
  };
  schedule();

  const worker: TWorker = {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      if (globalForWorker.__webhookWorker === worker) globalForWorker.__webhookWorker = undefined;
    },
  };
  globalForWorker.__webhookWorker = worker;
  return worker;
}

import "server-only";
// A job that every app instance runs on a timer (the webhook delivery worker, the reminders job): one per
// process (kept on globalThis, so a reloaded module finds it), the next run scheduled only after the last has
// ended (runs never overlap), failures logged by kind and code and the timer kept going, and `stop()` waiting
// for the run in progress (graceful shutdown, tests). Claims in the database keep instances from doing one
// piece of work twice; this only paces each instance.
import { logError } from "@/lib/log";

/** `running()`: the run in progress (or the last one), for shutdown and tests. */
export type TWorker = { stop: () => Promise<void>; running: () => Promise<void> };

const globalForWorkers = globalThis as unknown as { __periodicWorkers?: Map<string, TWorker> };

/**
 * Starts `run` under `name` (a second start returns the running worker): now when `immediately`, else after
 * the first interval, then `intervalMs` after each run ends. A long run checks `isStopped()` to end early.
 */
export function startPeriodic(
  name: string,
  opts: { intervalMs: number; immediately: boolean },
  run: (isStopped: () => boolean) => Promise<void>,
): TWorker {
  const workers = (globalForWorkers.__periodicWorkers ??= new Map());
  const existing = workers.get(name);
  if (existing) return existing;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const tick = async () => {
    try {
      await run(() => stopped);
    } catch (err) {
      logError(name, err);
    }
    if (!stopped) schedule();
  };
  const schedule = () => {
    timer = setTimeout(() => void (current = tick()), opts.intervalMs);
    timer.unref?.();
  };
  if (opts.immediately) current = tick();
  else schedule();

  const worker: TWorker = {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
      if (workers.get(name) === worker) workers.delete(name);
    },
    running: () => current,
  };
  workers.set(name, worker);
  return worker;
}

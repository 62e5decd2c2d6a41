import "server-only";
// Retries a unit of work that Postgres aborted as a serialization failure (40001) or a deadlock victim
// (40P01): both mean "nothing was written, run it again". The machine path is designed not to produce them
// (no hot-row writes on reads, locks taken in one order); this is the net for what remains (e.g. a read that
// meets a concurrent rotation under a stricter isolation level). Other errors pass through at once.
import { pgErrorCode } from "@/db/errors";

const RETRYABLE = new Set(["40001", "40P01"]);

export async function withRetry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || !RETRYABLE.has(pgErrorCode(err) ?? "")) throw err;
      // Jittered backoff: 5-10 ms, 10-20 ms, ... so the retried transactions do not collide again.
      const base = 5 * 2 ** (i - 1);
      await new Promise((r) => setTimeout(r, base + Math.random() * base));
    }
  }
}

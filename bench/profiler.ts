// Where a benchmark's time goes, on request: with BENCH_PROFILE_DIR set, each `profiled(label, fn)` runs
// under the V8 profiler and writes <dir>/<label>-<n>.cpuprofile (read it with bench/profile-summary.mjs); with
// BENCH_STATEMENTS=1, the wall time of every statement run inside it is summed by the statement's first words
// and printed by printStatements(). Without either, `profiled` just runs fn. Both change the timings (the
// profiler costs ~10%), so figures printed from a profiled run are for reading the profile, not for goals.
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { PgPreparedQuery } from "drizzle-orm/pg-core";

const profileDir = process.env.BENCH_PROFILE_DIR;
const countStatements = process.env.BENCH_STATEMENTS === "1";

let session: Session | null = null;
const runs = new Map<string, number>();
const statements = new Map<string, Map<string, { n: number; ms: number }>>();
let currentLabel: string | null = null;

if (countStatements) {
  const proto = PgPreparedQuery.prototype as unknown as { queryWithCache: (q: string, ...rest: unknown[]) => Promise<unknown> };
  const original = proto.queryWithCache;
  proto.queryWithCache = async function (this: unknown, q: string, ...rest: unknown[]) {
    const label = currentLabel;
    const t0 = performance.now();
    try {
      return await original.call(this, q, ...rest);
    } finally {
      if (label) {
        const key = q.replace(/\s+/g, " ").trim().slice(0, 72);
        const byStatement = statements.get(label) ?? new Map<string, { n: number; ms: number }>();
        const e = byStatement.get(key) ?? { n: 0, ms: 0 };
        e.n++;
        e.ms += performance.now() - t0;
        byStatement.set(key, e);
        statements.set(label, byStatement);
      }
    }
  };
}

export async function profiled<T>(label: string, fn: () => Promise<T>): Promise<T> {
  if (!profileDir && !countStatements) return fn();
  const n = (runs.get(label) ?? 0) + 1;
  runs.set(label, n);
  currentLabel = label;
  if (profileDir && !session) {
    mkdirSync(profileDir, { recursive: true });
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 200 });
  }
  if (session) await session.post("Profiler.start");
  try {
    return await fn();
  } finally {
    currentLabel = null;
    if (session) {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(path.join(profileDir!, `${label}-${n}.cpuprofile`), JSON.stringify(profile));
    }
  }
}

/** With BENCH_STATEMENTS=1: per label, each statement's count and summed wall time, longest first. */
export function printStatements(): void {
  for (const [label, byStatement] of statements) {
    console.log(`statements in ${label} (${runs.get(label)} runs; wall time summed):`);
    for (const [k, e] of [...byStatement].sort((a, b) => b[1].ms - a[1].ms)) console.log(`  ${e.ms.toFixed(0).padStart(6)} ms ${String(e.n).padStart(5)}x  ${k}`);
  }
}

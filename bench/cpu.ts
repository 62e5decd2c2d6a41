// CPU time of a benchmark's phase, beside its wall time: this process's (every thread, process.cpuUsage) and
// this thread's alone, with the time it spent runnable but waiting for a core (Linux schedstat; absent
// elsewhere). On a machine shared with other work the wall time stretches with the load; this thread's own
// CPU time does not, and with PGlite (which runs in this thread) it is the critical path of the phase when
// other threads take work off it.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

export type TCpu = { ms: number; processCpuMs: number; threadCpuMs: number | null; waitedMs: number | null };

function schedstat(): [number, number] | null {
  try {
    const [onCpu, waited] = readFileSync("/proc/thread-self/schedstat", "utf8").split(" ").map(Number);
    return [onCpu! / 1e6, waited! / 1e6];
  } catch {
    return null;
  }
}

export async function withCpu<T>(fn: () => Promise<T>): Promise<{ result: T; cpu: TCpu }> {
  const s0 = schedstat();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const s1 = schedstat();
  return {
    result,
    cpu: {
      ms,
      processCpuMs: (c.user + c.system) / 1000,
      threadCpuMs: s0 && s1 ? s1[0] - s0[0] : null,
      waitedMs: s0 && s1 ? s1[1] - s0[1] : null,
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Prints the medians of `subject` against `floor` per value: this process's CPU and the main thread's, and
 * how the main thread's wall time splits into on a core, waiting for one (the machine's load) and idle. With Postgres the server's CPU is in
 * neither, so only the wall-time ratio compares the two there.
 */
export function printCpu(indent: string, names: [string, string], subject: TCpu[], floor: TCpu[], n: number, postgres: boolean): void {
  const us = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : (median(xs as number[]) * 1000) / n);
  for (const [label, pick, note] of [
    ["this process", (c: TCpu) => c.processCpuMs, postgres ? "every thread; the database server's share is not in it" : "every thread, PGlite's included"],
    ["main thread", (c: TCpu) => c.threadCpuMs, postgres ? "" : "where PGlite runs"],
  ] as const) {
    const a = us(subject.map(pick));
    const b = us(floor.map(pick));
    if (a === null || b === null) continue;
    console.log(`${indent}CPU time, ${label} (median): ${names[0]} ${a.toFixed(1)} us/value, ${names[1]} ${b.toFixed(1)} us/value, ratio ${(a / b).toFixed(2)}x${note ? ` (${note})` : ""}`);
  }
  // Wall time = on a core + waiting for one + neither (the thread idle: waiting for another thread or process).
  for (const [name, runs] of [[names[0], subject], [names[1], floor]] as const) {
    const wall = us(runs.map((c) => c.ms));
    const onCpu = us(runs.map((c) => c.threadCpuMs));
    const waited = us(runs.map((c) => c.waitedMs));
    if (wall === null || onCpu === null || waited === null) continue;
    console.log(
      `${indent}main thread during ${name} (median): ${wall.toFixed(0)} us/value wall = ${onCpu.toFixed(0)} on a core + ${waited.toFixed(0)} waiting for one ` +
        `(the machine's load) + ${Math.max(0, wall - onCpu - waited).toFixed(0)} idle (waiting for another thread${postgres ? " or the database server" : ""})`,
    );
  }
}

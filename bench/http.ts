// Sequential HTTP timing: each sample is from sending the request to the last byte of the body.
import { performance } from "node:perf_hooks";

export type TResponse = { status: number; type: string; body: string; location: string | null };
export type TSample = { ms: number; bytes: number };

export async function get(url: string, cookie: string): Promise<TResponse & { ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie }, redirect: "manual", cache: "no-store" });
  const body = await res.text();
  const ms = performance.now() - t0;
  return { ms, status: res.status, type: res.headers.get("content-type") ?? "", body, location: res.headers.get("location") };
}

export type TTarget = { url: string; check: (r: TResponse) => void };

/**
 * Warm-up requests, then `n` timed rounds over all targets, one request at a time. Targets alternate within
 * each round (and swap order every round), so background load on the machine lands on all of them alike
 * instead of on whichever ran last. Every response must pass its target's `check` (which throws otherwise).
 */
export async function measure(targets: TTarget[], cookie: string, n: number, warmup: number): Promise<TSample[][]> {
  for (let i = 0; i < warmup; i++) for (const t of targets) t.check(await get(t.url, cookie));
  const out: TSample[][] = targets.map(() => []);
  for (let i = 0; i < n; i++) {
    const order = targets.map((_, k) => k);
    if (i % 2 === 1) order.reverse();
    for (const k of order) {
      const r = await get(targets[k]!.url, cookie);
      targets[k]!.check(r);
      out[k]!.push({ ms: r.ms, bytes: Buffer.byteLength(r.body) });
    }
  }
  return out;
}

export type TStats = { n: number; min: number; p50: number; p95: number; mean: number; max: number };

export function stats(values: number[]): TStats {
  const s = [...values].sort((a, b) => a - b);
  // Nearest-rank percentiles.
  const pct = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  return {
    n: s.length,
    min: s[0]!,
    p50: pct(50),
    p95: pct(95),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    max: s[s.length - 1]!,
  };
}

const col = (v: number) => v.toFixed(1).padStart(8);

export function statsHeader(labelWidth: number): string {
  return `${"".padEnd(labelWidth)} ${"n".padStart(4)} ${["min", "p50", "p95", "mean", "max"].map((h) => h.padStart(8)).join(" ")}  (ms)`;
}

export function statsLine(label: string, labelWidth: number, st: TStats, extra = ""): string {
  return `${label.padEnd(labelWidth)} ${String(st.n).padStart(4)} ${[st.min, st.p50, st.p95, st.mean, st.max].map(col).join(" ")}  ${extra}`;
}

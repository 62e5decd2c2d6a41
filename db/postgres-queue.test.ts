// The `postgres` driver's internal queue (patches/postgres+3.4.9.patch, applied by `patch-package` on install).
// Its pool moves a connection between queues with `queue.remove(c)` + `push(c)`, and `shift()` only blanks the
// slot it takes; a queue is compacted only when it empties. Under sustained load the `busy` queue never empties,
// so each query left one dead slot behind and `remove` scanned all of them: throughput fell with every query
// served (21,000 → 3,600 `select 1`/s over 35 s on 10 connections, and the app's API with it). These tests drive
// the driver's own module (all three builds it ships) through the pool's busy cycle and check that the array
// `remove` scans stays the size of the queue, not the number of queries ever served.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";

type TQueue<T> = { readonly length: number; push: (x: T) => T; shift: () => T; remove: (x: T) => T | null };
type TMakeQueue = <T>(initial?: T[]) => TQueue<T>;

const dir = path.join(import.meta.dirname, "..", "node_modules", "postgres");
const builds: [string, () => Promise<TMakeQueue>][] = [
  ["src (ESM, what Node and Next load)", async () => (await import(pathToFileURL(path.join(dir, "src/queue.js")).href)).default],
  ["cf", async () => (await import(pathToFileURL(path.join(dir, "cf/src/queue.js")).href)).default],
  ["cjs", async () => createRequire(import.meta.url)(path.join(dir, "cjs/src/queue.js"))],
];
const UNPATCHED = "postgres's queue is unpatched: run `npm install` (its postinstall applies patches/ with patch-package)";

afterEach(() => vi.restoreAllMocks());

describe.each(builds)("postgres queue, %s build", (_name, load) => {
  it("stays the size of its contents while it never empties (the pool's busy cycle, 100,000 queries)", async () => {
    const Queue = await load();
    const busy = Queue<{ id: number }>();
    const connections = Array.from({ length: 10 }, (_, id) => ({ id }));
    for (const c of connections) busy.push(c);
    // The longest array the queue's own `remove` searched (only searches for one of these connections count).
    const ours = new Set<unknown>(connections);
    let scanned = 0;
    const indexOf = Array.prototype.indexOf;
    vi.spyOn(Array.prototype, "indexOf").mockImplementation(function (this: unknown[], ...args) {
      if (ours.has(args[0])) scanned = Math.max(scanned, this.length);
      return indexOf.apply(this, args as [unknown, number?]);
    });
    // As the pool does for each query while every connection is busy: go(busy.shift(), q) then move(c, busy).
    let found = 0;
    for (let i = 0; i < 100_000; i++) {
      const c = busy.shift();
      if (busy.remove(c) !== null) found++;
      busy.push(c);
    }
    vi.restoreAllMocks();
    expect(found).toBe(0);
    expect(busy.length).toBe(10);
    expect(Array.from({ length: 10 }, () => busy.shift().id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(scanned, UNPATCHED).toBeLessThanOrEqual(200);
  });

  it("keeps first-in first-out order and removes from the middle across compactions", async () => {
    const Queue = await load();
    const q = Queue<number>();
    const model: number[] = [];
    let next = 0;
    for (let i = 0; i < 5_000; i++) {
      q.push(next);
      model.push(next++);
      if (i % 3 === 0) {
        q.push(next);
        model.push(next++);
      }
      if (i % 7 === 0 && model.length > 2) {
        const mid = model[Math.floor(model.length / 2)]!;
        expect(q.remove(mid)).toBe(mid);
        model.splice(model.indexOf(mid), 1);
      }
      expect(q.shift()).toBe(model.shift());
      expect(q.length).toBe(model.length);
    }
    expect(q.remove(-1)).toBeNull();
    while (model.length) expect(q.shift()).toBe(model.shift());
    expect(q.length).toBe(0);
  });
});

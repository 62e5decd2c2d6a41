// Summarises a .cpuprofile (bench/profile-import.ts, node --cpu-prof): self time by function and by file,
// and with `--callers=NAME` the call paths into a function, by self time under them.
//
//   node bench/profile-summary.mjs FILE [TOP] [--callers=NAME | --under=NAME | --inclusive]
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const file = args[0];
const top = Number(args.find((a) => /^\d+$/.test(a)) ?? 40);
const callersOf = args.find((a) => a.startsWith("--callers="))?.slice(10);
const under = args.find((a) => a.startsWith("--under="))?.slice(8);
const p = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const where = (n) => {
  const cf = n.callFrame;
  const u = (cf.url || "").replace(/.*node_modules\//, "nm/").replace(/^file:\/\/\/work\/wt\/[^/]+\//, "").replace(/^\/work\/wt\/[^/]+\//, "");
  return { fn: `${cf.functionName || "(anon)"} ${u}:${cf.lineNumber}`, file: u.split("/").slice(0, 3).join("/") || cf.functionName };
};
const self = new Map();
let total = 0;
for (let i = 0; i < p.samples.length; i++) {
  const d = p.timeDeltas[i] ?? 0;
  total += d;
  self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + d);
}
const ms = (t) => `${(t / 1000).toFixed(0).padStart(7)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%`;
console.log(`total ${(total / 1000).toFixed(0)} ms`);
if (callersOf) {
  const paths = new Map();
  for (const [id, t] of self) {
    const chain = [];
    let found = false;
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const w = where(byId.get(cur)).fn;
      if (!found && w.startsWith(callersOf + " ")) found = true;
      if (found) chain.push(w);
    }
    if (!found) continue;
    const key = chain.slice(0, 8).join("  <-  ");
    paths.set(key, (paths.get(key) ?? 0) + t);
  }
  for (const [k, t] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(t)}  ${k}`);
} else if (under) {
  // Self time of the leaves below a function, i.e. what it spends its time on.
  const leaves = new Map();
  let sum = 0;
  for (const [id, t] of self) {
    let inside = false;
    for (let cur = id; cur !== undefined && !inside; cur = parent.get(cur)) inside = where(byId.get(cur)).fn.startsWith(under + " ");
    if (!inside) continue;
    sum += t;
    const w = where(byId.get(id)).fn;
    leaves.set(w, (leaves.get(w) ?? 0) + t);
  }
  console.log(`under ${under}: ${ms(sum)}`);
  for (const [k, t] of [...leaves].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(t)}  ${k}`);
} else if (args.includes("--inclusive")) {
  const incl = new Map();
  for (const [id, t] of self) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const w = where(byId.get(cur)).fn;
      if (seen.has(w)) continue;
      seen.add(w);
      incl.set(w, (incl.get(w) ?? 0) + t);
    }
  }
  for (const [k, t] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(t)}  ${k}`);
} else {
  const fn = new Map();
  const files = new Map();
  for (const [id, t] of self) {
    const w = where(byId.get(id));
    fn.set(w.fn, (fn.get(w.fn) ?? 0) + t);
    files.set(w.file, (files.get(w.file) ?? 0) + t);
  }
  for (const [k, t] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(t)}  ${k}`);
  console.log("--- by file");
  for (const [k, t] of [...files].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${ms(t)}  ${k}`);
}

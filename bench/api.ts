// `npm run bench:api`: the machine path under load. Starts a production build on Postgres, creates a team with
// a token bound to 10 secrets, and loads GET /api/v1/secrets with autocannon, interleaved with an in-repo floor
// (bench/api-floor.ts: bare node:http + postgres doing the least work the endpoint must do) in the same run:
// floor, app, floor, app, ... for every connection count, after a warm-up. Prints req/s, p50, p99, errors and
// non-2xx of each round, and the ratios app/floor. Also: a 1-connection profile (each database round trip,
// the same handler called in this process without Next, and over HTTP through Next), and the CLI's start-up
// (`team-secrets run -- true`, CLI start to the child's exit). Ratios, not absolute figures, are the result:
// the machine is shared.
//
//   npm run bench:api [-- --no-build] [--rounds=3] [--duration=8] [--conns=1,50,200] [--pgbouncer] [--keep]
//
// Database: a fresh database on the local Postgres (scripts/test-db.mjs), dropped afterwards; --pgbouncer puts
// PgBouncer (transaction pooling) between both servers and Postgres. No value, key or token is printed.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { stats } from "./http";
import { build, buildIsFresh, DIST_DIR, freePort, productionEnv, start, type TServer } from "./server";
import { startPgBouncer, type TPgBouncer } from "../scripts/pgbouncer.mjs";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const opt = (name: string, dflt: string) => args.find((x) => x.startsWith(`--${name}=`))?.split("=")[1] ?? dflt;
const ROUNDS = Number(opt("rounds", "3"));
const DURATION = Number(opt("duration", "8"));
const CONNS = opt("conns", "1,50,200").split(",").map(Number);
const POOL = Number(opt("pool", "10"));

const runId = new Date().toISOString().replace(/[-:T.Z]/g, "").slice(0, 14) + randomBytes(2).toString("hex");
const directUrl = execFileSync(process.execPath, ["scripts/test-db.mjs"], { encoding: "utf8" }).trim();
const dbName = directUrl.slice(directUrl.lastIndexOf("/") + 1);
process.env.DATABASE_URL = directUrl;
process.env.SECRETS_MASTER_KEY = randomBytes(32).toString("base64");
process.env.AUTH_SECRET = randomBytes(33).toString("base64");
process.env.DATA_DIR = path.join(process.cwd(), ".data", `bench-api-${runId}`);
process.env.WEBHOOK_WORKER = "off";
// The budget has its own tests; here it must not be what is measured (also for the in-process profile).
process.env.API_TOKEN_REQUESTS_PER_MINUTE = "100000000";

let server: TServer | null = null;
let floor: ChildProcess | null = null;
let bouncer: TPgBouncer | null = null;
let floorLog = () => "";
async function cleanup() {
  await server?.stop();
  if (floor?.pid) {
    try {
      process.kill(-floor.pid, "SIGTERM");
    } catch {}
  }
  await bouncer?.stop();
  if (!flag("keep")) execFileSync(process.execPath, ["scripts/test-db.mjs", "drop", dbName]);
}
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

async function startFloor(env: NodeJS.ProcessEnv): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(process.env.BENCH_FLOOR_NODE_ARGS ?? "").split(" ").filter(Boolean), "--conditions=react-server", "--import", "tsx", "bench/api-floor.ts"], {
    env: { ...env, PORT: String(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  floor = child;
  let out = "";
  child.stderr!.on("data", (d) => (out += d));
  floorLog = () => out;
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d) => String(d).includes("floor listening") && resolve());
    child.on("exit", () => reject(new Error(`floor exited: ${out}`)));
  });
  return `http://127.0.0.1:${port}`;
}

// CPU per request, read from /proc: throughput on a shared 2-core machine moves with whatever else runs, but the
// CPU a request costs the server process and the database's backends hardly does, so it is the steadier figure.
const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim() || 100);
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * TICK_MS; // utime + stime
  } catch {
    return 0; // gone (a backend that closed): its time is not counted
  }
}
/** The backends serving this benchmark's database (their process title names it). */
function backendPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (title.startsWith("postgres: ") && title.includes(` ${dbName} `)) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}
type TCpu = { server: number; db: number };
function cpuSnapshot(pid: number): Map<number, number> & { server: number } {
  const m = new Map(backendPids().map((p) => [p, cpuMsOf(p)])) as Map<number, number> & { server: number };
  m.server = cpuMsOf(pid);
  return m;
}
function cpuSince(pid: number, before: Map<number, number> & { server: number }): TCpu {
  let db = 0;
  for (const p of backendPids()) db += cpuMsOf(p) - (before.get(p) ?? 0);
  return { server: cpuMsOf(pid) - before.server, db };
}

type TRound = { rps: number; p50: number; p99: number; errors: number; non2xx: number; timeouts: number; codes: string; cpu?: TCpu; requests: number };
async function load(url: string, token: string, connections: number, duration: number, pid?: number): Promise<TRound> {
  const before = pid ? cpuSnapshot(pid) : null;
  const r = await autocannon({ url, connections, duration, headers: { authorization: `Bearer ${token}` } });
  const cpu = pid && before ? cpuSince(pid, before) : undefined;
  // Which statuses, when any answer was not a 2xx (a benchmark that hides its failures measures nothing).
  const codes = r.non2xx
    ? Object.entries((r as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})
        .filter(([code]) => !code.startsWith("2"))
        .map(([code, { count }]) => `${code}×${count}`)
        .join(" ")
    : "";
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx, timeouts: r.timeouts, codes, cpu, requests: (r.requests as { total?: number }).total ?? r.requests.average * duration };
}
const perReq = (ms: number, n: number) => (n > 0 ? (ms * 1000) / n : 0);
const fmt = (r: TRound) =>
  `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${String(r.p50).padStart(5)} ms  p99 ${String(r.p99).padStart(5)} ms  errors ${r.errors}  non-2xx ${r.non2xx}${r.codes ? ` (${r.codes})` : ""}  timeouts ${r.timeouts}` +
  (r.cpu ? `  cpu/req: server ${perReq(r.cpu.server, r.requests).toFixed(0).padStart(4)} µs, postgres ${perReq(r.cpu.db, r.requests).toFixed(0).padStart(4)} µs` : "");

async function main() {
  const serverEnv = productionEnv({
    DATABASE_POOL_SIZE: String(POOL),
    // The budget is tested elsewhere; here it must not be what is measured.
    API_TOKEN_REQUESTS_PER_MINUTE: "100000000",
  });
  console.log(`Secrets API benchmark — Postgres${flag("pgbouncer") ? " through PgBouncer (transaction pooling)" : ""}, pool ${POOL} per server, ${ROUNDS} interleaved rounds of ${DURATION} s`);
  if (flag("no-build")) console.log(`build: skipped (--no-build)${buildIsFresh() ? "" : "; WARNING: sources are newer than the build"}`);
  else if (buildIsFresh()) console.log(`build: ${DIST_DIR} is newer than every source file, reused`);
  else console.log(`build: next build into ${DIST_DIR} in ${(build(serverEnv) / 1000).toFixed(1)} s`);

  const { getDb, closeDb } = await import("@/db/client");
  const { seedTokenTeam } = await import("./seed");
  await getDb();
  const { token } = await seedTokenTeam(runId);
  if (!flag("no-profile")) await profile(token);
  await closeDb();

  let appEnv = serverEnv;
  if (flag("pgbouncer")) {
    bouncer = await startPgBouncer({ databaseUrl: directUrl, port: await freePort(), dir: process.env.DATA_DIR! });
    // Migrations already ran on the direct connection (seeding); the servers go through the pooler.
    appEnv = { ...serverEnv, DATABASE_URL: bouncer.url, DATABASE_MIGRATION_URL: directUrl };
    console.log(`pgbouncer: ${bouncer.version}, transaction pooling on ${bouncer.url.replace(/\/\/[^@]*@/, "//")}`);
  }
  const t0 = performance.now();
  server = await start(appEnv);
  console.log(`server: npm start (server.mjs) ready in ${(performance.now() - t0).toFixed(0)} ms`);
  const floorUrl = await startFloor({ ...appEnv, DATABASE_PREPARE: flag("pgbouncer") ? "false" : "true" });
  const targets = {
    floor: `${floorUrl}/`,
    "floor (no audit)": `${floorUrl}/plain`,
    app: `${server.url}/api/v1/secrets`,
    "app ?values=false": `${server.url}/api/v1/secrets?values=false`,
  };
  for (const [label, url] of Object.entries(targets)) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    const count = res.status === 200 ? (JSON.parse(text) as { secrets?: unknown[] }).secrets?.length : undefined;
    if (count !== 10) throw new Error(`${label}: HTTP ${res.status}, ${count} secrets ${floorLog()}`);
  }

  // ---- 1 connection: where the time goes.
  const seq = async (url: string, n: number) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      await r.arrayBuffer();
      ms.push(performance.now() - s);
    }
    return stats(ms);
  };
  for (const url of Object.values(targets)) await seq(url, 50);
  console.log(`\n1 connection, sequential fetch (200 each, interleaved in 4 blocks):`);
  const seqRes = new Map<string, number[]>();
  for (let b = 0; b < 4; b++) {
    for (const [label, url] of Object.entries(targets)) {
      const st = await seq(url, 50);
      seqRes.set(label, [...(seqRes.get(label) ?? []), st.p50]);
    }
  }
  for (const [label, p50s] of seqRes) console.log(`  ${label.padEnd(20)} p50 ${(p50s.reduce((a, b) => a + b) / p50s.length).toFixed(2)} ms`);

  // ---- Load: interleaved rounds.
  const results: Record<string, TRound[]> = {};
  const plan: [string, number][] = [];
  for (const c of CONNS) for (const label of ["floor", "app", ...(c === 50 ? ["floor (no audit)", "app ?values=false"] : [])]) plan.push([label, c]);
  console.log(`\nwarm-up: 2 s of each target at 50 connections`);
  for (const label of Object.keys(targets)) await load(targets[label as keyof typeof targets], token, 50, 2);
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`\nround ${round}`);
    for (const [label, c] of round % 2 === 0 ? [...plan].reverse() : plan) {
      const pid = label.startsWith("floor") ? floor!.pid : server!.child.pid;
      const r = await load(targets[label as keyof typeof targets], token, c, DURATION, pid);
      (results[`${label}@${c}`] ??= []).push(r);
      console.log(`  ${`${label} @${c}`.padEnd(26)} ${fmt(r)}`);
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const agg = (key: string) => {
    const rs = results[key]!;
    return { rps: med(rs.map((r) => r.rps)), p50: med(rs.map((r) => r.p50)), p99: med(rs.map((r) => r.p99)), bad: rs.reduce((a, r) => a + r.errors + r.non2xx + r.timeouts, 0) };
  };
  // The machine is shared: what runs beside a round moves both of its targets, so each round's app/floor ratio
  // (the two ran one after the other) is the measurement, and the summary is the median of those ratios.
  const ratios = (a: string, f: string, pick: (r: TRound) => number) =>
    results[a]!.map((r, i) => pick(r) / Math.max(1, pick(results[f]![i]!)));
  const fmtRatios = (xs: number[]) => `${med(xs).toFixed(2)}x (rounds: ${xs.map((x) => x.toFixed(2)).join(", ")})`;
  console.log(`\nsummary (median of ${ROUNDS} rounds; ratios app / audited floor, each round's pair measured back to back)`);
  for (const c of CONNS) {
    const f = agg(`floor@${c}`);
    const a = agg(`app@${c}`);
    console.log(
      `  @${String(c).padEnd(4)} floor ${f.rps.toFixed(0)} req/s p99 ${f.p99} ms | app ${a.rps.toFixed(0)} req/s p50 ${a.p50} ms p99 ${a.p99} ms, errors+non-2xx ${a.bad}` +
        ` | req/s ratio ${fmtRatios(ratios(`app@${c}`, `floor@${c}`, (r) => r.rps))}, p99 ratio ${fmtRatios(ratios(`app@${c}`, `floor@${c}`, (r) => r.p99))}`,
    );
  }
  // CPU a request costs (server process + the database's backends): the figure least moved by the machine's load.
  const cpuOf = (key: string, pick: (c: TCpu) => number) => med(results[key]!.map((r) => (r.cpu ? perReq(pick(r.cpu), r.requests) : 0)));
  for (const c of CONNS) {
    const [f, a] = [`floor@${c}`, `app@${c}`];
    const total = (k: string) => cpuOf(k, (x) => x.server + x.db);
    console.log(
      `  @${String(c).padEnd(4)} cpu/req (median): floor server ${cpuOf(f, (x) => x.server).toFixed(0)} µs + postgres ${cpuOf(f, (x) => x.db).toFixed(0)} µs` +
        ` | app server ${cpuOf(a, (x) => x.server).toFixed(0)} µs + postgres ${cpuOf(a, (x) => x.db).toFixed(0)} µs | app/floor ${(total(a) / Math.max(1, total(f))).toFixed(2)}x`,
    );
  }
  if (CONNS.includes(50)) {
    const v = agg("app ?values=false@50");
    const p = agg("floor (no audit)@50");
    console.log(
      `  ?values=false @50: ${v.rps.toFixed(0)} req/s, errors+non-2xx ${v.bad} | ${fmtRatios(ratios("app ?values=false@50", "floor@50", (r) => r.rps))} the audited floor; floor without audit ${p.rps.toFixed(0)} req/s`,
    );
  }

  // A round with refusals or failures: what the server logged (kinds and codes only; it never logs values).
  if (Object.values(results).some((rs) => rs.some((r) => r.non2xx + r.errors > 0))) {
    console.log(`\n--- server log (last 30 lines), since some rounds had errors or non-2xx ---\n${server!.log().split("\n").slice(-30).join("\n")}`);
  }

  // ---- CLI start-up: CLI start to the child's exit.
  const cli = (): number => {
    const s = performance.now();
    execFileSync(process.execPath, ["bin/team-secrets.mjs", "run", "--", "true"], {
      env: { NODE_ENV: "production", PATH: process.env.PATH, TEAM_SECRETS_URL: server!.url, TEAM_SECRETS_TOKEN: token },
      stdio: "ignore",
    });
    return performance.now() - s;
  };
  const bare = (): number => {
    const s = performance.now();
    execFileSync(process.execPath, ["-e", "require('child_process').spawnSync('true')"], { stdio: "ignore" });
    return performance.now() - s;
  };
  for (let i = 0; i < 3; i++) cli();
  const cliMs: number[] = [];
  const bareMs: number[] = [];
  for (let i = 0; i < 20; i++) {
    cliMs.push(cli());
    bareMs.push(bare());
  }
  const c = stats(cliMs);
  console.log(`\nCLI start-up \`team-secrets run -- true\`: p50 ${c.p50.toFixed(0)} ms, max ${c.max.toFixed(0)} ms (goal <= 150 ms); bare \`node\` spawning \`true\`: p50 ${stats(bareMs).p50.toFixed(0)} ms`);
}

/**
 * Where a request's time goes without Next: each database step of the handler, timed alone in this process
 * on the same database (200 sequential calls each, p50), then the whole handler called in-process with a
 * Request object. The HTTP figures later show what Next adds on top.
 */
async function profile(token: string) {
  const { getDb } = await import("@/db/client");
  const { sql } = await import("drizzle-orm");
  const { authenticateAccessToken, authenticateMachineRequest } = await import("@/lib/dal/access-tokens");
  const { badAuthRetryAfter, consumeTokenRequest } = await import("@/lib/dal/rate-limit");
  const { listTokenSecretVersions, readTokenSecrets } = await import("@/lib/dal/token-reads");
  const { handleSecretsRequest } = await import("@/lib/api/secrets-api");
  const db = await getDb();
  const principal = (await authenticateAccessToken(token, "127.0.0.1"))!;
  const steps: [string, () => Promise<unknown>][] = [
    ["round trip (select 1)", () => db.execute(sql`select 1`)],
    ["failed-auth budget alone (a bad token)", () => badAuthRetryAfter("127.0.0.1")],
    ["token lookup + failed-auth budget", () => authenticateMachineRequest(token, "127.0.0.1")],
    ["token budget", () => consumeTokenRequest(principal.id)],
    ["bindings (?values=false)", () => listTokenSecretVersions(principal)],
    ["read: bindings + values + audit", () => readTokenSecrets(principal, null, { ip: "127.0.0.1", userAgent: "bench" })],
    ["whole handler, in-process", () => handleSecretsRequest(new Request("http://localhost/api/v1/secrets", { headers: { authorization: `Bearer ${token}` } }), null)],
  ];
  console.log("\n1-connection profile without Next (this process, same database; p50 of 200 sequential calls):");
  for (const [label, fn] of steps) {
    for (let i = 0; i < 20; i++) await fn();
    const ms: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    console.log(`  ${label.padEnd(34)} p50 ${stats(ms).p50.toFixed(2)} ms`);
  }
}

main()
  .then(cleanup)
  .catch(async (err) => {
    const tail = server?.log().split("\n").slice(-30).join("\n");
    if (tail) console.error(`--- server output (last lines) ---\n${tail}`);
    console.error(err);
    await cleanup();
    process.exit(1);
  });

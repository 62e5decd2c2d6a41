// The production build and server for the benchmark: `next build` into .next-bench (skipped when the build is
// newer than every source file), and `npm start` (server.mjs) on a free port in its own process group, so stopping it
// also stops next-server.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { processGroup } from "../scripts/child-process.mjs";

// BENCH_DIST_DIR reuses another production build (e.g. the e2e suite's .next-e2e) with --no-build.
export const DIST_DIR = process.env.BENCH_DIST_DIR || ".next-bench";

/** The environment of a production build and server of the benchmark (this process's, plus `extra`). */
export function productionEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, NODE_ENV: "production", NEXT_DIST_DIR: DIST_DIR, AUTH_TRUST_HOST: "true", NEXT_TELEMETRY_DISABLED: "1" };
}
const NEXT_BIN = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
const SOURCES = ["server.mjs", "app", "components", "lib", "db", "auth.ts", "instrumentation.ts", "next.config.ts", "package.json", "postcss.config.mjs"];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** True when .next-bench holds a build newer than every source file. */
export function buildIsFresh(): boolean {
  const buildId = path.join(DIST_DIR, "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const built = statSync(buildId).mtimeMs;
  return SOURCES.every((s) => newestMtime(s) < built);
}

export function build(env: NodeJS.ProcessEnv): number {
  const started = Date.now();
  const res = spawnSync(process.execPath, [NEXT_BIN, "build"], { env, stdio: ["ignore", "inherit", "inherit"] });
  if (res.status !== 0) throw new Error(`next build failed (exit ${res.status})`);
  return Date.now() - started;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export type TServer = { url: string; child: ChildProcess; log: () => string; stop: () => Promise<void> };

/** Starts server.mjs (`npm start`) and waits until it answers; the server's output is kept (not printed) for errors. */
export async function start(env: NodeJS.ProcessEnv, fixedPort?: number, readyPath = "/sign-in"): Promise<TServer> {
  const port = fixedPort ?? (await freePort());
  // server.mjs is `npm start`: Next in-process behind node:http (the socket's peer address, graceful shutdown).
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server process itself.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(process.cwd(), "server.mjs"), "-p", String(port), "-H", "127.0.0.1"], {
    env,
    detached: true, // own process group: stop() kills next-server and any child with it
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const group = processGroup(child);
  const stop = () => group.stop("SIGTERM", 5000);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (group.exited()) throw new Error(`server exited early:\n${output}`);
    try {
      await fetch(`${url}${readyPath}`, { redirect: "manual" }).then((r) => r.arrayBuffer());
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`server did not answer within 60 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, child, log: () => output, stop };
}

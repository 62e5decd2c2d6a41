// The e2e web server: `next build` into .next-e2e, `npm run db:seed`, then `next start`, all in this process
// group (Playwright stops the group). Every line of output is teed to E2E_SERVER_LOG, which the leak check
// reads. With E2E_SKIP_BUILD=1 an existing .next-e2e build is reused (local iteration only).
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..");
const logPath = process.env.E2E_SERVER_LOG ?? path.join(root, "e2e", ".artifacts", "server.log");
mkdirSync(path.dirname(logPath), { recursive: true });
const log = createWriteStream(logPath, { flags: "w" });
const next = path.join(root, "node_modules", ".bin", "next");

let child = null;
let stopping = false;

function note(line) {
  const text = `[e2e-server] ${line}\n`;
  log.write(text);
  process.stderr.write(text);
}

/** Runs one step with stdout+stderr teed to the log (and to this process's stdout/stderr). */
function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    let tail = "";
    const keep = (d) => {
      tail = (tail + d.toString()).slice(-6000);
    };
    child = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d) => {
      log.write(d);
      keep(d);
      process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      log.write(d);
      keep(d);
      process.stderr.write(d);
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      child = null;
      if (code === 0 || stopping) return resolve();
      // Playwright shows only stderr: repeat the end of the failed step's output there.
      process.stderr.write(tail);
      reject(new Error(`${path.basename(cmd)} ${args[0] ?? ""} exited with ${code ?? signal}`));
    });
  });
}

let e2eDatabase = null;

function cleanup() {
  if (e2eDatabase && !process.env.E2E_KEEP_DATA) {
    try {
      execFileSync(process.execPath, ["scripts/test-db.mjs", "drop", e2eDatabase], { cwd: root, stdio: "ignore" });
    } catch {}
  }
  // The per-run embedded database is throwaway; a DATABASE_URL database belongs to the caller.
  const dataDir = process.env.DATA_DIR;
  if (dataDir && /(^|\/)\.data\/e2e-\d+$/.test(dataDir) && !process.env.E2E_KEEP_DATA) {
    rmSync(path.resolve(root, dataDir), { recursive: true, force: true });
  }
}

for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => {
    stopping = true;
    if (child) child.kill("SIGTERM");
    else {
      cleanup();
      process.exit(0);
    }
  });
}

try {
  const base = { ...process.env };
  delete base.NODE_ENV;
  note(`database: ${base.DATABASE_URL ? "postgres (DATABASE_URL)" : `embedded PGlite in ${base.PGLITE_DATA_DIR}`}`);
  if (!base.E2E_SKIP_BUILD) {
    const started = Date.now();
    await run(next, ["build"], base);
    note(`build finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (base.DATABASE_URL && !stopping) {
    // The suite's own database (playwright.config.ts names it): empty at every start.
    const dbName = new URL(base.DATABASE_URL).pathname.slice(1);
    // With an owner URL beside it (CI), the same least-privilege roles as the caller's database.
    const roles = base.DATABASE_MIGRATION_URL && new URL(base.DATABASE_MIGRATION_URL).username !== new URL(base.DATABASE_URL).username;
    await run(process.execPath, ["scripts/test-db.mjs", "recreate", dbName, ...(roles ? ["--roles"] : [])], base);
    e2eDatabase = dbName;
  }
  if (!stopping) await run("npm", ["run", "--silent", "db:seed"], base);
  if (!stopping) {
    note(`starting next on port ${base.PORT}`);
    // server.mjs, as `npm start`: the client address is the socket peer (see lib/client-address.ts).
    await run(process.execPath, ["server.mjs", "-p", base.PORT ?? "3210", "-H", "127.0.0.1"], { ...base, NODE_ENV: "production" });
  }
} catch (err) {
  note(`failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  cleanup();
  log.end();
}

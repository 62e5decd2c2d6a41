// Issue 9 item 14: one process per embedded database. A second process on the same PGlite directory (a seed
// beside the dev server) is refused with a message naming the owner and changes nothing; a lock left by a
// process that died is taken over.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..", "..");
const base = mkdtempSync(path.join(tmpdir(), "team-secrets-lock-"));
const dataDir = path.join(base, "pglite");
const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "development" as const,
  DATABASE_URL: "",
  PGLITE_DATA_DIR: dataDir,
  DATA_DIR: base,
  SECRETS_MASTER_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
  AUTH_SECRET: "test-auth-secret-test-auth-secret-0123",
  LOG_LEVEL: "silent",
};
const tsx = ["--conditions=react-server", "--import", "tsx"];
let holder: ChildProcess | undefined;

afterAll(() => {
  holder?.kill("SIGKILL");
  rmSync(base, { recursive: true, force: true });
});

function runScript(script: string) {
  return spawnSync(process.execPath, [...tsx, script], { cwd: root, env: childEnv, encoding: "utf8", timeout: 60_000 });
}

/** Every file under the directory with its size and modification time. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p);
        out.push(`${path.relative(dir, p)} ${s.size} ${s.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

function startHolder(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...tsx, "tests/support/pglite-holder.ts"], { cwd: root, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    child.stdout!.on("data", (d) => {
      if (String(d).includes("ready")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`holder exited with ${code}: ${err.slice(-500)}`)));
  });
}

describe("embedded database ownership", () => {
  it("refuses a second process with a message naming the owner, and the second process changes nothing", async () => {
    holder = await startHolder();
    const before = snapshot(dataDir);
    const seed = runScript("scripts/seed.ts");
    expect(seed.status).toBe(1);
    expect(seed.stderr).toContain(`is in use by process ${holder.pid}`);
    expect(seed.stderr).toContain("one process per data directory");
    expect(seed.stdout).not.toContain("Seeded");
    expect(snapshot(dataDir)).toEqual(before);
    // The owner's lock is still in place.
    expect(JSON.parse(readFileSync(`${dataDir}.lock`, "utf8")).pid).toBe(holder.pid);
  }, 90_000);

  it("takes over a lock whose process is gone, and releases it on exit", async () => {
    holder!.kill("SIGKILL"); // dies without releasing: the lock file stays behind
    await new Promise((r) => holder!.once("exit", r));
    expect(existsSync(`${dataDir}.lock`)).toBe(true);
    const seed = runScript("scripts/seed.ts");
    expect(seed.stderr).not.toContain("in use by process");
    expect(seed.status).toBe(0);
    expect(seed.stdout).toContain("Seeded 4 users");
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  }, 90_000);

  it("treats a lock naming a reused pid (same pid, other start time) as stale", () => {
    writeFileSync(
      `${dataDir}.lock`,
      JSON.stringify({ pid: process.pid, host: hostname(), startTime: "1", command: "old", since: "then" }),
    );
    const migrate = runScript("scripts/migrate.ts");
    expect(migrate.stderr).not.toContain("in use by process");
    expect(migrate.status).toBe(0);
  }, 90_000);
});

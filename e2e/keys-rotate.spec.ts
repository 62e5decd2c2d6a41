// `keys rotate` end to end: a private app instance (the suite's production build, its own database) serves
// values under key A; the instance stops, `npm run keys -- rotate` re-wraps with B active and A retired, and
// the instance starts again with ONLY key B: `team-secrets run` still gets every value, and `keys status`
// shows nothing left under A. Its own server and database, so the shared suite server never changes keys.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { PORT, ROOT } from "./support/env";

const KEY_A = randomBytes(32).toString("base64");
const KEY_B = randomBytes(32).toString("base64");
const APP_PORT = PORT + 7;
const NAMES = Array.from({ length: 12 }, (_, i) => `ROT_${i}`);
const values = Object.fromEntries(NAMES.map((n) => [n, `${n.toLowerCase()}-${randomBytes(9).toString("base64url")}`]));

type TRun = { code: number | null; stdout: string; stderr: string };

function run(cmd: string, args: string[], env: Record<string, string>, input?: string): Promise<TRun> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    child.stdin.end(input ?? "");
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const tsx = (script: string, args: string[], env: Record<string, string>, input?: string) =>
  run(process.execPath, ["--conditions=react-server", "--import", "tsx", script, ...args], env, input);

async function startApp(env: Record<string, string>): Promise<ChildProcess> {
  const next = path.join(ROOT, "node_modules", ".bin", "next");
  const child = spawn(next, ["start", "-p", String(APP_PORT), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: "ignore",
    detached: true,
  });
  await expect
    .poll(async () => (await fetch(`http://127.0.0.1:${APP_PORT}/sign-in`).catch(() => null))?.status ?? 0, { timeout: 60_000 })
    .toBe(200);
  return child;
}

async function stopApp(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on("exit", resolve));
  process.kill(-child.pid!, "SIGTERM");
  await exited;
}

test("after keys rotate and a restart with only the new key, team-secrets run gets every value", async () => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(path.join(tmpdir(), "team-secrets-e2e-keys-"));
  const db: Record<string, string> = process.env.DATABASE_URL ? {} : { DATABASE_URL: "", PGLITE_DATA_DIR: path.join(dir, "pglite") };
  let dbName: string | null = null;
  if (process.env.DATABASE_URL) {
    // Least-privilege roles when the suite runs under them (CI); never the caller's owner URL for this database.
    const made = await run(process.execPath, ["scripts/test-db.mjs", ...(process.env.DATABASE_MIGRATION_URL ? ["--roles"] : [])], {});
    const [app, owner] = made.stdout.trim().split("\n");
    db.DATABASE_URL = app!;
    db.DATABASE_MIGRATION_URL = owner ?? "";
    dbName = db.DATABASE_URL.slice(db.DATABASE_URL.lastIndexOf("/") + 1);
  }
  const base = {
    ...db,
    DATA_DIR: path.join(dir, "data"),
    NEXT_DIST_DIR: ".next-e2e",
    NEXT_TELEMETRY_DISABLED: "1",
    AUTH_SECRET: randomBytes(33).toString("base64"),
    AUTH_TRUST_HOST: "true",
    WEBHOOK_WORKER: "off",
    SECRETS_PREVIOUS_MASTER_KEYS: "",
  };
  const withA = { ...base, SECRETS_MASTER_KEY: KEY_A };
  const rotating = { ...base, SECRETS_MASTER_KEY: KEY_B, SECRETS_PREVIOUS_MASTER_KEYS: KEY_A };
  const onlyB = { ...base, SECRETS_MASTER_KEY: KEY_B };
  let app: ChildProcess | null = null;
  try {
    const setup = await tsx("e2e/support/keys-fixture.ts", [], { ...withA, NODE_ENV: "test" }, JSON.stringify(values));
    expect(setup.code, setup.stderr).toBe(0);
    const { token } = JSON.parse(setup.stdout) as { token: string };
    // The command prints the variables it was given, as JSON.
    const printEnv = `console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(NAMES)}.map((k) => [k, process.env[k] ?? null]))))`;
    const runCli = () =>
      run(process.execPath, [path.join(ROOT, "bin", "team-secrets.mjs"), "run", "--", process.execPath, "-e", printEnv], {
        TEAM_SECRETS_URL: `http://127.0.0.1:${APP_PORT}`,
        TEAM_SECRETS_TOKEN: token,
      });

    app = await startApp(withA);
    const before = await runCli();
    expect(before.code, before.stderr).toBe(0);
    expect(JSON.parse(before.stdout)).toEqual(values);
    await stopApp(app);
    app = null;

    const rotate = await tsx("scripts/keys.ts", ["rotate"], { ...rotating, NODE_ENV: "test" });
    expect(rotate.code, rotate.stdout + rotate.stderr).toBe(0);
    expect(rotate.stdout).toContain(`Done: ${NAMES.length} re-wrapped, 0 skipped`);
    const status = await tsx("scripts/keys.ts", ["status"], { ...onlyB, NODE_ENV: "test" });
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toContain("Every envelope is under the active key.");
    for (const leaked of [KEY_A, KEY_B, ...Object.values(values)]) expect(rotate.stdout + rotate.stderr + status.stdout).not.toContain(leaked);

    app = await startApp(onlyB);
    const after = await runCli();
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout)).toEqual(values);
  } finally {
    if (app) await stopApp(app);
    if (dbName) await run(process.execPath, ["scripts/test-db.mjs", "drop", dbName], {});
    rmSync(dir, { recursive: true, force: true });
  }
});

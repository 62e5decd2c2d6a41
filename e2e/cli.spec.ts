// The team-secrets CLI end to end against the running production app: a token made in the UI, the CLI run
// as a real process (node bin/team-secrets.mjs), rotation and revocation done in the UI.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import { expect, test } from "./fixtures";
import { BASE_URL, ROOT } from "./support/env";
import { newTag, SecretsPage } from "./support/secrets-page";
import { createToken, revokeToken } from "./support/tokens-page";

const CLI = path.join(ROOT, "bin", "team-secrets.mjs");
// A child that prints the environment variables it was asked about, as JSON.
const PRINT_ENV = `console.log(JSON.stringify(Object.fromEntries(process.argv.slice(1).map((k) => [k, process.env[k] ?? null]))))`;

type TRun = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

function startCli(args: string[], env: Record<string, string | undefined>): { child: ChildProcess; done: Promise<TRun>; out: () => string } {
  const childEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as unknown as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, [CLI, ...args], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] as const });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c));
  child.stderr.on("data", (c: Buffer) => (stderr += c));
  const done = new Promise<TRun>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, out: () => stdout };
}

const cli = (args: string[], env: Record<string, string | undefined>) => startCli(args, env).done;

test.describe.serial("team-secrets CLI", () => {
  const tag = newTag();
  const A = `CLI_A_${tag}`;
  const B = `CLI_B_${tag}`;
  const values: Record<string, string> = {};
  let token = "";
  let env: Record<string, string> = {};

  test("setup: two secrets and a token from the UI", async ({ asRole, leak }) => {
    const page = await asRole("admin");
    const secrets = await SecretsPage.open(page, leak, tag);
    values[A] = leak.value("cli a");
    values[B] = `${leak.value("cli b")} with spaces, "quotes" and $dollar`;
    leak.register("cli b full", values[B]);
    await secrets.add({ name: A, value: values[A] });
    await secrets.add({ name: B, value: values[B] });
    token = await createToken(page, { name: `cli ${tag}`, secrets: [{ name: A, env: "AUTH_SECRET" }, { name: B }] });
    env = { TEAM_SECRETS_URL: BASE_URL, TEAM_SECRETS_TOKEN: token };
  });

  test("run: the command sees the values under their env names; the token is not passed on", async () => {
    const r = await cli(["run", "--", process.execPath, "-e", PRINT_ENV, "AUTH_SECRET", B, A, "TEAM_SECRETS_TOKEN"], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ AUTH_SECRET: values[A], [B]: values[B], [A]: null, TEAM_SECRETS_TOKEN: null });
  });

  test("run: exit codes and SIGTERM pass through", async () => {
    expect((await cli(["run", "--", process.execPath, "-e", "process.exit(42)"], env)).code).toBe(42);
    const run = startCli(["run", "--", process.execPath, "-e", 'console.log("ready"); setInterval(() => {}, 1000)'], env);
    await expect.poll(run.out, { timeout: 10_000 }).toContain("ready");
    run.child.kill("SIGTERM");
    const r = await run.done;
    expect(r.signal).toBe("SIGTERM");
    // A child that handles SIGTERM itself and exits with its own code: that code comes back.
    const handled = startCli(
      ["run", "--", process.execPath, "-e", 'process.on("SIGTERM", () => process.exit(7)); console.log("ready"); setInterval(() => {}, 1000)'],
      env,
    );
    await expect.poll(handled.out, { timeout: 10_000 }).toContain("ready");
    handled.child.kill("SIGTERM");
    expect((await handled.done).code).toBe(7);
  });

  test("run --only: just the named secret", async () => {
    const r = await cli(["run", "--only", B, "--", process.execPath, "-e", PRINT_ENV, "AUTH_SECRET", B], env);
    expect(JSON.parse(r.stdout)).toEqual({ AUTH_SECRET: null, [B]: values[B] });
    const missing = await cli(["run", "--only", `NOPE_${tag}`, "--", "true"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`NOPE_${tag} is not available to this token (404)`);
  });

  test("run: refuses to replace a variable that is already set, unless --override", async () => {
    const refused = await cli(["run", "--", process.execPath, "-e", 'console.log("ran")'], { ...env, AUTH_SECRET: "preset" });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain("AUTH_SECRET is already set");
    expect(refused.stderr).toContain("--override");
    const forced = await cli(["run", "--override", "--", process.execPath, "-e", PRINT_ENV, "AUTH_SECRET"], { ...env, AUTH_SECRET: "preset" });
    expect(JSON.parse(forced.stdout)).toEqual({ AUTH_SECRET: values[A] });
  });

  test("run --redact: values in the command's output become [REDACTED:NAME]", async () => {
    const script = `process.stdout.write("a=" + process.env.AUTH_SECRET + "\\n"); process.stderr.write("b=" + process.env["${B}"] + "!\\n")`;
    const r = await cli(["run", "--redact", "--", process.execPath, "-e", script], env);
    expect(r.stdout).toBe("a=[REDACTED:AUTH_SECRET]\n");
    expect(r.stderr).toBe(`b=[REDACTED:${B}]!\n`);
  });

  test("export: dotenv, json and shell", async () => {
    const json = await cli(["export", "--format", "json"], env);
    expect(JSON.parse(json.stdout)).toEqual({ AUTH_SECRET: values[A], [B]: values[B] });
    const shell = await cli(["export", "--format", "shell"], env);
    const sourced = await new Promise<string>((resolve) => {
      const sh = spawn("sh", ["-c", `${shell.stdout}\nprintf '%s' "$${B}"`]);
      let out = "";
      sh.stdout.on("data", (c) => (out += c));
      sh.on("close", () => resolve(out));
    });
    expect(sourced).toBe(values[B]);
    const dotenv = await cli(["export", "--format", "dotenv"], env);
    expect(dotenv.stdout).toContain(`AUTH_SECRET="${values[A]}"`);
    expect((await cli(["export", "--format", "yaml"], env)).code).toBe(2);
  });

  test("run --watch restarts the command after a rotation in the UI", async ({ asRole, leak }) => {
    const run = startCli(
      ["run", "--watch", "--interval", "1", "--", process.execPath, "-e", `console.log("start " + process.env["${B}"]); setInterval(() => {}, 1000)`],
      env,
    );
    try {
      await expect.poll(run.out, { timeout: 10_000 }).toContain(`start ${values[B]}`);
      const page = await asRole("admin");
      const secrets = await SecretsPage.open(page, leak, tag);
      const next = leak.value("cli b rotated");
      await secrets.rotate(B, next);
      await expect.poll(run.out, { timeout: 20_000 }).toContain(`start ${next}`);
      values[B] = next;
    } finally {
      run.child.kill("SIGTERM");
      await run.done;
    }
  });

  test("clear errors: revoked token, missing configuration, unreachable server", async ({ asRole }) => {
    const page = await asRole("admin");
    await revokeToken(page, `cli ${tag}`);
    const revoked = await cli(["run", "--", "true"], env);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain("refused the token (401)");
    expect(revoked.stderr).not.toContain(token);

    const noUrl = await cli(["run", "--", "true"], { TEAM_SECRETS_TOKEN: token });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain("TEAM_SECRETS_URL is not set");
    const noToken = await cli(["run", "--", "true"], { TEAM_SECRETS_URL: BASE_URL });
    expect(noToken.stderr).toContain("TEAM_SECRETS_TOKEN is not set");
    // A port that was free a moment ago and is closed now: nothing listens on it (a fixed port might be taken).
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const down = await cli(["run", "--", "true"], { TEAM_SECRETS_URL: `http://127.0.0.1:${closedPort}`, TEAM_SECRETS_TOKEN: token });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("cannot reach the Team Secrets server");
  });
});

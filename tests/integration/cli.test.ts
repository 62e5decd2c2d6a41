// The team-secrets CLI (bin/team-secrets.mjs, a real child process) against the real secrets API: a loopback
// HTTP server hands each request to the route handlers of GET /api/v1/secrets[/name] exactly as Next calls
// them, over the real DAL and database (PGlite, and Postgres when DATABASE_URL is set). Faster than the
// Playwright CLI spec and able to set up what the UI now refuses (a token made before a rule existed).
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getOne } from "@/app/api/v1/secrets/[name]/route";
import { GET as getAll } from "@/app/api/v1/secrets/route";
import { closeDb, getDb } from "@/db/client";
import { accessTokenSecrets } from "@/db/schema";
import { createAccessToken } from "@/lib/dal/access-tokens";
import { redactionForms } from "@/lib/redact/forms.mjs";
import { createSecret } from "@/lib/dal/secrets";
import { ZCreateTokenInput } from "@/lib/validation/tokens";
import { makeTeam, makeUser, runId, type TTestTeam, type TTestUser } from "../support/fixtures";

const CLI = path.join(import.meta.dirname, "../../bin/team-secrets.mjs");

let server: Server;
let baseUrl = "";
let owner: TTestUser;
let team: TTestTeam;

beforeAll(async () => {
  owner = await makeUser("cli-owner");
  team = await makeTeam(owner);
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    // The proxy in front of the app appends the peer address (one trusted hop).
    const headers = new Headers({ "x-forwarded-for": "127.0.0.1" });
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const request = new Request(url, { headers });
    const m = /^\/api\/v1\/secrets(?:\/([^/]+))?$/.exec(url.pathname);
    const response = !m
      ? new Response("not found", { status: 404 })
      : m[1]
        ? await getOne(request, { params: Promise.resolve({ name: decodeURIComponent(m[1]) }) })
        : await getAll(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await closeDb();
});

type TRun = { code: number | null; stdout: string; stderr: string };

function runCli(args: string[], env: Record<string, string>): Promise<TRun> {
  const childEnv = { PATH: process.env.PATH, ...env } as unknown as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, [CLI, ...args], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] as const });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("latin1")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("latin1")));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

async function secretWithToken(value: string, env = "", policy: { expiresOn?: string; stopServingAfterExpiry?: boolean } = {}) {
  const name = `CLI_${runId().toUpperCase()}`;
  await createSecret({ actor: owner.actor, teamSlug: team.slug, name, value, visibility: "masked", ...policy });
  const data = ZCreateTokenInput.parse({ name: `tok-${runId()}`, secrets: [{ name, env }] });
  const created = await createAccessToken({ actor: owner.actor, teamSlug: team.slug, data });
  return { name, tokenId: created.id, env: { TEAM_SECRETS_URL: baseUrl, TEAM_SECRETS_TOKEN: created.token } };
}

// The child prints this environment variable's value; a value reaching it means the CLI injected it.
const PRINT = (name: string) => `process.stdout.write(String(process.env[${JSON.stringify(name)}] ?? "(unset)"))`;

describe("run refuses environment names that change how programs load or run", () => {
  it.each(["NODE_OPTIONS", "LD_PRELOAD", "BASH_ENV", "PATH", "PYTHONSTARTUP", "GIT_SSH_COMMAND"])(
    "a token that binds a secret as %s (made before the server refused it) starts nothing and says why",
    async (unsafe) => {
      const value = unsafe === "NODE_OPTIONS" ? "--require=/tmp/evil.js" : `/tmp/evil-${runId()}`;
      const t = await secretWithToken(value);
      // What an older server stored: the binding renamed directly in the database.
      const db = await getDb();
      await db.update(accessTokenSecrets).set({ envName: unsafe }).where(eq(accessTokenSecrets.tokenId, t.tokenId));

      const marker = `ran-${runId()}`;
      const r = await runCli(["run", "--", process.execPath, "-e", `process.stdout.write(${JSON.stringify(marker)})`], t.env);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`${unsafe} (secret ${t.name})`);
      expect(r.stderr).toMatch(/changes how programs load or run.*Nothing was injected/);
      expect(r.stderr).not.toContain(value);

      // export (whose shell output gets eval'd) refuses the same way.
      const e = await runCli(["export", "--format", "shell"], t.env);
      expect(e.code).toBe(2);
      expect(e.stdout).toBe("");
    },
  );

  it("a safe name still runs the command with the value", async () => {
    const value = `safe-${runId()}`;
    const t = await secretWithToken(value, "APP_SETTING");
    const r = await runCli(["run", "--", process.execPath, "-e", PRINT("APP_SETTING")], t.env);
    expect(r).toEqual({ code: 0, stdout: value, stderr: "" });
  });
});

describe("an expired secret that stops serving (issue 12)", () => {
  it("run starts nothing and says which secret expired (exit 1); the value is never printed", async () => {
    const value = `expired-${runId()}`;
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const t = await secretWithToken(value, "APP_SETTING", { expiresOn: yesterday, stopServingAfterExpiry: true });
    const marker = `ran-${runId()}`;
    const r = await runCli(["run", "--", process.execPath, "-e", `process.stdout.write(${JSON.stringify(marker)})`], t.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${t.name} expired and is no longer served (410`);
    expect(r.stderr).not.toContain(value);
  });
});

describe("run --redact: every form the delivery redactor knows, at any chunk boundary", () => {
  it("raw, JSON-escaped, URL-encoded, base64 (inside a longer string at every alignment), hex: all become [REDACTED:ENV]", async () => {
    const value = `p@ss/"w"+${runId()}é=&`;
    const t = await secretWithToken(value, "APP_PASSWORD");
    const forms = redactionForms(value);
    const texts = [...forms, ...["u:", "us:", "use:"].map((p) => Buffer.from(`${p}${value}`).toString("base64"))];
    // The child prints each form between markers, one byte per write with a pause in between, so the CLI
    // receives them split at every byte boundary.
    const script = `
      const texts = JSON.parse(process.env.TEXTS);
      const bytes = Buffer.from(texts.map((t, i) => "<" + i + ">" + t + "</" + i + ">\\n").join(""));
      const out = process.argv[1] === "err" ? process.stderr : process.stdout;
      (async () => { for (const b of bytes) { out.write(Buffer.from([b])); await new Promise((r) => setTimeout(r, 1)); } })();`;
    for (const stream of ["out", "err"] as const) {
      const r = await runCli(["run", "--redact", "--", process.execPath, "-e", script, stream], { ...t.env, TEXTS: JSON.stringify(texts) });
      expect(r.code).toBe(0);
      const text = stream === "out" ? r.stdout : r.stderr;
      const lines = text.trimEnd().split("\n");
      expect(lines).toHaveLength(texts.length);
      lines.forEach((line, i) => expect(line, texts[i]).toMatch(new RegExp(`^<${i}>.{0,6}\\[REDACTED:APP_PASSWORD\\].{0,6}</${i}>$`)));
      const utf8 = Buffer.from(text, "latin1").toString("utf8");
      for (const f of forms) expect(utf8).not.toContain(f);
    }
  });
});

describe("the CLI's one request", () => {
  // A loopback server that answers every request with `answer` and records what reached it.
  async function answering(answer: (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void) {
    const seen: { url: string; authorization: string | undefined }[] = [];
    const s = createServer((req, res) => {
      seen.push({ url: req.url ?? "", authorization: req.headers.authorization });
      answer(req, res);
    });
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    return { url, seen, close: () => new Promise((r) => s.close(r)) };
  }

  it("does not follow a redirect: the token never reaches the place it points to, and the user is told", async () => {
    const elsewhere = await answering((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"secrets":[]}'));
    const redirecting = await answering((_req, res) => res.writeHead(302, { location: `${elsewhere.url}/api/v1/secrets` }).end());
    try {
      const token = `tsk_${"A".repeat(43)}`;
      const r = await runCli(["run", "--", process.execPath, "-e", "0"], { TEAM_SECRETS_URL: redirecting.url, TEAM_SECRETS_TOKEN: token });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("redirect (302)");
      expect(r.stderr).not.toContain(token);
      expect(redirecting.seen).toHaveLength(1);
      expect(elsewhere.seen).toEqual([]);
    } finally {
      await redirecting.close();
      await elsewhere.close();
    }
  });

  it("an answer that is not JSON, or a server that is not there, gets a clear message", async () => {
    const html = await answering((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>sign in</html>"));
    try {
      const env = { TEAM_SECRETS_URL: html.url, TEAM_SECRETS_TOKEN: `tsk_${"B".repeat(43)}` };
      const r = await runCli(["run", "--", process.execPath, "-e", "0"], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("did not answer like a Team Secrets server");
    } finally {
      await html.close();
    }
    const gone = await runCli(["run", "--", process.execPath, "-e", "0"], { TEAM_SECRETS_URL: html.url, TEAM_SECRETS_TOKEN: `tsk_${"B".repeat(43)}` });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/cannot reach the Team Secrets server at .* \(ECONNREFUSED\)/);
  });
});

#!/usr/bin/env node
// team-secrets: runs a command with the secrets bound to an access token in its environment.
// Plain Node (>= 20) ESM with no dependencies and no build step. Values live only in this process's memory
// and the child's environment: never on disk, never in argv, never in this program's own output (except
// `export`, whose whole purpose is to print them).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { StreamRedactor } from "../lib/redact/forms.mjs";
import { unsafeEnvNameReason } from "../lib/validation/unsafe-env-names.mjs";

const VERSION = "0.1.0";
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const FORWARDED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];
// Values shorter than this are not redacted: replacing every "1" or "on" would garble the output.
const MIN_REDACT_LENGTH = 4;

const HELP = `team-secrets ${VERSION}: inject a team's secrets into a command's environment.

Usage:
  team-secrets run [options] -- <command> [args...]
  team-secrets export --format dotenv|json|shell [options]

Configuration (environment, or flags):
  TEAM_SECRETS_URL     base URL of the Team Secrets app       --url URL
  TEAM_SECRETS_TOKEN   an access token (Settings → Access tokens)
                                                               --token-file PATH (a file holding the token)
                                                               --token TOKEN (visible to other users in ps; avoid)
Options:
  --only NAME          only this secret (repeatable); NAME is the secret's name
  --watch              poll for rotations and restart the command with the new values
  --interval SECONDS   how often --watch polls (default 10, or TEAM_SECRETS_POLL_INTERVAL)
  --redact             replace secret values in the command's stdout/stderr with [REDACTED:NAME]
  --override           let secrets replace environment variables that are already set
                       (without it, the command refuses to start when a name is already set)
  --format FORMAT      for export: dotenv, json or shell
  -h, --help           this help;  -v, --version

run exits with the command's exit code (or re-raises the signal that ended it) and forwards
SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to it. Its own failures exit with 2 (usage or
configuration) or 1 (server unreachable or refused). export prints values to stdout: only use it for tools
that cannot read the environment, and never redirect it into a file you keep.`;

class CliError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

const say = (msg) => process.stderr.write(`team-secrets: ${msg}\n`);

// ---- Arguments

function parseArgs(argv) {
  const opts = { only: [], watch: false, redact: false, override: false, command: [] };
  const [sub, ...rest] = argv;
  opts.sub = sub;
  const value = (i, flag) => {
    const v = rest[i + 1];
    if (v === undefined || v.startsWith("--")) throw new CliError(`${flag} needs a value.`, 2);
    return v;
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const take = () => (inline !== undefined ? inline : value(i++, flag));
    if (a === "--") {
      opts.command = rest.slice(i + 1);
      break;
    } else if (flag === "--only") opts.only.push(take());
    else if (flag === "--url") opts.url = take();
    else if (flag === "--token") opts.token = take();
    else if (flag === "--token-file") opts.tokenFile = take();
    else if (flag === "--format") opts.format = take();
    else if (flag === "--interval") opts.interval = take();
    else if (a === "--watch") opts.watch = true;
    else if (a === "--redact") opts.redact = true;
    else if (a === "--override") opts.override = true;
    else if (a === "-h" || a === "--help") opts.help = true;
    else if (a.startsWith("-")) throw new CliError(`unknown option ${a}. See team-secrets --help.`, 2);
    else {
      // A command without "--" in front: everything from here on belongs to it.
      opts.command = rest.slice(i);
      break;
    }
  }
  for (const n of opts.only) if (!SECRET_NAME.test(n)) throw new CliError(`--only ${JSON.stringify(n)} is not a secret name.`, 2);
  return opts;
}

function config(opts) {
  const url = opts.url ?? process.env.TEAM_SECRETS_URL;
  if (!url) throw new CliError("TEAM_SECRETS_URL is not set. Set it to the app's address (e.g. https://secrets.example.com) or pass --url.", 2);
  let base;
  try {
    base = new URL(url);
  } catch {
    throw new CliError(`TEAM_SECRETS_URL is not a valid URL.`, 2);
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") throw new CliError("TEAM_SECRETS_URL must start with https://.", 2);
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(base.hostname) || base.hostname.endsWith(".localhost");
  if (base.protocol === "http:" && !loopback && process.env.TEAM_SECRETS_ALLOW_HTTP !== "1") {
    throw new CliError("refusing to send the token over plain http to a remote host. Use https (or set TEAM_SECRETS_ALLOW_HTTP=1).", 2);
  }
  let token = opts.token ?? process.env.TEAM_SECRETS_TOKEN;
  if (opts.tokenFile) {
    try {
      token = readFileSync(opts.tokenFile, "utf8").trim();
    } catch (e) {
      throw new CliError(`cannot read --token-file (${e.code ?? "error"}).`, 2);
    }
  }
  token = token?.trim();
  if (!token) throw new CliError("TEAM_SECRETS_TOKEN is not set. Create a token under Settings → Access tokens and export it, or pass --token-file.", 2);
  if (/\s/.test(token)) throw new CliError("TEAM_SECRETS_TOKEN contains whitespace; it is not a token.", 2);
  return { base: base.href.replace(/\/+$/, ""), token };
}

// ---- The API

/**
 * One GET over node:http / node:https. Not fetch(): loading undici (fetch's engine) was half of this program's
 * start-up CPU, and `run` is on every job's and pod's start path. No redirect is followed (a 3xx is an error,
 * as fetch's redirect: "error" was); the answer is read whole (it is small JSON) within 15 s.
 */
async function get(url, headers) {
  const { request } = await import(url.startsWith("https:") ? "node:https" : "node:http");
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", headers, timeout: 15_000 }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "timed out" })));
    req.on("error", reject);
    req.end();
  });
}

const jsonOrNull = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

async function api(cfg, path) {
  const url = `${cfg.base}/api/v1/secrets${path}`;
  let res;
  try {
    res = await get(url, { authorization: `Bearer ${cfg.token}`, accept: "application/json", "user-agent": `team-secrets-cli/${VERSION}` });
  } catch (e) {
    const code = e?.code ?? e?.errors?.[0]?.code ?? "network error";
    throw new CliError(`cannot reach the Team Secrets server at ${cfg.base} (${code}). Check TEAM_SECRETS_URL and your network.`);
  }
  if (res.status >= 300 && res.status < 400) {
    throw new CliError(`the server answered with a redirect (${res.status}); it is not followed. Check TEAM_SECRETS_URL (https, no trailing path).`);
  }
  if (res.status === 401) {
    throw new CliError("the server refused the token (401): it is wrong, expired or revoked, or this machine's address is not allowed for it.");
  }
  if (res.status === 429) {
    const after = res.headers["retry-after"];
    const err = new CliError(`rate limited by the server (429); try again in ${after ?? "a few"} seconds.`);
    err.retryAfter = Number(after) || 10;
    throw err;
  }
  if (res.status === 404) {
    const name = decodeURIComponent(path.slice(1));
    throw new CliError(`secret ${name} is not available to this token (404). Check the name, or bind it to the token.`);
  }
  if (res.status === 503 && jsonOrNull(res.body)?.error === "key_provider_unavailable") {
    throw new CliError("the server's key provider (HSM or KMS) is unavailable (503); no values were sent. Try again later.");
  }
  if (res.status === 410) {
    const body = jsonOrNull(res.body);
    if (body?.error === "secret_expired" && Array.isArray(body.secrets)) {
      throw new CliError(
        `${body.secrets.join(", ")} expired and ${body.secrets.length === 1 ? "is" : "are"} no longer served (410: "Stop serving after expiry" is on). Ask an Owner or Admin to rotate it or move its expiry date.`,
      );
    }
  }
  if (res.status === 500) {
    const body = jsonOrNull(res.body);
    if (body?.error === "undecryptable" && Array.isArray(body.secrets)) {
      throw new CliError(`the server cannot decrypt ${body.secrets.join(", ")} (500): its stored value does not open. Ask an Owner or Admin to rotate it.`);
    }
  }
  if (res.status < 200 || res.status >= 300) throw new CliError(`the server answered ${res.status}. Try again later.`);
  const type = String(res.headers["content-type"] ?? "");
  const body = type.includes("application/json") ? jsonOrNull(res.body) : null;
  if (body === null) throw new CliError(`${cfg.base} did not answer like a Team Secrets server (check TEAM_SECRETS_URL).`);
  return body;
}

function checkSecret(s) {
  if (!s || typeof s.name !== "string" || typeof s.env !== "string" || typeof s.version !== "number") {
    throw new CliError("the server sent an unexpected answer.");
  }
  if (!ENV_NAME.test(s.env)) throw new CliError(`the server sent an invalid environment name for ${s.name}.`);
  return s;
}

/**
 * Refuses the whole list when any env name changes how programs load or run (NODE_OPTIONS, LD_PRELOAD,
 * BASH_ENV, PATH, ...; the list is shared with the server's token schema). Checked here too because a token
 * made before the server refused them, or a server that does not, must not run code in the command.
 */
function refuseUnsafeNames(secrets) {
  const bad = secrets.filter((s) => unsafeEnvNameReason(s.env));
  if (bad.length === 0) return secrets;
  const names = bad.map((s) => (s.env === s.name ? s.env : `${s.env} (secret ${s.name})`)).join(", ");
  throw new CliError(
    `refusing to start: this token exposes ${names} under ${bad.length === 1 ? "an environment name that changes" : "environment names that change"} how programs load or run, so ${bad.length === 1 ? "it" : "they"} could run code in the command. Nothing was injected. Bind ${bad.length === 1 ? "the secret" : "them"} under another name (Settings → Access tokens).`,
    2,
  );
}

/** The secrets to inject: all the token's, or only the named ones (each fetched by name). */
async function fetchSecrets(cfg, only) {
  if (only.length) {
    const out = [];
    for (const n of [...new Set(only)]) out.push(checkSecret(await api(cfg, `/${encodeURIComponent(n)}`)));
    return refuseUnsafeNames(out);
  }
  const body = await api(cfg, "");
  if (!body || !Array.isArray(body.secrets)) throw new CliError("the server sent an unexpected answer.");
  return refuseUnsafeNames(body.secrets.map(checkSecret));
}

async function fetchVersions(cfg, only) {
  const body = await api(cfg, "?values=false");
  if (!body || !Array.isArray(body.secrets)) throw new CliError("the server sent an unexpected answer.");
  const list = body.secrets.map(checkSecret).filter((s) => only.length === 0 || only.includes(s.name));
  return list.map((s) => `${s.name}:${s.env}:${s.version}`).sort().join(",");
}

// ---- run

function childEnv(secrets, override) {
  refuseUnsafeNames(secrets); // again at the point of injection
  const env = { ...process.env };
  // The child gets the secrets, not the key to fetch more of them.
  delete env.TEAM_SECRETS_TOKEN;
  const clashes = secrets.map((s) => s.env).filter((n) => Object.prototype.hasOwnProperty.call(process.env, n));
  if (clashes.length && !override) {
    throw new CliError(
      `${clashes.join(", ")} ${clashes.length === 1 ? "is" : "are"} already set in the environment; refusing to replace ${clashes.length === 1 ? "it" : "them"}. Unset ${clashes.length === 1 ? "it" : "them"} or pass --override.`,
      2,
    );
  }
  for (const s of secrets) env[s.env] = s.value;
  return env;
}

/**
 * A stream filter: every form of every value the delivery log's redactor knows (raw, JSON- and HTML-escaped,
 * URL-encoded, base64 at every alignment, hex; lib/redact/forms.mjs) becomes [REDACTED:NAME], wherever the
 * child's output is split into chunks (a hold-back window the length of the longest form).
 */
function redactor(secrets, out) {
  const r = new StreamRedactor(
    secrets.filter((s) => typeof s.value === "string" && s.value.length >= MIN_REDACT_LENGTH).map((s) => ({ label: s.env, value: s.value })),
  );
  return {
    write(chunk) {
      const ready = r.write(chunk);
      if (ready.length) out.write(ready);
    },
    end() {
      const rest = r.end();
      if (rest.length) out.write(rest);
    },
  };
}

function start(command, env, secrets, redact) {
  const child = spawn(command[0], command.slice(1), { env, stdio: redact ? ["inherit", "pipe", "pipe"] : "inherit" });
  const done = new Promise((resolve) => {
    let streams = redact ? 2 : 0;
    let result = null;
    const finish = () => {
      if (result && streams === 0) resolve(result);
    };
    if (redact) {
      for (const [from, to] of [
        [child.stdout, process.stdout],
        [child.stderr, process.stderr],
      ]) {
        const r = redactor(secrets, to);
        from.on("data", (c) => r.write(c));
        from.on("end", () => {
          r.end();
          streams--;
          finish();
        });
      }
    }
    child.on("error", (e) => {
      result = { error: e };
      streams = 0;
      finish();
    });
    child.on("exit", (code, signal) => {
      result = { code, signal };
      finish();
    });
  });
  return { child, done };
}

function exitLike(result) {
  if (result.error) {
    const why = result.error.code === "ENOENT" ? "command not found" : (result.error.code ?? "cannot start it");
    say(`the command could not be started (${why}).`);
    process.exit(127);
  }
  if (result.signal) {
    // Die the same way the child did, so a parent (a shell, a supervisor) sees the signal.
    for (const s of FORWARDED_SIGNALS) process.removeAllListeners(s);
    process.kill(process.pid, result.signal);
    setTimeout(() => process.exit(128), 1000).unref();
    return;
  }
  process.exit(result.code ?? 1);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run(opts) {
  if (opts.command.length === 0) throw new CliError("no command given. Usage: team-secrets run [options] -- <command> [args...]", 2);
  const cfg = config(opts);
  const interval = Number(opts.interval ?? process.env.TEAM_SECRETS_POLL_INTERVAL ?? 10);
  if (!(interval >= 1)) throw new CliError("--interval must be at least 1 second.", 2);
  let secrets = await fetchSecrets(cfg, opts.only);
  let current = start(opts.command, childEnv(secrets, opts.override), secrets, opts.redact);
  let restarting = false;
  for (const sig of FORWARDED_SIGNALS) {
    process.on(sig, () => {
      if (current.child.exitCode === null && current.child.signalCode === null) current.child.kill(sig);
    });
  }
  if (!opts.watch) return exitLike(await current.done);

  let versions = await fetchVersions(cfg, opts.only).catch(() => null);
  let warned = false;
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      await sleep(interval * 1000);
      if (stopped) return;
      try {
        const now = await fetchVersions(cfg, opts.only);
        warned = false;
        if (versions === null) {
          versions = now;
          continue;
        }
        if (now === versions) continue;
        const fresh = await fetchSecrets(cfg, opts.only);
        const env = childEnv(fresh, opts.override);
        versions = now;
        secrets = fresh;
        say("secrets changed; restarting the command.");
        restarting = true;
        const old = current;
        old.child.kill("SIGTERM");
        const killer = setTimeout(() => old.child.kill("SIGKILL"), 10_000);
        await old.done;
        clearTimeout(killer);
        current = start(opts.command, env, secrets, opts.redact);
        restarting = false;
        watchExit();
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        if (e.retryAfter) await sleep(e.retryAfter * 1000);
        else if (!warned) {
          say(`${e.message} Still running with the values fetched earlier; will keep polling.`);
          warned = true;
        }
      }
    }
  };
  const watchExit = () => {
    const mine = current;
    mine.done.then((result) => {
      if (restarting || mine !== current) return;
      stopped = true;
      exitLike(result);
    });
  };
  watchExit();
  await poll();
}

// ---- export

function quoteDotenv(v) {
  return `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r/g, "\\r").replace(/\n/g, "\\n")}"`;
}
const quoteShell = (v) => `'${v.replace(/'/g, `'\\''`)}'`;

async function exportCmd(opts) {
  const format = opts.format;
  if (!["dotenv", "json", "shell"].includes(format ?? "")) throw new CliError("export needs --format dotenv, json or shell.", 2);
  const cfg = config(opts);
  const secrets = await fetchSecrets(cfg, opts.only);
  let text;
  if (format === "json") text = `${JSON.stringify(Object.fromEntries(secrets.map((s) => [s.env, s.value])), null, 2)}\n`;
  else if (format === "dotenv") text = secrets.map((s) => `${s.env}=${quoteDotenv(s.value)}\n`).join("");
  else text = secrets.map((s) => `export ${s.env}=${quoteShell(s.value)}\n`).join("");
  process.stdout.write(text);
}

// ---- main

async function main() {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv[0] === "-h" || argv[0] === "--help" || argv[0] === "help") {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (argv[0] === "-v" || argv[0] === "--version") {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const opts = parseArgs(argv);
  if (opts.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (opts.sub === "run") return run(opts);
  if (opts.sub === "export") return exportCmd(opts);
  throw new CliError(`unknown command ${JSON.stringify(opts.sub)}. Use run or export (team-secrets --help).`, 2);
}

main().catch((e) => {
  if (e instanceof CliError) {
    say(e.message);
    process.exit(e.exitCode);
  }
  // Unexpected: the kind of error only, never its details (they could hold a response body).
  say(`unexpected error (${e?.name ?? typeof e}).`);
  process.exit(1);
});

// A throw-away SoftHSM2 token per test run: its own token directory and config (SOFTHSM2_CONF), removed
// afterwards. Skipped, with the reason, where softhsm2 is not installed.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const SOFTHSM_MODULE = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"].find((p) =>
  existsSync(p),
);

/** Why SoftHSM tests cannot run here, or null when they can. */
export function softHsmUnavailable(): string | null {
  try {
    execFileSync("softhsm2-util", ["--version"], { stdio: "pipe" });
  } catch {
    return "softhsm2-util is not installed (apt-get install softhsm2)";
  }
  return SOFTHSM_MODULE ? null : "libsofthsm2.so not found";
}

export type TSoftHsmToken = { dir: string; conf: string; label: string; pin: string; module: string; cleanup: () => void };

/** Initialises a fresh token and points this process (and its children, through the env) at it. */
export function createSoftHsmToken(label = `ts-${process.pid}`): TSoftHsmToken {
  const dir = mkdtempSync(path.join(tmpdir(), "team-secrets-softhsm-"));
  const tokens = path.join(dir, "tokens");
  execFileSync("mkdir", ["-p", tokens]);
  const conf = path.join(dir, "softhsm2.conf");
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const pin = "1234";
  process.env.SOFTHSM2_CONF = conf;
  execFileSync("softhsm2-util", ["--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", "5678"], {
    stdio: "pipe",
    env: { ...process.env, SOFTHSM2_CONF: conf },
  });
  return { dir, conf, label, pin, module: SOFTHSM_MODULE!, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

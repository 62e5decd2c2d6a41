import "server-only";
// The master keyring: one active key that wraps new data keys, plus retired keys that can still unwrap
// data sealed before a rotation. A key's id is derived from the key itself, so it needs no configuration
// and a wrong key can never be mistaken for the right one.
import { createHash, hkdfSync } from "node:crypto";
import { env, isProduction } from "@/lib/env";
import { log } from "@/lib/log";
import { readOrCreateLocalSecret } from "./local-secret";

export class KeyringError extends Error {
  override name = "KeyringError";
}

export type MasterKey = { id: string; key: Buffer };
export type Keyring = { active: MasterKey; byId: Map<string, MasterKey>; fingerprintKey: Buffer };

export function parseMasterKey(base64: string, label: string): MasterKey {
  const trimmed = base64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    throw new KeyringError(`${label} must be base64 of exactly 32 bytes (e.g. \`openssl rand -base64 32\`)`);
  }
  const key = Buffer.from(trimmed, "base64");
  if (key.length !== 32) {
    throw new KeyringError(`${label} must be base64 of exactly 32 bytes, got ${key.length} bytes`);
  }
  const id = "k" + createHash("sha256").update("team-secrets key id\0").update(key).digest("hex").slice(0, 10);
  return { id, key };
}

export function buildKeyring(activeBase64: string, previous: string[] = []): Keyring {
  const active = parseMasterKey(activeBase64, "SECRETS_MASTER_KEY");
  const byId = new Map<string, MasterKey>([[active.id, active]]);
  previous.forEach((b64, i) => {
    const k = parseMasterKey(b64, `SECRETS_PREVIOUS_MASTER_KEYS[${i}]`);
    byId.set(k.id, k);
  });
  // Fingerprints use a subkey, never the master key itself.
  const fingerprintKey = Buffer.from(
    hkdfSync("sha256", active.key, Buffer.alloc(0), Buffer.from("team-secrets fingerprint v1"), 32),
  );
  return { active, byId, fingerprintKey };
}

let cached: Keyring | undefined;

/** The process keyring. Outside production a missing key is generated once into ./.data/master.key. */
export function getKeyring(): Keyring {
  if (cached) return cached;
  const e = env();
  let active = e.SECRETS_MASTER_KEY;
  if (!active) {
    if (isProduction()) {
      throw new KeyringError(
        "SECRETS_MASTER_KEY is not set. In production the master key must come from the environment " +
          "(base64 of 32 bytes, e.g. `openssl rand -base64 32`).",
      );
    }
    const local = readOrCreateLocalSecret("master.key", 32);
    if (local.created) {
      log.warn(
        { where: "crypto", file: `${e.DATA_DIR}/master.key` },
        "SECRETS_MASTER_KEY is not set: generated a development master key (mode 0600); set SECRETS_MASTER_KEY in production",
      );
    }
    active = local.value;
  }
  const previous = (e.SECRETS_PREVIOUS_MASTER_KEYS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  cached = buildKeyring(active, previous);
  return cached;
}

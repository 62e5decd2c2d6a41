import "server-only";
// A short keyed fingerprint that stands in for a value: equal values in one team share it, and without
// the key it says nothing about the value (no offline guessing of short secrets). The fingerprint key is
// its own 256-bit key, kept wrapped by the key provider in the database (see lib/dal/key-material.ts), so
// fingerprints stay the same across master-key rotations and provider moves.
import { createHmac } from "node:crypto";

// One map per process, not per module copy: Next bundles route handlers and server actions separately, so
// this module can be loaded twice, and a key opened (and cached on globalThis) by one copy must fingerprint
// in the other (the import route failed with "Fingerprint key is not open").
const KEYS = Symbol.for("team-secrets.fingerprint-keys");
const store = globalThis as unknown as Record<symbol, WeakMap<object, Buffer> | undefined>;
const keys: WeakMap<object, Buffer> = (store[KEYS] ??= new WeakMap<object, Buffer>());

/** An opened fingerprint key. Opaque outside lib/crypto: callers pass it on, never read it. */
export class FingerprintKey {
  private constructor() {}
  static wrapBuffer(key: Buffer): FingerprintKey {
    const handle = new FingerprintKey();
    keys.set(handle, Buffer.from(key));
    return handle;
  }
}

export function fingerprint(key: FingerprintKey, teamId: string, value: string): string {
  const raw = keys.get(key);
  if (!raw) throw new Error("Fingerprint key is not open");
  return createHmac("sha256", raw).update(teamId).update("\0").update(value, "utf8").digest().subarray(0, 8).toString("hex");
}

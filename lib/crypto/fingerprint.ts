import "server-only";
// A short keyed fingerprint that stands in for a value: equal values in one team share it, and without
// the key it says nothing about the value (no offline guessing of short secrets). The fingerprint key is
// its own 256-bit key, kept wrapped by the key provider in the database (see lib/dal/key-material.ts), so
// fingerprints stay the same across master-key rotations and provider moves.
import { createHmac, timingSafeEqual } from "node:crypto";

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

/** The full keyed HMAC-SHA256 of a value (32 bytes); the stored fingerprint is its first 8 bytes. */
function digest(key: FingerprintKey, teamId: string, value: string): Buffer {
  const raw = keys.get(key);
  if (!raw) throw new Error("Fingerprint key is not open");
  return createHmac("sha256", raw).update(teamId).update("\0").update(value, "utf8").digest();
}

export function fingerprint(key: FingerprintKey, teamId: string, value: string): string {
  return digest(key, teamId, value).subarray(0, 8).toString("hex");
}

/**
 * Whether two values are equal, by their full keyed HMACs compared in constant time: how long it takes says
 * nothing about how much of a candidate matched (both digests are 32 bytes whatever the values' lengths).
 */
export function sameFingerprint(key: FingerprintKey, teamId: string, a: string, b: string): boolean {
  return timingSafeEqual(digest(key, teamId, a), digest(key, teamId, b));
}

// AES-256-GCM and pooled random bytes: the primitives shared by the local key provider (providers/local.ts,
// random.ts) and the bulk crypto worker thread (bulk-worker.mjs). Plain JavaScript, so the worker, loaded by
// path without a bundler, runs this same code; nothing here knows where a key comes from, the envelope format
// or associated data. No `server-only` import: the worker runs without React's server condition (its
// importers in lib/crypto carry it).
import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from "node:crypto";

export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

// Random bytes for data keys and nonces, drawn from the CSPRNG in 8 KiB refills instead of one call each.
// Node's own crypto.randomUUID() pools the same way; here every slice is copied out and wiped from the pool,
// so no key or nonce stays behind in it. Each randomBytes() call costs ~2-6 µs on this machine (a crypto job
// per call) and sealing a value takes three; a 10,000-line import spent ~10% of its time there. Each thread
// has its own pool (a module instance per thread).
const POOL_BYTES = 8192;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** @param {number} n @returns {Buffer} */
export function secureRandomBytes(n) {
  if (n > 256) return randomBytes(n);
  if (offset + n > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.alloc(n);
  pool.copy(out, 0, offset, offset + n);
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
}

/** Seals under `key` with a fresh nonce: `sealed` is ciphertext || tag. */
export function gcmSeal(key, plaintext, associated) {
  const nonce = secureRandomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associated);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { nonce, sealed: Buffer.concat([body, cipher.getAuthTag()]) };
}

/** True when a nonce and a sealed buffer cannot be a GCM envelope at all (wrong nonce size, shorter than a tag). */
export function gcmMalformed(nonce, sealed) {
  return nonce.length !== NONCE_BYTES || sealed.length < TAG_BYTES;
}

/** The plaintext, or null when the input is malformed or the tag does not verify. */
export function gcmOpenOrNull(key, nonce, sealed, associated) {
  if (gcmMalformed(nonce, sealed)) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(associated);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}

import "server-only";
// Random bytes for data keys and nonces, drawn from the CSPRNG in 8 KiB refills instead of one call each.
// Node's own crypto.randomUUID() pools the same way; here every slice is copied out and wiped from the pool,
// so no key or nonce stays behind in it. Each randomBytes() call costs ~2-6 µs on this machine (a crypto job
// per call) and sealing a value takes three; a 10,000-line import spent ~10% of its time there.
import { randomBytes, randomFillSync } from "node:crypto";

const POOL_BYTES = 8192;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

export function secureRandomBytes(n: number): Buffer {
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

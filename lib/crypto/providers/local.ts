import "server-only";
// The local provider: a 256-bit key from the environment (SECRETS_MASTER_KEY), AES-256-GCM key wrapping in
// this process. Its id is derived from the key itself, so a wrong key can never pass for the right one.
import { createHash, hkdfSync } from "node:crypto";
import { aadBytes, type WrapContext } from "../aad";
import { gcmMalformed, gcmOpenOrNull, gcmSeal, NONCE_BYTES } from "../gcm.mjs";
import { DATA_KEY_BYTES, UnwrapRefusedError, type KeyProvider, type TLocalAbilities } from "./types";

export class KeyringError extends Error {
  override name = "KeyringError";
}

export { gcmSeal } from "../gcm.mjs";

/** Throws UnwrapRefusedError when the input is malformed or the tag does not verify. */
export function gcmOpen(key: Buffer, nonce: Buffer, sealed: Buffer, associated: Buffer): Buffer {
  if (gcmMalformed(nonce, sealed)) throw new UnwrapRefusedError("Malformed ciphertext");
  const plain = gcmOpenOrNull(key, nonce, sealed, associated);
  if (!plain) throw new UnwrapRefusedError("Authentication failed");
  return plain;
}

function parseLocalKey(base64: string, label: string): Buffer {
  const trimmed = base64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    throw new KeyringError(`${label} must be base64 of exactly 32 bytes (e.g. \`openssl rand -base64 32\`)`);
  }
  const key = Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new KeyringError(`${label} must be base64 of exactly 32 bytes, got ${key.length} bytes`);
  return key;
}

const localKeyId = (key: Buffer) =>
  "k" + createHash("sha256").update("team-secrets key id\0").update(key).digest("hex").slice(0, 10);

export class LocalKeyProvider implements KeyProvider, TLocalAbilities {
  readonly kind = "local" as const;
  readonly keyId: string;
  readonly #key: Buffer;

  constructor(
    key: Buffer,
    readonly label: string,
  ) {
    this.#key = Buffer.from(key);
    this.keyId = localKeyId(this.#key);
  }

  static fromBase64(base64: string, label: string): LocalKeyProvider {
    return new LocalKeyProvider(parseLocalKey(base64, label), label);
  }

  async wrap(dataKey: Buffer, context: WrapContext): Promise<Buffer> {
    const { nonce, sealed } = gcmSeal(this.#key, dataKey, aadBytes(context));
    return Buffer.concat([nonce, sealed]);
  }

  async unwrap(wrapped: Buffer, context: WrapContext): Promise<Buffer> {
    return this.unwrapNow(wrapped, context);
  }

  /** `unwrap` without a promise: the key is in this process (the envelope's hot path opens many at once). */
  unwrapNow(wrapped: Buffer, context: WrapContext): Buffer {
    const key = gcmOpen(this.#key, wrapped.subarray(0, NONCE_BYTES), wrapped.subarray(NONCE_BYTES), aadBytes(context));
    if (key.length !== DATA_KEY_BYTES) throw new UnwrapRefusedError("Unwrapped key has the wrong length");
    return key;
  }

  /** A copy of the key for the bulk crypto worker (../bulk.ts), in a buffer of its own for the caller to wipe. */
  copyKeyForBulkWorker(): Uint8Array {
    return new Uint8Array(this.#key);
  }

  /** Format v1 (before key providers): the data key was wrapped with caller-built associated data. */
  legacyUnwrap(nonce: Buffer, sealed: Buffer, associated: Buffer): Buffer {
    return gcmOpen(this.#key, nonce, sealed, associated);
  }

  /** Before key providers the fingerprint key was derived from the master key; kept so fingerprints stay stable. */
  legacyFingerprintKey(): Buffer {
    return Buffer.from(hkdfSync("sha256", this.#key, Buffer.alloc(0), Buffer.from("team-secrets fingerprint v1"), 32));
  }
}

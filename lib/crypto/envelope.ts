import "server-only";
// Envelope encryption for secret values. Each sealed version gets a fresh random 256-bit data key; the value
// is sealed with AES-256-GCM under it, and the data key is wrapped with AES-256-GCM under the master key.
// Both layers bind the context (team, secret, version) as associated data, so a ciphertext copied onto
// another row or version fails to open instead of resolving to the wrong value.
//
// Format: v1:<keyId>:<wrapNonce>.<wrappedKey+tag>:<nonce>:<ciphertext+tag> (base64url parts)
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Keyring } from "./keyring";

/**
 * What a value is bound to. `version` is the SECRET's current version (secrets.version), never a number
 * stored beside the ciphertext: a ciphertext sealed for version 1 and copied back after a rotation to 2
 * then fails to open, whatever version its row claims.
 */
export type SealContext = { teamId: string; secretId: string; version: number };

export class DecryptError extends Error {
  override name = "DecryptError";
}

const VERSION = "v1";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The associated data of each layer: the one place it is built. Sealing, opening and re-wrapping a data key
 * under another master key all call this, so the binding cannot drift between them.
 */
export function envelopeAad(ctx: SealContext, layer: "value" | "key", keyId: string): Buffer {
  return Buffer.from(
    `team-secrets/${VERSION}/${layer}\0${keyId}\0${ctx.teamId}\0${ctx.secretId}\0${ctx.version}`,
    "utf8",
  );
}

function gcmSeal(key: Buffer, plaintext: Buffer, associated: Buffer): { nonce: Buffer; sealed: Buffer } {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associated);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { nonce, sealed: Buffer.concat([body, cipher.getAuthTag()]) };
}

function gcmOpen(key: Buffer, nonce: Buffer, sealed: Buffer, associated: Buffer): Buffer {
  if (nonce.length !== NONCE_BYTES || sealed.length < TAG_BYTES) throw new DecryptError("Malformed ciphertext");
  const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(associated);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
}

const b64 = (b: Buffer) => b.toString("base64url");
const unb64 = (s: string | undefined) => {
  if (!s || !/^[A-Za-z0-9_-]+$/.test(s)) throw new DecryptError("Malformed ciphertext");
  return Buffer.from(s, "base64url");
};

export function seal(keyring: Keyring, plaintext: string, ctx: SealContext): string {
  const { id: keyId, key: masterKey } = keyring.active;
  const dataKey = randomBytes(32);
  try {
    const value = gcmSeal(dataKey, Buffer.from(plaintext, "utf8"), envelopeAad(ctx, "value", keyId));
    const wrapped = gcmSeal(masterKey, dataKey, envelopeAad(ctx, "key", keyId));
    return [VERSION, keyId, `${b64(wrapped.nonce)}.${b64(wrapped.sealed)}`, b64(value.nonce), b64(value.sealed)].join(":");
  } finally {
    dataKey.fill(0);
  }
}

export function open(keyring: Keyring, envelope: string, ctx: SealContext): string {
  const parts = envelope.split(":");
  if (parts.length !== 5 || parts[0] !== VERSION) throw new DecryptError("Malformed ciphertext or unknown format version");
  const [, keyId, wrappedPart, nonce, sealed] = parts as [string, string, string, string, string];
  const master = keyring.byId.get(keyId);
  if (!master) throw new DecryptError(`Unknown master key id "${keyId}": the key that sealed this value is not in the keyring`);
  const [wrapNonce, wrappedKey, extra] = wrappedPart.split(".");
  if (extra !== undefined) throw new DecryptError("Malformed ciphertext");
  let dataKey: Buffer;
  try {
    dataKey = gcmOpen(master.key, unb64(wrapNonce), unb64(wrappedKey), envelopeAad(ctx, "key", keyId));
  } catch (err) {
    if (err instanceof DecryptError) throw err;
    throw new DecryptError("Authentication failed: the data key was tampered with or belongs to another secret or version");
  }
  try {
    return gcmOpen(dataKey, unb64(nonce), unb64(sealed), envelopeAad(ctx, "value", keyId)).toString("utf8");
  } catch (err) {
    if (err instanceof DecryptError) throw err;
    throw new DecryptError("Authentication failed: the ciphertext was tampered with or belongs to another secret or version");
  } finally {
    dataKey.fill(0);
  }
}

import "server-only";
// Envelope encryption. Each sealed value gets a fresh random 256-bit data key; the value is sealed with
// AES-256-GCM under it, and the data key is wrapped by the keyring's active key provider. Both layers are
// bound to the value's context (team, secret, version; see aad.ts), so a ciphertext copied onto another
// row or version fails to open instead of resolving to the wrong value.
//
// Format v2: v2:<keyId>:<wrapped data key>:<nonce>:<ciphertext+tag>   (base64url parts)
//   The value layer does not depend on the wrapping key, so a re-wrap replaces parts 2-3 and nothing else.
// Key material (a bare wrapped key): v2:<keyId>:<wrapped key>
// Format v1 (before key providers, local keys only): v1:<keyId>:<wrapNonce>.<wrapped>:<nonce>:<ct>; its value
//   layer bound the key id, so a v1 value is re-sealed as v2 once, on its first re-wrap.
import { aadBytes, envelopeAad, envelopeAadText, type SealContext, type WrapContext } from "./aad";
import { BULK_MIN, rewrapOnWorker, sealOnWorker, type TRewrapJob } from "./bulk";
import type { Keyring } from "./keyring";
import { secureRandomBytes } from "./random";
import { gcmOpen, gcmSeal } from "./providers/local";
import { DATA_KEY_BYTES, UnwrapRefusedError, type KeyProvider, asLocal } from "./providers/types";

export class DecryptError extends Error {
  override name = "DecryptError";
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const b64 = (b: Buffer) => b.toString("base64url");
const unb64 = (s: string | undefined) => {
  if (!s || !B64URL.test(s)) throw new DecryptError("Malformed ciphertext");
  return Buffer.from(s, "base64url");
};

/** An envelope of format v2 from its base64url parts. */
const v2Envelope = (keyId: string, wrapped: string, nonce: string, sealed: string) => ["v2", keyId, wrapped, nonce, sealed].join(":");

const unknownKey = (keyId: string) => new DecryptError(`Unknown master key id "${keyId}": the key that sealed this value is not in the keyring`);

function provider(keyring: Keyring, keyId: string): KeyProvider {
  const p = keyring.byId.get(keyId);
  if (!p) throw unknownKey(keyId);
  return p;
}

const REFUSED = "Authentication failed: the data key was tampered with or belongs to another secret or version";

async function unwrapWith(p: KeyProvider, wrapped: Buffer, context: WrapContext): Promise<Buffer> {
  try {
    return await p.unwrap(wrapped, context);
  } catch (err) {
    if (err instanceof UnwrapRefusedError) throw new DecryptError(REFUSED);
    throw err;
  }
}

function refusedAsDecryptError(unwrap: () => Buffer): Buffer {
  try {
    return unwrap();
  } catch (err) {
    if (err instanceof UnwrapRefusedError) throw new DecryptError(REFUSED);
    throw err;
  }
}

function openValueLayer(dataKey: Buffer, nonce: Buffer, sealed: Buffer, associated: Buffer): string {
  try {
    return gcmOpen(dataKey, nonce, sealed, associated).toString("utf8");
  } catch {
    throw new DecryptError("Authentication failed: the ciphertext was tampered with or belongs to another secret or version");
  }
}

/** The key id an envelope (or stored key material) names, without opening it. */
function envelopeKeyId(envelope: string): string {
  const keyId = envelope.split(":", 3)[1];
  if (!keyId) throw new DecryptError("Malformed ciphertext");
  return keyId;
}

export async function seal(keyring: Keyring, plaintext: string, ctx: SealContext): Promise<{ envelope: string; keyId: string }> {
  const active = keyring.active;
  const dataKey = secureRandomBytes(DATA_KEY_BYTES);
  try {
    const value = gcmSeal(dataKey, Buffer.from(plaintext, "utf8"), aadBytes(envelopeAad(ctx, "value")));
    const wrapped = await active.wrap(dataKey, envelopeAad(ctx, "key"));
    return { envelope: v2Envelope(active.keyId, b64(wrapped), b64(value.nonce), b64(value.sealed)), keyId: active.keyId };
  } finally {
    dataKey.fill(0);
  }
}

export async function open(keyring: Keyring, envelope: string, ctx: SealContext): Promise<string> {
  return openNowOrLater(keyring, envelope, ctx);
}

/**
 * Opens an envelope: at once when its key's provider unwraps in this process (local keys; v1 envelopes), as a
 * promise otherwise (a token or a KMS). A read of many values then costs no promise per value on the local
 * path. Throws (or rejects with) DecryptError or KeyProviderUnavailableError, like `open`.
 */
export function openNowOrLater(keyring: Keyring, envelope: string, ctx: SealContext): string | Promise<string> {
  const parts = envelope.split(":");
  if (parts.length !== 5) throw new DecryptError("Malformed ciphertext or unknown format version");
  if (parts[0] === "v1") return openV1(keyring, parts, ctx);
  if (parts[0] !== "v2") throw new DecryptError("Malformed ciphertext or unknown format version");
  const [, keyId, wrapped, nonce, sealed] = parts as [string, string, string, string, string];
  const p = provider(keyring, keyId);
  const wrappedKey = unb64(wrapped);
  const openWith = (dataKey: Buffer) => {
    try {
      return openValueLayer(dataKey, unb64(nonce), unb64(sealed), aadBytes(envelopeAad(ctx, "value")));
    } finally {
      dataKey.fill(0);
    }
  };
  const local = asLocal(p);
  if (local) return openWith(refusedAsDecryptError(() => local.unwrapNow(wrappedKey, envelopeAad(ctx, "key"))));
  return unwrapWith(p, wrappedKey, envelopeAad(ctx, "key")).then(openWith);
}

function v1Aad(ctx: SealContext, layer: "value" | "key", keyId: string): Buffer {
  return Buffer.from(`team-secrets/v1/${layer}\0${keyId}\0${ctx.teamId}\0${ctx.secretId}\0${ctx.version}`, "utf8");
}

function openV1(keyring: Keyring, parts: string[], ctx: SealContext): string {
  const [, keyId, wrappedPart, nonce, sealed] = parts as [string, string, string, string, string];
  const p = provider(keyring, keyId);
  const local = asLocal(p);
  if (!local) throw new DecryptError("Malformed ciphertext");
  const [wrapNonce, wrappedKey, extra] = wrappedPart.split(".");
  if (extra !== undefined) throw new DecryptError("Malformed ciphertext");
  let dataKey: Buffer;
  try {
    dataKey = local.legacyUnwrap(unb64(wrapNonce), unb64(wrappedKey), v1Aad(ctx, "key", keyId));
  } catch (err) {
    if (err instanceof DecryptError) throw err;
    throw new DecryptError("Authentication failed: the data key was tampered with or belongs to another secret or version");
  }
  try {
    return openValueLayer(dataKey, unb64(nonce), unb64(sealed), v1Aad(ctx, "value", keyId));
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Re-wraps a value's data key under the active key: only the key id and wrapped key change. Returns null
 * when it is already under the active key. A v1 envelope is re-sealed as v2 (its value layer bound the key id).
 */
export async function rewrap(keyring: Keyring, envelope: string, ctx: SealContext): Promise<{ envelope: string; keyId: string } | null> {
  const parts = envelope.split(":");
  if (parts.length !== 5) throw new DecryptError("Malformed ciphertext or unknown format version");
  const active = keyring.active;
  if (parts[0] === "v2" && parts[1] === active.keyId) return null;
  if (parts[0] === "v1") return seal(keyring, openV1(keyring, parts, ctx), ctx);
  if (parts[0] !== "v2") throw new DecryptError("Malformed ciphertext or unknown format version");
  const [, keyId, wrapped] = parts as [string, string, string];
  const keyContext = envelopeAad(ctx, "key");
  // The unwrap authenticates the data key for exactly this context; the value layer is kept byte for byte.
  const dataKey = await unwrapWith(provider(keyring, keyId), unb64(wrapped), keyContext);
  try {
    const rewrapped = await active.wrap(dataKey, keyContext);
    return { envelope: v2Envelope(active.keyId, b64(rewrapped), parts[3]!, parts[4]!), keyId: active.keyId };
  } finally {
    dataKey.fill(0);
  }
}

/** Values sealed in this thread between two turns of the event loop, so a caller's database work goes on. */
const SEAL_SLICE = 250;

/**
 * Seals many values (a bulk import), in the items' order. With a local active key and a big batch, on the bulk
 * worker (bulk.ts: the same AES-GCM as seal, with the associated data built here); otherwise here, a slice at a
 * time with a turn of the event loop between slices.
 */
export async function sealMany(keyring: Keyring, items: { plaintext: string; ctx: SealContext }[]): Promise<{ envelope: string; keyId: string }[]> {
  const active = keyring.active;
  if (items.length >= BULK_MIN) {
    const jobs = items.map(({ plaintext, ctx }) => ({ value: plaintext, valueAad: envelopeAadText(ctx, "value"), keyAad: envelopeAadText(ctx, "key") }));
    const sealed = await sealOnWorker(keyring, jobs);
    if (sealed) return sealed.map((s) => ({ envelope: v2Envelope(active.keyId, s.wrapped, s.nonce, s.sealed), keyId: active.keyId }));
  }
  const out: { envelope: string; keyId: string }[] = [];
  for (let i = 0; i < items.length; i += SEAL_SLICE) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    out.push(...(await Promise.all(items.slice(i, i + SEAL_SLICE).map(({ plaintext, ctx }) => seal(keyring, plaintext, ctx)))));
  }
  return out;
}

/** A re-wrapped envelope, null when it is under the active key already, or why no key here opens it. */
export type TRewrapOutcome = { envelope: string; keyId: string } | null | DecryptError;

/**
 * Re-wraps many values' data keys under the active key (one re-wrap batch), in the items' order. A value that
 * does not open is answered with its DecryptError, not thrown; anything else (an unreachable provider) throws.
 * v2 envelopes from a local key to a local key go to the bulk worker (bulk.ts) when there are enough of them;
 * the rest are done here, `concurrency` at a time (a PKCS#11 call or a KMS round trip each).
 */
export async function rewrapMany(keyring: Keyring, items: { envelope: string; ctx: SealContext }[], concurrency: number): Promise<TRewrapOutcome[]> {
  const active = keyring.active;
  const out: TRewrapOutcome[] = new Array(items.length).fill(null);
  const here: number[] = [];
  const bulk: { index: number; parts: string[]; job: TRewrapJob }[] = [];
  items.forEach(({ envelope, ctx }, index) => {
    const parts = envelope.split(":");
    const [format, keyId, wrapped] = parts;
    // The same checks as rewrap() makes before it unwraps; anything else goes there and fails or succeeds as it would.
    const fromKey = keyring.byId.get(keyId ?? "");
    const local = asLocal(active) !== null && fromKey !== undefined && asLocal(fromKey) !== null;
    if (parts.length === 5 && format === "v2" && keyId !== active.keyId && local && B64URL.test(wrapped ?? "")) {
      bulk.push({ index, parts, job: { keyId: keyId!, wrapped: wrapped!, keyAad: envelopeAadText(ctx, "key") } });
    } else {
      here.push(index);
    }
  });
  // In this thread, `concurrency` at a time.
  const inThread = async (indices: number[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, indices.length) }, async () => {
        while (next < indices.length) {
          const i = indices[next++]!;
          try {
            out[i] = await rewrap(keyring, items[i]!.envelope, items[i]!.ctx);
          } catch (err) {
            if (!(err instanceof DecryptError)) throw err;
            out[i] = err;
          }
          // Local crypto never yields by itself: let database replies (the previous batch committing) through.
          if (next % 32 === 31) await new Promise((resolve) => setImmediate(resolve));
        }
      }),
    );
  };
  if (bulk.length < BULK_MIN) {
    await inThread([...here, ...bulk.map((b) => b.index)]);
    return out;
  }
  const onWorker = rewrapOnWorker(keyring, bulk.map((b) => b.job));
  onWorker.catch(() => {}); // awaited below, after the in-thread part
  await inThread(here);
  const results = await onWorker;
  if (results === null) {
    await inThread(bulk.map((b) => b.index)); // no worker here after all
    return out;
  }
  bulk.forEach((b, k) => {
    const r = results[k]!;
    out[b.index] =
      typeof r === "string"
        ? { envelope: v2Envelope(active.keyId, r, b.parts[3]!, b.parts[4]!), keyId: active.keyId }
        : r.failed === "unknown-key"
          ? unknownKey(b.job.keyId)
          : new DecryptError(REFUSED);
  });
  return out;
}

/** Wraps a piece of key material (e.g. the fingerprint key) under the active key. */
export async function sealKey(keyring: Keyring, key: Buffer, context: WrapContext): Promise<{ envelope: string; keyId: string }> {
  const active = keyring.active;
  const wrapped = await active.wrap(key, context);
  return { envelope: ["v2", active.keyId, b64(wrapped)].join(":"), keyId: active.keyId };
}

export async function openKey(keyring: Keyring, envelope: string, context: WrapContext): Promise<Buffer> {
  const parts = envelope.split(":");
  if (parts.length !== 3 || parts[0] !== "v2") throw new DecryptError("Malformed key material");
  return unwrapWith(provider(keyring, parts[1]!), unb64(parts[2]), context);
}

export async function rewrapKey(keyring: Keyring, envelope: string, context: WrapContext): Promise<{ envelope: string; keyId: string } | null> {
  if (envelopeKeyId(envelope) === keyring.active.keyId) return null;
  const key = await openKey(keyring, envelope, context);
  try {
    return await sealKey(keyring, key, context);
  } finally {
    key.fill(0);
  }
}

// The bulk crypto worker thread, started by lib/crypto/bulk.ts: the local key provider's AES-256-GCM work for
// a big import (sealing values) or a re-wrap (unwrapping and wrapping data keys), on a thread of its own, so
// it runs beside the database's work instead of adding to it (embedded PGlite shares the main thread).
// Plain JavaScript loaded by path; of ours it imports only gcm.mjs (the AES-256-GCM code the local provider runs).
// It knows the local provider's wrapped-key layout (nonce || ciphertext || tag, as LocalKeyProvider.wrap), and
// nothing of the envelope format or of associated data, which bulk.ts builds with envelope.ts and aad.ts and
// sends as text. Keys arrive in a "keys" message and are wiped when replaced; data keys are wiped after use.
// Replies carry base64url parts and failure codes, never a key, a value or an exception's text.
import { gcmOpenOrNull as gcmOpen, gcmSeal, NONCE_BYTES, secureRandomBytes as randomBytes } from "./gcm.mjs";
import { parentPort } from "node:worker_threads";

const DATA_KEY_BYTES = 32;

/** keyId -> key bytes, for the keyring bulk.ts last sent. */
const keys = new Map();
let activeKeyId = null;

function activeKey() {
  const key = keys.get(activeKeyId);
  if (!key) throw Object.assign(new Error("no active key"), { code: "no-key" });
  return key;
}

/**
 * Each item: { value, valueAad, keyAad } (text). Each result: { wrapped, nonce, sealed } (base64url): the value
 * sealed under a fresh data key, and that data key wrapped by the active key.
 */
function seal(items) {
  const key = activeKey();
  return items.map((item) => {
    const dataKey = randomBytes(DATA_KEY_BYTES);
    try {
      const value = gcmSeal(dataKey, Buffer.from(item.value, "utf8"), Buffer.from(item.valueAad, "utf8"));
      const wrap = gcmSeal(key, dataKey, Buffer.from(item.keyAad, "utf8"));
      return {
        wrapped: Buffer.concat([wrap.nonce, wrap.sealed]).toString("base64url"),
        nonce: value.nonce.toString("base64url"),
        sealed: value.sealed.toString("base64url"),
      };
    } finally {
      dataKey.fill(0);
    }
  });
}

/**
 * Each item: { keyId, wrapped (base64url), keyAad }. Each result: the data key unwrapped by keyId and wrapped
 * by the active key (base64url), or { failed: "unknown-key" | "refused" }.
 */
function rewrap(items) {
  const key = activeKey();
  return items.map((item) => {
    const from = keys.get(item.keyId);
    if (!from) return { failed: "unknown-key" };
    const wrapped = Buffer.from(item.wrapped, "base64url");
    const associated = Buffer.from(item.keyAad, "utf8");
    const dataKey = gcmOpen(from, wrapped.subarray(0, NONCE_BYTES), wrapped.subarray(NONCE_BYTES), associated);
    if (!dataKey) return { failed: "refused" };
    try {
      if (dataKey.length !== DATA_KEY_BYTES) return { failed: "refused" };
      const out = gcmSeal(key, dataKey, associated);
      return Buffer.concat([out.nonce, out.sealed]).toString("base64url");
    } finally {
      dataKey.fill(0);
    }
  });
}

function setKeys(message) {
  for (const key of keys.values()) key.fill(0);
  keys.clear();
  for (const [keyId, bytes] of message.keys) keys.set(keyId, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  activeKeyId = message.active;
}

parentPort.on("message", (message) => {
  try {
    if (message.op === "keys") return setKeys(message);
    const result = message.op === "seal" ? seal(message.items) : message.op === "rewrap" ? rewrap(message.items) : null;
    if (result === null) throw Object.assign(new Error("unknown operation"), { code: "bad-op" });
    parentPort.postMessage({ id: message.id, ok: true, result });
  } catch (err) {
    // A code, never the error's text (it could quote an input).
    parentPort.postMessage({ id: message.id, ok: false, code: typeof err?.code === "string" ? err.code : "failed" });
  }
});

// This module (and gcm.mjs) loaded: only now does bulk.ts count the worker as started. A thread whose module
// cannot load still comes "online", then fails; bulk.ts then does the work itself instead of failing the batch.
parentPort.postMessage({ op: "ready" });

import "server-only";
// The single definition of what a wrapped key or a sealed value is bound to. Every layer of every envelope
// (secret values, key material, and any other envelope-encrypted column) builds its associated data here, so
// sealing, opening and re-wrapping can never disagree about it.
//
// A context is a small map of strings. Local and PKCS#11 providers feed its canonical bytes to AES-GCM as
// associated data; AWS KMS receives the same map as the encryption context.

export type WrapContext = Readonly<Record<string, string>>;

/**
 * What a value is bound to. `version` is the SECRET's current version (secrets.version), never a number
 * stored beside the ciphertext: a ciphertext sealed for version 1 and copied back after a rotation to 2
 * then fails to open, whatever version its row claims.
 */
export type SealContext = { teamId: string; secretId: string; version: number };

/**
 * The context of each layer of a secret value's envelope (format v2): the one place it is built. Sealing,
 * opening and re-wrapping a data key under another key (any provider) all call this.
 */
export function envelopeAad(ctx: SealContext, layer: "key" | "value"): WrapContext {
  // Frozen: its bytes can be computed once however many times it is used (a re-wrap unwraps and wraps with it).
  return Object.freeze({ purpose: "secret-value", layer, team: ctx.teamId, secret: ctx.secretId, version: String(ctx.version) });
}

/** The context of a piece of key material kept wrapped in the database (e.g. the fingerprint key). */
export function keyMaterialContext(name: string): WrapContext {
  return Object.freeze({ purpose: "key-material", name });
}

// Bytes of frozen contexts (they cannot change), held no longer than the context itself. Callers only read
// the buffer (it is associated data, never written to).
const frozenBytes = new WeakMap<WrapContext, Buffer>();

/** Canonical, unambiguous bytes of a context: JSON of its entries sorted by key. */
export function aadBytes(context: WrapContext): Buffer {
  const known = Object.isFrozen(context) ? frozenBytes.get(context) : undefined;
  if (known) return known;
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const bytes = Buffer.from(`team-secrets/aad/v2\0${JSON.stringify(entries)}`, "utf8");
  if (Object.isFrozen(context)) frozenBytes.set(context, bytes);
  return bytes;
}


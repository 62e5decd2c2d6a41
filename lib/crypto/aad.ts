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

const PREFIX = "team-secrets/aad/v2\0";
// A context built here carries its bytes (computed once, however many times it is used: a re-wrap unwraps and
// wraps with the same one) under a symbol: not an entry (Object.entries, JSON and AWS KMS's encryption context
// never see it), and the object is frozen, so they cannot go stale. Callers only read the buffer.
const BYTES = Symbol("aad bytes");
/**
 * The context of each layer of a secret value's envelope (format v2): the one place it is built. Sealing,
 * opening and re-wrapping a data key under another key (any provider) all call this.
 */
export function envelopeAad(ctx: SealContext, layer: "key" | "value"): WrapContext {
  const context = { purpose: "secret-value", layer, team: ctx.teamId, secret: ctx.secretId, version: String(ctx.version) };
  return withBytes(context, envelopeAadText(ctx, layer));
}

/**
 * The canonical text of envelopeAad(ctx, layer): its five entries written out in key order (what canonicalText
 * computes generically; aad.test.ts checks they agree). A read opens 2 layers of 10 values, so this is on the
 * hot path; the bulk worker (bulk.ts) gets it as text for each value it seals or re-wraps.
 */
export function envelopeAadText(ctx: SealContext, layer: "key" | "value"): string {
  const q = JSON.stringify;
  return `${PREFIX}[["layer",${q(layer)}],["purpose","secret-value"],["secret",${q(ctx.secretId)}],["team",${q(ctx.teamId)}],["version",${q(String(ctx.version))}]]`;
}

/** The context of a piece of key material kept wrapped in the database (e.g. the fingerprint key). */
export function keyMaterialContext(name: string): WrapContext {
  const context = { purpose: "key-material", name };
  return withBytes(context, canonicalText(context));
}

function withBytes(context: Record<string, string>, text: string): WrapContext {
  Object.defineProperty(context, BYTES, { value: Buffer.from(text, "utf8") });
  return Object.freeze(context);
}

function canonicalText(context: WrapContext): string {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${PREFIX}${JSON.stringify(entries)}`;
}

/** Canonical, unambiguous bytes of a context: JSON of its entries sorted by key. */
export function aadBytes(context: WrapContext): Buffer {
  return (context as { [BYTES]?: Buffer })[BYTES] ?? Buffer.from(canonicalText(context), "utf8");
}

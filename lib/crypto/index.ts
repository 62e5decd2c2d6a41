import "server-only";
// The only entry to key material. Callers hand in plaintext to seal and get ciphertext and a fingerprint
// back; `decryptSecretValues` is the single way back to plaintext, used by consumers that deliver values
// to software (never by the settings UI). Key ids, re-wrapping and provider health are exposed here for
// the keys CLI and the readiness check; key bytes never leave this folder.
import * as React from "react";
import { randomBytes } from "node:crypto";
import { keyMaterialContext, type SealContext } from "./aad";
import { DecryptError, open, openKey, openNowOrLater, rewrap, rewrapKey, rewrapMany, seal, sealKey, sealMany } from "./envelope";
import { fingerprint, FingerprintKey, sameFingerprint } from "./fingerprint";
import { getKeyring } from "./keyring";
import { KeyProviderUnavailableError, type TKeyProviderKind, asLocal } from "./providers/types";

export { DecryptError } from "./envelope";
export { stopBulkWorker } from "./bulk";
export { KeyringError, setProcessKeyring } from "./keyring";
export { KeyProviderUnavailableError } from "./providers/types";
export type { SealContext } from "./aad";
export type { FingerprintKey } from "./fingerprint";
export type { TKeyProviderKind } from "./providers/types";

export async function encryptSecretValue(
  value: string,
  ctx: SealContext,
  fingerprintKey: FingerprintKey,
): Promise<{ ciphertext: string; keyId: string; fingerprint: string }> {
  const sealed = await seal(getKeyring(), value, ctx);
  return { ciphertext: sealed.envelope, keyId: sealed.keyId, fingerprint: fingerprint(fingerprintKey, ctx.teamId, value) };
}

/**
 * Seals many values at once (a bulk import), in the inputs' order; the same result as encryptSecretValue for
 * each. With a local key a big batch is sealed on a worker thread (bulk.ts) while this thread goes on.
 */
export async function encryptSecretValues(
  items: { value: string; ctx: SealContext }[],
  fingerprintKey: FingerprintKey,
): Promise<{ ciphertext: string; keyId: string; fingerprint: string }[]> {
  const sealed = await sealMany(getKeyring(), items.map(({ value, ctx }) => ({ plaintext: value, ctx })));
  // Fingerprints once the values are sealed, not while the worker seals them: the caller's database work
  // (a statement to send) comes first.
  return sealed.map((s, i) => ({ ciphertext: s.envelope, keyId: s.keyId, fingerprint: fingerprint(fingerprintKey, items[i]!.ctx.teamId, items[i]!.value) }));
}

/** Marks a plaintext so React refuses to serialize it to a client component for as long as `owner` lives. */
export function taintValue(value: string, owner: object): void {
  // Only present in React's server build with `experimental.taint`; elsewhere (scripts, tests) a no-op.
  const taintUniqueValue = (React as { experimental_taintUniqueValue?: (m: string, o: object, v: string) => void })
    .experimental_taintUniqueValue;
  if (typeof taintUniqueValue === "function" && value.length > 0) {
    taintUniqueValue("A secret value must never be sent to the browser.", owner, value);
  }
}

/**
 * Opens stored values, all at once: each entry is its value, or the DecryptError of that value (never with
 * the value). A key provider that cannot be reached fails the whole call (KeyProviderUnavailableError): never
 * a partial or wrong value. Local keys open in this process with one await for the lot; values under a
 * token's or a KMS's key are opened one after the other, as they always were.
 */
export async function decryptSecretValues(
  items: readonly { ciphertext: string; ctx: SealContext }[],
  owner?: object,
): Promise<(string | DecryptError)[]> {
  const keyring = getKeyring();
  const out: (string | DecryptError)[] = [];
  for (const { ciphertext, ctx } of items) {
    try {
      const opened = openNowOrLater(keyring, ciphertext, ctx);
      out.push(typeof opened === "string" ? opened : await opened);
    } catch (err) {
      if (!(err instanceof DecryptError)) throw err;
      out.push(err);
    }
  }
  if (owner) for (const v of out) if (typeof v === "string") taintValue(v, owner);
  return out;
}

/**
 * Check value: whether `candidate` is the stored value, without the stored value leaving this folder. The
 * stored value is opened (against its secret's current version, like every read) and both are compared by
 * their full keyed HMACs in constant time (the 8 bytes kept as a fingerprint would do, but the full 32 cost
 * nothing here). Throws DecryptError / KeyProviderUnavailableError like decryptSecretValues' entries, never with a value.
 */
export async function matchesStoredValue(
  ciphertext: string,
  ctx: SealContext,
  fingerprintKey: FingerprintKey,
  candidate: string,
): Promise<boolean> {
  const stored = await open(getKeyring(), ciphertext, ctx);
  return sameFingerprint(fingerprintKey, ctx.teamId, stored, candidate);
}

/** Re-wraps a stored value's data key under the active key (null: already there). The value layer is kept. */
export async function rewrapSecretValue(ciphertext: string, ctx: SealContext): Promise<{ ciphertext: string; keyId: string } | null> {
  const out = await rewrap(getKeyring(), ciphertext, ctx);
  return out && { ciphertext: out.envelope, keyId: out.keyId };
}

/**
 * Re-wraps many stored values' data keys under the active key (one re-wrap batch), in the inputs' order: the
 * new ciphertext, null when already there, or the DecryptError of a value no key in the keyring opens (not
 * thrown). KeyProviderUnavailableError is thrown. Local keys on a worker thread (bulk.ts); other providers
 * `concurrency` at a time.
 */
export async function rewrapSecretValues(
  items: { ciphertext: string; ctx: SealContext }[],
  concurrency: number,
): Promise<({ ciphertext: string; keyId: string } | null | DecryptError)[]> {
  const outcomes = await rewrapMany(getKeyring(), items.map(({ ciphertext, ctx }) => ({ envelope: ciphertext, ctx })), concurrency);
  return outcomes.map((o) => (o === null || o instanceof DecryptError ? o : { ciphertext: o.envelope, keyId: o.keyId }));
}

/**
 * A new fingerprint key, wrapped for storage. With a local master key it is the key fingerprints were
 * derived with before key providers, so existing fingerprints keep matching; otherwise it is random.
 */
export async function newFingerprintKeyMaterial(name: string): Promise<{ stored: string; keyId: string }> {
  const keyring = getKeyring();
  const local = asLocal(keyring.active);
  const key = local ? local.legacyFingerprintKey() : randomBytes(32);
  try {
    const sealed = await sealKey(keyring, key, keyMaterialContext(name));
    return { stored: sealed.envelope, keyId: sealed.keyId };
  } finally {
    key.fill(0);
  }
}

export async function openFingerprintKey(name: string, stored: string): Promise<FingerprintKey> {
  const key = await openKey(getKeyring(), stored, keyMaterialContext(name));
  try {
    return FingerprintKey.wrapBuffer(key);
  } finally {
    key.fill(0);
  }
}

export async function rewrapKeyMaterial(name: string, stored: string): Promise<{ stored: string; keyId: string } | null> {
  const out = await rewrapKey(getKeyring(), stored, keyMaterialContext(name));
  return out && { stored: out.envelope, keyId: out.keyId };
}

export type TKeyInfo = { keyId: string; provider: TKeyProviderKind; label: string; active: boolean };

/** Every key the keyring knows, active first. Labels are names (variable, key label, ARN), never key bytes. */
export function listKeyringKeys(): TKeyInfo[] {
  const keyring = getKeyring();
  return [...keyring.byId.values()].map((p) => ({ keyId: p.keyId, provider: p.kind, label: p.label, active: p === keyring.active }));
}

export type TKeyHealth =
  | { ok: true; provider: TKeyProviderKind; keyId: string }
  | { ok: false; provider: TKeyProviderKind | "unknown"; message: string };

let lastHealth: { at: number; keyring: object; result: TKeyHealth } | undefined;
const HEALTH_TTL_MS = 5000;

/**
 * Readiness of the active key provider: a wrap and unwrap of a throw-away key (cached for 5 s, so probes
 * do not load an HSM or KMS). Messages name the provider and an error code, never key material.
 */
export async function keyProviderHealth(): Promise<TKeyHealth> {
  let keyring: ReturnType<typeof getKeyring> | undefined;
  let result: TKeyHealth;
  try {
    keyring = getKeyring();
    if (lastHealth && lastHealth.keyring === keyring && Date.now() - lastHealth.at < HEALTH_TTL_MS) return lastHealth.result;
    const probe = randomBytes(32);
    const context = { purpose: "health-check" };
    const back = await keyring.active.unwrap(await keyring.active.wrap(probe, context), context);
    result = back.equals(probe)
      ? { ok: true, provider: keyring.active.kind, keyId: keyring.active.keyId }
      : { ok: false, provider: keyring.active.kind, message: "Key provider unavailable: the round trip returned another key" };
  } catch (err) {
    const provider = err instanceof KeyProviderUnavailableError ? err.provider : "unknown";
    result = { ok: false, provider, message: err instanceof Error ? err.message : "Key provider unavailable" };
  }
  if (keyring) lastHealth = { at: Date.now(), keyring, result };
  return result;
}

/** Fails fast (e.g. at start-up) when the key configuration is missing or malformed. Does not contact the provider. */
export function assertKeyringReady(): void {
  getKeyring();
}

import "server-only";
// The key provider interface: whatever holds the key that wraps data keys (a local key, a PKCS#11 token,
// AWS KMS). A provider wraps and unwraps 32-byte data keys bound to a context, and names its key with a
// stable id that is written into every envelope it wraps.
import type { WrapContext } from "../aad";

export type TKeyProviderKind = "local" | "pkcs11" | "aws-kms";

export interface KeyProvider {
  readonly kind: TKeyProviderKind;
  /** Stable id written into envelopes: a letter for the kind and 10 hex digits. */
  readonly keyId: string;
  /** What an operator recognises the key by (never key material): a variable name, a key label, an ARN. */
  readonly label: string;
  wrap(dataKey: Buffer, context: WrapContext): Promise<Buffer>;
  unwrap(wrapped: Buffer, context: WrapContext): Promise<Buffer>;
}

/**
 * The local provider's in-process abilities, found by its kind rather than by `instanceof`: a production build
 * carries lib/crypto in several server chunks (one per layer), while the keyring is one per process on
 * globalThis, so a provider built by one copy of the class is not an instance of another copy's class.
 */
export type TLocalAbilities = {
  unwrapNow(wrapped: Buffer, context: WrapContext): Buffer;
  copyKeyForBulkWorker(): Uint8Array;
  legacyUnwrap(nonce: Buffer, sealed: Buffer, associated: Buffer): Buffer;
  legacyFingerprintKey(): Buffer;
};
export function asLocal(p: KeyProvider): (KeyProvider & TLocalAbilities) | null {
  return p.kind === "local" ? (p as KeyProvider & TLocalAbilities) : null;
}

/** The provider could not be reached or refused to work (token gone, KMS down). Never a wrong-key verdict. */
export class KeyProviderUnavailableError extends Error {
  override name = "KeyProviderUnavailableError";
  constructor(
    readonly provider: TKeyProviderKind,
    reason: string,
  ) {
    super(`Key provider unavailable (${provider}): ${reason}`);
  }
}

/** The provider answered, and the wrapped key does not open under this key and context. */
export class UnwrapRefusedError extends Error {
  override name = "UnwrapRefusedError";
}

export const DATA_KEY_BYTES = 32;

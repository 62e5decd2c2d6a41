import "server-only";
// The only entry to key material. Callers hand in plaintext to seal and get ciphertext and a fingerprint
// back; `decryptSecretValue` is the single way back to plaintext, used by consumers that deliver values
// to software (never by the settings UI).
import * as React from "react";
import { open, seal, type SealContext } from "./envelope";
import { fingerprint } from "./fingerprint";
import { getKeyring } from "./keyring";

export { DecryptError } from "./envelope";
export { KeyringError } from "./keyring";
export type { SealContext } from "./envelope";

export function encryptSecretValue(value: string, ctx: SealContext): { ciphertext: string; fingerprint: string } {
  const keyring = getKeyring();
  return { ciphertext: seal(keyring, value, ctx), fingerprint: fingerprint(keyring, ctx.teamId, value) };
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

/** Opens a stored value. Throws DecryptError (never with the value) when it cannot be opened. */
export function decryptSecretValue(ciphertext: string, ctx: SealContext, owner?: object): string {
  const value = open(getKeyring(), ciphertext, ctx);
  if (owner) taintValue(value, owner);
  return value;
}

/** Fails fast (e.g. at start-up) when the master key is missing or malformed. */
export function assertKeyringReady(): void {
  getKeyring();
}

import "server-only";
// A short keyed fingerprint that stands in for a value: equal values in one team share it, and without
// the key it says nothing about the value (no offline guessing of short secrets).
import { createHmac } from "node:crypto";
import type { Keyring } from "./keyring";

export function fingerprint(keyring: Keyring, teamId: string, value: string): string {
  return createHmac("sha256", keyring.fingerprintKey)
    .update(teamId)
    .update("\0")
    .update(value, "utf8")
    .digest()
    .subarray(0, 8)
    .toString("hex");
}

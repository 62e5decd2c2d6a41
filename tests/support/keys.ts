// The process keyring for key tests: a test that moves to new keys, or a file that is done with its own, switches
// the keyring and forgets the fingerprint key the old one derived, as a restarted process would have neither.
import { setProcessKeyring } from "@/lib/crypto";
import type { Keyring } from "@/lib/crypto/keyring";
import { forgetFingerprintKey } from "@/lib/dal/key-material";

/** Makes `keyring` the process's (undefined: the environment's again) and forgets the fingerprint key. */
export function restartWithKeyring(keyring: Keyring | undefined): void {
  setProcessKeyring(keyring);
  forgetFingerprintKey();
}

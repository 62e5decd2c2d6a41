import "server-only";
// Operator tasks on keys that the app itself never performs.
import { getKeyring } from "./keyring";
import { Pkcs11KeyProvider } from "./providers/pkcs11";

/** Creates a non-extractable AES-256 key with this label in the configured PKCS#11 token; returns its key id. */
export function createPkcs11Key(label: string): string {
  const pkcs11 = [...getKeyring().byId.values()].find((p): p is Pkcs11KeyProvider => p instanceof Pkcs11KeyProvider);
  if (!pkcs11) throw new Error("No PKCS#11 token is configured (SECRETS_PKCS11_MODULE and SECRETS_KEY_PROVIDER=pkcs11)");
  pkcs11.token.generateKey(label);
  return new Pkcs11KeyProvider(pkcs11.token, label).keyId;
}

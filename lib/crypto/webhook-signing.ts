import "server-only";
// Standard Webhooks signing secrets (standardwebhooks.com): "whsec_" + base64 of 32 random bytes, made
// here, stored only as an envelope (seal/open with the master keyring), and used here to sign. The plaintext
// leaves this module once, when it is made, to be shown to an Owner/Admin; signing takes ciphertexts and
// returns only the signature header. Signing uses the specification's own library, so what we send is
// exactly what `new Webhook(secret).verify(body, headers)` checks.
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import type { SealContext } from "./aad";
import { open, rewrap, seal } from "./envelope";
import { getKeyring } from "./keyring";

const SIGNING_SECRET_PREFIX = "whsec_";
const SIGNING_KEY_BYTES = 32;

/**
 * The envelope context of a webhook's signing secret. Its own associated data: the "secret id" slot carries
 * a purpose prefix that no secret id (a uuid) can have, so a signing-secret ciphertext never opens as a
 * secret value (or as another webhook's, or another version's) and vice versa. Key re-wrap (master key
 * rotation) must open and re-seal `webhook_signing_secrets.ciphertext` with exactly this context.
 */
export function webhookSigningContext(teamId: string, webhookId: string, version: number): SealContext {
  return { teamId, secretId: `webhook-signing:${webhookId}`, version };
}

export type TSigningKeyRef = { teamId: string; webhookId: string; version: number; ciphertext: string };

/** A new signing secret and its envelope. The caller shows `secret` once (or not at all) and stores `ciphertext`. */
export async function newWebhookSigningSecret(
  teamId: string,
  webhookId: string,
  version: number,
): Promise<{ secret: string; ciphertext: string; keyId: string }> {
  const secret = SIGNING_SECRET_PREFIX + randomBytes(SIGNING_KEY_BYTES).toString("base64");
  const sealed = await seal(getKeyring(), secret, webhookSigningContext(teamId, webhookId, version));
  return { secret, ciphertext: sealed.envelope, keyId: sealed.keyId };
}

/**
 * The `webhook-signature` header for one message: "v1,<sig>" per key, space-separated (newest first), over
 * `${id}.${timestamp}.${body}` where body is exactly the bytes sent. Throws DecryptError if a key cannot be
 * opened (the message is then not sent).
 */
export async function signWebhookMessage(keys: TSigningKeyRef[], msgId: string, timestamp: Date, body: Buffer): Promise<string> {
  if (keys.length === 0) throw new Error("no signing key");
  // The library signs the UTF-8 text of the body; only bytes that survive that round trip can be signed exactly.
  if (!Buffer.from(body.toString("utf8"), "utf8").equals(body)) throw new Error("webhook body is not valid UTF-8");
  const keyring = getKeyring();
  const secrets = await Promise.all(keys.map((k) => open(keyring, k.ciphertext, webhookSigningContext(k.teamId, k.webhookId, k.version))));
  return secrets.map((secret) => new Webhook(secret).sign(msgId, timestamp, body)).join(" ");
}

/** Re-wraps a stored signing secret's data key under the active key (keys rotate); null: already there. */
export async function rewrapWebhookSigningSecret(k: TSigningKeyRef): Promise<{ ciphertext: string; keyId: string } | null> {
  const out = await rewrap(getKeyring(), k.ciphertext, webhookSigningContext(k.teamId, k.webhookId, k.version));
  return out && { ciphertext: out.envelope, keyId: out.keyId };
}

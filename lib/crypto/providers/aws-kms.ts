import "server-only";
// The AWS KMS provider: the data key is encrypted by KMS (Encrypt / Decrypt, symmetric key) with the
// envelope's context as the KMS encryption context, through the official @aws-sdk/client-kms. KMS binds the
// context into the ciphertext and logs it in CloudTrail; the KMS key never leaves KMS. Verified against a
// loopback server speaking the documented KMS JSON protocol, not against AWS itself.
import { createHash } from "node:crypto";
import { DecryptCommand, EncryptCommand, KMSClient, KMSServiceException } from "@aws-sdk/client-kms";
import type { WrapContext } from "../aad";
import { DATA_KEY_BYTES, KeyProviderUnavailableError, UnwrapRefusedError, type KeyProvider } from "./types";
import { KeyringError } from "./local";

export type TAwsKmsConfig = { region?: string; endpoint?: string; timeoutMs?: number };

// A key ARN, not an alias: an alias can be pointed at another key, and the key id must name one key.
const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/[A-Za-z0-9-]+$/;

/** Answers that mean "this blob does not open under this key and context"; anything else is an outage. */
const REFUSALS = new Set(["InvalidCiphertextException", "IncorrectKeyException"]);

export function kmsClient(config: TAwsKmsConfig, arn: string): KMSClient {
  const region = config.region ?? KEY_ARN.exec(arn)?.[1];
  return new KMSClient({
    region,
    endpoint: config.endpoint,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: config.timeoutMs ?? 5000, requestTimeout: config.timeoutMs ?? 5000 },
  });
}

export class AwsKmsKeyProvider implements KeyProvider {
  readonly kind = "aws-kms" as const;
  readonly keyId: string;

  constructor(
    readonly client: KMSClient,
    readonly label: string,
  ) {
    if (!KEY_ARN.test(label)) {
      throw new KeyringError("SECRETS_AWS_KMS_KEY_ARN must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias");
    }
    this.keyId = "a" + createHash("sha256").update(`team-secrets aws-kms\0${label}`).digest("hex").slice(0, 10);
  }

  async wrap(dataKey: Buffer, context: WrapContext): Promise<Buffer> {
    const out = await this.#send(() =>
      this.client.send(new EncryptCommand({ KeyId: this.label, Plaintext: dataKey, EncryptionContext: { ...context } })),
    );
    if (!out.CiphertextBlob || out.KeyId !== this.label) {
      throw new KeyProviderUnavailableError("aws-kms", "Encrypt answered for another key or without a ciphertext");
    }
    return Buffer.from(out.CiphertextBlob);
  }

  async unwrap(wrapped: Buffer, context: WrapContext): Promise<Buffer> {
    const out = await this.#send(() =>
      this.client.send(
        new DecryptCommand({ KeyId: this.label, CiphertextBlob: wrapped, EncryptionContext: { ...context } }),
      ),
    );
    if (out.KeyId !== this.label) throw new UnwrapRefusedError("KMS decrypted under another key");
    if (!out.Plaintext || out.Plaintext.length !== DATA_KEY_BYTES) throw new UnwrapRefusedError("Unwrapped key has the wrong length");
    return Buffer.from(out.Plaintext);
  }

  async #send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof KMSServiceException && REFUSALS.has(err.name)) {
        throw new UnwrapRefusedError("KMS refused to decrypt the data key");
      }
      // Error names and HTTP status only: a KMS message can quote request fields.
      const status = err instanceof KMSServiceException ? ` (HTTP ${err.$metadata.httpStatusCode ?? "?"})` : "";
      throw new KeyProviderUnavailableError("aws-kms", `${err instanceof Error ? err.name : "error"}${status}`);
    }
  }
}

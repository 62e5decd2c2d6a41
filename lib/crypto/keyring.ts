import "server-only";
// The keyring: the active key provider, which wraps every new data key, plus retired keys (of any
// provider) that can still unwrap data sealed before a rotation or a provider move. Built once per
// process from the environment; providers connect lazily, so an HSM or KMS outage shows up on use (and in
// the readiness check) rather than as a crash at start.
import { env, isProduction, type TEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { forgetKeyringInWorker } from "./bulk";
import { readOrCreateLocalSecret } from "./local-secret";
import { AwsKmsKeyProvider, kmsClient } from "./providers/aws-kms";
import { KeyringError, LocalKeyProvider } from "./providers/local";
import { Pkcs11KeyProvider, Pkcs11Token } from "./providers/pkcs11";
import type { KeyProvider, TKeyProviderKind } from "./providers/types";

export { KeyringError } from "./providers/local";

export type Keyring = { active: KeyProvider; byId: Map<string, KeyProvider>; close: () => void };

export type TKeyringConfig = Pick<
  TEnv,
  | "SECRETS_KEY_PROVIDER"
  | "SECRETS_MASTER_KEY"
  | "SECRETS_PREVIOUS_MASTER_KEYS"
  | "SECRETS_PKCS11_MODULE"
  | "SECRETS_PKCS11_TOKEN_LABEL"
  | "SECRETS_PKCS11_SLOT"
  | "SECRETS_PKCS11_PIN"
  | "SECRETS_PKCS11_PIN_FILE"
  | "SECRETS_PKCS11_KEY_LABEL"
  | "SECRETS_PKCS11_PREVIOUS_KEY_LABELS"
  | "SECRETS_AWS_KMS_KEY_ARN"
  | "SECRETS_AWS_KMS_PREVIOUS_KEY_ARNS"
  | "SECRETS_AWS_KMS_REGION"
  | "SECRETS_AWS_KMS_ENDPOINT"
>;

const list = (s: string | undefined) =>
  (s ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/** Builds a keyring from explicit settings (the environment's, or a test's). Does no I/O beyond reading files. */
export function buildKeyring(config: Partial<TKeyringConfig> & { SECRETS_KEY_PROVIDER?: TKeyProviderKind }): Keyring {
  const kind = config.SECRETS_KEY_PROVIDER ?? "local";
  const previous: KeyProvider[] = [];
  let active: KeyProvider | undefined;
  let token: Pkcs11Token | undefined;

  if (kind !== "local" && config.SECRETS_MASTER_KEY) {
    throw new KeyringError(
      `SECRETS_MASTER_KEY is only used with SECRETS_KEY_PROVIDER=local; to move from it to ${kind}, list it in SECRETS_PREVIOUS_MASTER_KEYS`,
    );
  }
  if (kind === "local") {
    if (!config.SECRETS_MASTER_KEY) throw new KeyringError("SECRETS_MASTER_KEY is not set");
    active = LocalKeyProvider.fromBase64(config.SECRETS_MASTER_KEY, "SECRETS_MASTER_KEY");
  }
  list(config.SECRETS_PREVIOUS_MASTER_KEYS).forEach((b64, i) =>
    previous.push(LocalKeyProvider.fromBase64(b64, `SECRETS_PREVIOUS_MASTER_KEYS[${i}]`)),
  );

  const pkcs11Labels = list(config.SECRETS_PKCS11_PREVIOUS_KEY_LABELS);
  if (kind === "pkcs11" || pkcs11Labels.length > 0) {
    if (!config.SECRETS_PKCS11_MODULE) throw new KeyringError("SECRETS_PKCS11_MODULE (path of the PKCS#11 library) is not set");
    if (!config.SECRETS_PKCS11_PIN && !config.SECRETS_PKCS11_PIN_FILE) {
      throw new KeyringError("SECRETS_PKCS11_PIN or SECRETS_PKCS11_PIN_FILE must be set");
    }
    token = new Pkcs11Token({
      modulePath: config.SECRETS_PKCS11_MODULE,
      tokenLabel: config.SECRETS_PKCS11_TOKEN_LABEL,
      slotIndex: config.SECRETS_PKCS11_SLOT,
      pin: config.SECRETS_PKCS11_PIN,
      pinFile: config.SECRETS_PKCS11_PIN_FILE,
    });
    if (kind === "pkcs11") {
      if (!config.SECRETS_PKCS11_KEY_LABEL) throw new KeyringError("SECRETS_PKCS11_KEY_LABEL is not set");
      active = new Pkcs11KeyProvider(token, config.SECRETS_PKCS11_KEY_LABEL);
    }
    for (const label of pkcs11Labels) previous.push(new Pkcs11KeyProvider(token, label));
  }

  const kmsArns = list(config.SECRETS_AWS_KMS_PREVIOUS_KEY_ARNS);
  if (kind === "aws-kms" || kmsArns.length > 0) {
    const arns = kind === "aws-kms" ? [config.SECRETS_AWS_KMS_KEY_ARN ?? "", ...kmsArns] : kmsArns;
    if (kind === "aws-kms" && !config.SECRETS_AWS_KMS_KEY_ARN) throw new KeyringError("SECRETS_AWS_KMS_KEY_ARN is not set");
    const kms = { region: config.SECRETS_AWS_KMS_REGION, endpoint: config.SECRETS_AWS_KMS_ENDPOINT };
    const providers = arns.map((arn) => new AwsKmsKeyProvider(kmsClient(kms, arn), arn));
    if (kind === "aws-kms") active = providers.shift();
    previous.push(...providers);
  }

  if (!active) throw new KeyringError(`SECRETS_KEY_PROVIDER=${kind} has no active key`);
  const byId = new Map<string, KeyProvider>();
  for (const p of [active, ...previous]) if (!byId.has(p.keyId)) byId.set(p.keyId, p);
  return { active, byId, close: () => token?.close() };
}

const globalForKeys = globalThis as unknown as { __teamSecretsKeyring?: Keyring };

/** The process keyring (cached). Outside production a missing local key is generated once into ./.data/master.key. */
export function getKeyring(): Keyring {
  if (globalForKeys.__teamSecretsKeyring) return globalForKeys.__teamSecretsKeyring;
  const e = env();
  let masterKey = e.SECRETS_MASTER_KEY;
  if (e.SECRETS_KEY_PROVIDER === "local" && !masterKey) {
    if (isProduction()) {
      throw new KeyringError(
        "SECRETS_MASTER_KEY is not set. In production the master key must come from the environment " +
          "(base64 of 32 bytes, e.g. `openssl rand -base64 32`), or choose another SECRETS_KEY_PROVIDER.",
      );
    }
    const local = readOrCreateLocalSecret("master.key", 32);
    if (local.created) {
      log.warn(
        { where: "crypto", file: `${e.DATA_DIR}/master.key` },
        "SECRETS_MASTER_KEY is not set: generated a development master key (mode 0600); set SECRETS_MASTER_KEY in production",
      );
    }
    masterKey = local.value;
  }
  globalForKeys.__teamSecretsKeyring = buildKeyring({ ...e, SECRETS_MASTER_KEY: masterKey });
  return globalForKeys.__teamSecretsKeyring;
}

/** Replaces the process keyring (scripts that switch keys, and tests); undefined rebuilds it from the environment. */
export function setProcessKeyring(keyring: Keyring | undefined): void {
  const old = globalForKeys.__teamSecretsKeyring;
  if (old) forgetKeyringInWorker(old);
  old?.close();
  globalForKeys.__teamSecretsKeyring = keyring;
}

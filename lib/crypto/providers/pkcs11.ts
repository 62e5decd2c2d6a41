import "server-only";
// The PKCS#11 provider: an AES-256 key inside a token (an HSM, or the PKCS#11 library of CloudHSM, Google
// Cloud HSM or Azure Managed HSM), used through pkcs11js. Data keys are wrapped by AES-GCM *inside the token*
// (C_Encrypt with the data key as input and the context as GCM associated data): the AES key never leaves
// it, and the token can mark it non-extractable. One session per process; calls are synchronous and short,
// so two operations never interleave on it. A session that breaks (token removed, device error) is
// reopened on the next call.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Pkcs11Module from "pkcs11js";
import { aadBytes, type WrapContext } from "../aad";
import { DATA_KEY_BYTES, KeyProviderUnavailableError, UnwrapRefusedError, type KeyProvider } from "./types";
import { KeyringError } from "./local";

export type TPkcs11Config = {
  modulePath: string;
  /** Token label (preferred) or slot index into the list of slots with a token. */
  tokenLabel?: string;
  slotIndex?: number;
  pin?: string;
  pinFile?: string;
};

const IV_BYTES = 12;
const TAG_BITS = 128;

type Pkcs11 = typeof Pkcs11Module;
let lib: Pkcs11 | undefined;
function pkcs11js(): Pkcs11 {
  // Loaded only when this provider is configured: the native addon stays out of every other path.
  lib ??= createRequire(import.meta.url)("pkcs11js") as Pkcs11;
  return lib;
}

/** Errors that mean "this ciphertext does not open under this key and associated data". */
const REFUSALS = new Set(["CKR_ENCRYPTED_DATA_INVALID", "CKR_ENCRYPTED_DATA_LEN_RANGE", "CKR_AEAD_DECRYPT_FAILED", "CKR_DATA_INVALID"]);

function errorCode(err: unknown): string {
  const m = /(CKR_[A-Z0-9_]+)/.exec(err instanceof Error ? err.message : "");
  return m?.[1] ?? (err instanceof Error ? err.name : "unknown error");
}

function readPin(config: TPkcs11Config): string {
  if (config.pin) return config.pin;
  if (config.pinFile) {
    try {
      return readFileSync(config.pinFile, "utf8").trim();
    } catch {
      throw new KeyringError("SECRETS_PKCS11_PIN_FILE cannot be read");
    }
  }
  throw new KeyringError("SECRETS_PKCS11_PIN or SECRETS_PKCS11_PIN_FILE must be set for SECRETS_KEY_PROVIDER=pkcs11");
}

/** One logged-in session on the configured token, shared by every key of that token in this process. */
export class Pkcs11Token {
  #p11: InstanceType<Pkcs11["PKCS11"]> | undefined;
  #session: Buffer | undefined;
  #keys = new Map<string, Buffer>();
  tokenLabel = "";

  constructor(readonly config: TPkcs11Config) {}

  /** Runs `fn` on a live session; on a session or device failure, reopens once, then reports unavailable. */
  run<T>(fn: (p11: InstanceType<Pkcs11["PKCS11"]>, session: Buffer) => T, opts: { decrypting?: boolean } = {}): T {
    for (let attempt = 0; ; attempt++) {
      let session: Buffer | undefined;
      try {
        session = this.#open();
        return fn(this.#p11!, session);
      } catch (err) {
        if (err instanceof KeyringError || err instanceof UnwrapRefusedError || err instanceof KeyProviderUnavailableError) throw err;
        if (REFUSALS.has(errorCode(err))) throw new UnwrapRefusedError("The token refused to unwrap the data key");
        // SoftHSM (and some HSMs) answer a failed GCM tag with CKR_GENERAL_ERROR. If the session still
        // answers, the token is fine and refused this ciphertext; if not, it is an outage.
        if (opts.decrypting && session && errorCode(err) === "CKR_GENERAL_ERROR" && this.#sessionAlive(session)) {
          throw new UnwrapRefusedError("The token refused to unwrap the data key");
        }
        this.#reset();
        if (attempt >= 1) throw new KeyProviderUnavailableError("pkcs11", errorCode(err));
      }
    }
  }

  findKey(label: string): Buffer {
    const cached = this.#keys.get(label);
    if (cached) return cached;
    return this.run((p11, session) => {
      const c = pkcs11js();
      p11.C_FindObjectsInit(session, [
        { type: c.CKA_CLASS, value: c.CKO_SECRET_KEY },
        { type: c.CKA_KEY_TYPE, value: c.CKK_AES },
        { type: c.CKA_LABEL, value: label },
      ]);
      const found = p11.C_FindObjects(session, 2);
      p11.C_FindObjectsFinal(session);
      if (found.length !== 1) {
        throw new KeyringError(
          found.length === 0
            ? `No AES key labelled "${label}" in PKCS#11 token "${this.tokenLabel}" (create one with \`npm run keys -- create-pkcs11-key ${label}\`)`
            : `More than one AES key is labelled "${label}" in PKCS#11 token "${this.tokenLabel}"`,
        );
      }
      this.#keys.set(label, found[0]!);
      return found[0]!;
    });
  }

  /** Creates a non-extractable AES-256 key that can only encrypt and decrypt (operators and tests). */
  generateKey(label: string): void {
    this.run((p11, session) => {
      const c = pkcs11js();
      p11.C_FindObjectsInit(session, [
        { type: c.CKA_CLASS, value: c.CKO_SECRET_KEY },
        { type: c.CKA_LABEL, value: label },
      ]);
      const existing = p11.C_FindObjects(session, 1);
      p11.C_FindObjectsFinal(session);
      if (existing.length > 0) throw new KeyringError(`A key labelled "${label}" already exists in this token`);
      p11.C_GenerateKey(session, { mechanism: c.CKM_AES_KEY_GEN }, [
        { type: c.CKA_CLASS, value: c.CKO_SECRET_KEY },
        { type: c.CKA_KEY_TYPE, value: c.CKK_AES },
        { type: c.CKA_VALUE_LEN, value: 32 },
        { type: c.CKA_LABEL, value: label },
        { type: c.CKA_TOKEN, value: true },
        { type: c.CKA_PRIVATE, value: true },
        { type: c.CKA_SENSITIVE, value: true },
        { type: c.CKA_EXTRACTABLE, value: false },
        { type: c.CKA_ENCRYPT, value: true },
        { type: c.CKA_DECRYPT, value: true },
        { type: c.CKA_WRAP, value: false },
        { type: c.CKA_UNWRAP, value: false },
      ]);
    });
  }

  close(): void {
    this.#reset();
  }

  #sessionAlive(session: Buffer): boolean {
    try {
      this.#p11!.C_GetSessionInfo(session);
      return true;
    } catch {
      return false;
    }
  }

  #open(): Buffer {
    if (this.#session) return this.#session;
    const c = pkcs11js();
    const p11 = new c.PKCS11();
    try {
      p11.load(this.config.modulePath);
    } catch {
      throw new KeyProviderUnavailableError("pkcs11", `cannot load the PKCS#11 module ${this.config.modulePath}`);
    }
    this.#p11 = p11;
    try {
      p11.C_Initialize();
    } catch (err) {
      if (errorCode(err) !== "CKR_CRYPTOKI_ALREADY_INITIALIZED") throw err;
    }
    const slots = p11.C_GetSlotList(true);
    let slot: Buffer | undefined;
    if (this.config.tokenLabel !== undefined) {
      slot = slots.find((s) => p11.C_GetTokenInfo(s).label.trim() === this.config.tokenLabel);
      if (!slot) throw new KeyProviderUnavailableError("pkcs11", `no token labelled "${this.config.tokenLabel}" is present`);
    } else {
      slot = slots[this.config.slotIndex ?? 0];
      if (!slot) throw new KeyProviderUnavailableError("pkcs11", `no token in slot index ${this.config.slotIndex ?? 0}`);
    }
    this.tokenLabel = p11.C_GetTokenInfo(slot).label.trim();
    const session = p11.C_OpenSession(slot, c.CKF_SERIAL_SESSION | c.CKF_RW_SESSION);
    try {
      p11.C_Login(session, c.CKU_USER, readPin(this.config));
    } catch (err) {
      if (errorCode(err) !== "CKR_USER_ALREADY_LOGGED_IN") {
        p11.C_CloseSession(session);
        if (errorCode(err) === "CKR_PIN_INCORRECT") throw new KeyringError("The PKCS#11 PIN was refused (CKR_PIN_INCORRECT)");
        throw err;
      }
    }
    this.#session = session;
    return session;
  }

  #reset(): void {
    const p11 = this.#p11;
    this.#session = undefined;
    this.#keys.clear();
    this.#p11 = undefined;
    if (!p11) return;
    try {
      p11.C_Finalize();
    } catch {
      // Already gone: nothing to release.
    }
    try {
      p11.close();
    } catch {
      // Module already unloaded.
    }
  }
}

export class Pkcs11KeyProvider implements KeyProvider {
  readonly kind = "pkcs11" as const;
  readonly keyId: string;

  constructor(
    readonly token: Pkcs11Token,
    readonly label: string,
  ) {
    // Stable across processes and machines that see the same token and key label (e.g. an HSM cluster).
    const who = token.config.tokenLabel ?? `slot#${token.config.slotIndex ?? 0}`;
    this.keyId = "p" + createHash("sha256").update(`team-secrets pkcs11\0${who}\0${label}`).digest("hex").slice(0, 10);
  }

  async wrap(dataKey: Buffer, context: WrapContext): Promise<Buffer> {
    const iv = randomBytes(IV_BYTES);
    const out = this.token.run((p11, session) => {
      p11.C_EncryptInit(session, this.#mechanism(iv, context), this.token.findKey(this.label));
      return Buffer.from(p11.C_Encrypt(session, dataKey, Buffer.alloc(dataKey.length + TAG_BITS / 8 + 16)));
    });
    return Buffer.concat([iv, out]);
  }

  async unwrap(wrapped: Buffer, context: WrapContext): Promise<Buffer> {
    if (wrapped.length !== IV_BYTES + DATA_KEY_BYTES + TAG_BITS / 8) throw new UnwrapRefusedError("Malformed wrapped key");
    const iv = wrapped.subarray(0, IV_BYTES);
    const key = this.token.run((p11, session) => {
      p11.C_DecryptInit(session, this.#mechanism(iv, context), this.token.findKey(this.label));
      return Buffer.from(p11.C_Decrypt(session, wrapped.subarray(IV_BYTES), Buffer.alloc(wrapped.length)));
    }, { decrypting: true });
    if (key.length !== DATA_KEY_BYTES) throw new UnwrapRefusedError("Unwrapped key has the wrong length");
    return key;
  }

  #mechanism(iv: Buffer, context: WrapContext): Pkcs11Module.Mechanism {
    const c = pkcs11js();
    return {
      mechanism: c.CKM_AES_GCM,
      parameter: { type: c.CK_PARAMS_AES_GCM, iv, aad: aadBytes(context), ivBits: IV_BYTES * 8, tagBits: TAG_BITS } as Pkcs11Module.AesGCM,
    };
  }
}

// Each key provider: wrap/unwrap round trip, wrong associated data refused, wrong key refused, and an
// outage reported as "key provider unavailable" (never as a wrong or missing key). PKCS#11 runs against a
// throw-away SoftHSM2 token; AWS KMS against a loopback server speaking the KMS JSON protocol.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSoftHsmToken, softHsmUnavailable, type TSoftHsmToken } from "@/tests/support/softhsm";
import { startKmsServer, type TKmsServer } from "@/tests/support/kms-server";
import { AwsKmsKeyProvider, kmsClient } from "./aws-kms";
import { LocalKeyProvider } from "./local";
import { Pkcs11KeyProvider, Pkcs11Token } from "./pkcs11";
import { KeyProviderUnavailableError, UnwrapRefusedError, type KeyProvider } from "./types";

const ctx = { purpose: "secret-value", layer: "key", team: "t1", secret: "s1", version: "3" };

async function roundTripAndRefusals(a: KeyProvider, b: KeyProvider) {
  const dataKey = randomBytes(32);
  const wrapped = await a.wrap(dataKey, ctx);
  expect(wrapped.includes(dataKey)).toBe(false);
  expect((await a.unwrap(wrapped, ctx)).equals(dataKey)).toBe(true);
  // Fresh randomness per wrap.
  expect((await a.wrap(dataKey, ctx)).equals(wrapped)).toBe(false);
  for (const other of [{ ...ctx, version: "4" }, { ...ctx, team: "t2" }, { ...ctx, secret: "s2" }, { ...ctx, layer: "value" }]) {
    await expect(a.unwrap(wrapped, other)).rejects.toBeInstanceOf(UnwrapRefusedError);
  }
  await expect(b.unwrap(wrapped, ctx)).rejects.toBeInstanceOf(UnwrapRefusedError);
  const flipped = Buffer.from(wrapped);
  flipped[flipped.length - 1]! ^= 1;
  await expect(a.unwrap(flipped, ctx)).rejects.toBeInstanceOf(UnwrapRefusedError);
  expect(a.keyId).toMatch(/^[kpa][0-9a-f]{10}$/);
  expect(a.keyId).not.toBe(b.keyId);
}

describe("local provider", () => {
  it("round-trips and refuses wrong associated data and a wrong key", async () => {
    const a = new LocalKeyProvider(Buffer.alloc(32, 1), "A");
    await roundTripAndRefusals(a, new LocalKeyProvider(Buffer.alloc(32, 2), "B"));
    expect(new LocalKeyProvider(Buffer.alloc(32, 1), "again").keyId).toBe(a.keyId);
  });
});

const hsmSkip = softHsmUnavailable();
if (hsmSkip) console.warn(`[skip] PKCS#11 provider tests: ${hsmSkip}`);

describe.skipIf(hsmSkip !== null)("pkcs11 provider (SoftHSM2)", () => {
  let hsm: TSoftHsmToken;
  let token: Pkcs11Token;
  beforeAll(() => {
    hsm = createSoftHsmToken();
    token = new Pkcs11Token({ modulePath: hsm.module, tokenLabel: hsm.label, pin: hsm.pin });
    token.generateKey("key-a");
    token.generateKey("key-b");
  });
  afterAll(() => {
    token?.close();
    hsm?.cleanup();
  });

  it("wraps inside the token, and refuses wrong associated data and a wrong key", async () => {
    await roundTripAndRefusals(new Pkcs11KeyProvider(token, "key-a"), new Pkcs11KeyProvider(token, "key-b"));
  });

  it("keeps its key in the token: sensitive, not extractable", () => {
    token.run((p11, session) => {
      const c = require("pkcs11js") as typeof import("pkcs11js");
      const handle = token.findKey("key-a");
      const attrs = p11.C_GetAttributeValue(session, handle, [{ type: c.CKA_SENSITIVE }, { type: c.CKA_EXTRACTABLE }]);
      expect(attrs.map((a) => a.value?.[0])).toEqual([1, 0]);
      expect(() => p11.C_GetAttributeValue(session, handle, [{ type: c.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
    });
  });

  it("refuses to create a second key with a label in use", () => {
    expect(() => token.generateKey("key-a")).toThrow(/already exists/);
  });

  it("names a missing key label, and reports a wrong PIN or missing token as configuration or outage", async () => {
    await expect(new Pkcs11KeyProvider(token, "no-such-key").wrap(randomBytes(32), ctx)).rejects.toThrow(/No AES key labelled "no-such-key"/);
    const gone = new Pkcs11Token({ modulePath: hsm.module, tokenLabel: "absent-token", pin: hsm.pin });
    await expect(new Pkcs11KeyProvider(gone, "key-a").wrap(randomBytes(32), ctx)).rejects.toBeInstanceOf(KeyProviderUnavailableError);
    const broken = new Pkcs11Token({ modulePath: "/nonexistent/libpkcs11.so", tokenLabel: hsm.label, pin: hsm.pin });
    await expect(new Pkcs11KeyProvider(broken, "key-a").wrap(randomBytes(32), ctx)).rejects.toThrow(/Key provider unavailable \(pkcs11\)/);
  });
});

describe("aws-kms provider (loopback KMS JSON protocol)", () => {
  let kms: TKmsServer;
  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = "AKIDTESTTESTTEST";
    process.env.AWS_SECRET_ACCESS_KEY = "test-secret-access-key";
    kms = await startKmsServer();
  });
  afterAll(() => kms?.close());
  const provider = (arn: string) => new AwsKmsKeyProvider(kmsClient({ endpoint: kms.endpoint }, arn), arn);

  it("round-trips through Encrypt/Decrypt with the context as encryption context; refuses wrong context and key", async () => {
    const before = { ...kms.calls };
    await roundTripAndRefusals(provider(kms.createKey()), provider(kms.createKey()));
    expect(kms.calls.Encrypt - before.Encrypt).toBe(2);
    expect(kms.calls.Decrypt - before.Decrypt).toBeGreaterThanOrEqual(7);
  });

  it("refuses an alias as the key id", () => {
    expect(() => provider("alias/team-secrets")).toThrow(/must be a KMS key ARN/);
  });

  it("reports an outage as key provider unavailable, and works again after it", async () => {
    const p = provider(kms.createKey());
    const wrapped = await p.wrap(randomBytes(32), ctx);
    kms.setDown(true);
    try {
      await expect(p.unwrap(wrapped, ctx)).rejects.toThrow(/Key provider unavailable \(aws-kms\): KMSInternalException \(HTTP 503\)/);
    } finally {
      kms.setDown(false);
    }
    expect(await p.unwrap(wrapped, ctx)).toHaveLength(32);
  });
});

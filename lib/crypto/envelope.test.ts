import { describe, expect, it } from "vitest";
import { open, openNowOrLater, rewrap, seal, DecryptError, openKey, sealKey, rewrapKey } from "./envelope";
import { buildKeyring, KeyringError } from "./keyring";
import { fingerprint, FingerprintKey } from "./fingerprint";
import { LocalKeyProvider } from "./providers/local";

const KEY_A = Buffer.alloc(32, 1).toString("base64");
const KEY_B = Buffer.alloc(32, 2).toString("base64");
const ctx = { teamId: "team-1", secretId: "secret-1", version: 1 };
const local = (active: string, previous: string[] = []) =>
  buildKeyring({ SECRETS_KEY_PROVIDER: "local", SECRETS_MASTER_KEY: active, SECRETS_PREVIOUS_MASTER_KEYS: previous.join(",") });

describe("envelope encryption", () => {
  const ring = local(KEY_A);

  it("round-trips unicode, newlines and a 64 KiB value", async () => {
    for (const value of ["s3cr3t", 'line1\nline2 "quoted" \\ 🔑', "x".repeat(64 * 1024)]) {
      const { envelope, keyId } = await seal(ring, value, ctx);
      expect(keyId).toBe(ring.active.keyId);
      expect(envelope.startsWith(`v2:${ring.active.keyId}:`)).toBe(true);
      expect(envelope).not.toContain(value.slice(0, 6));
      expect(await open(ring, envelope, ctx)).toBe(value);
    }
  });

  it("opens a local key's envelope without a promise, with open's verdicts (the read's hot path)", async () => {
    const { envelope } = await seal(ring, "now", ctx);
    expect(openNowOrLater(ring, envelope, ctx)).toBe("now");
    const parts = envelope.split(":");
    const flipped = Buffer.from(parts[2]!, "base64url");
    flipped[0]! ^= 0x01;
    expect(() => openNowOrLater(ring, [parts[0], parts[1], flipped.toString("base64url"), parts[3], parts[4]].join(":"), ctx)).toThrow(DecryptError);
    expect(() => openNowOrLater(ring, envelope, { ...ctx, version: 2 })).toThrow(DecryptError);
    expect(() => openNowOrLater(local(KEY_B), envelope, ctx)).toThrow(/Unknown master key id/);
  });

  it("uses a fresh data key and nonce each time", async () => {
    expect((await seal(ring, "same", ctx)).envelope).not.toBe((await seal(ring, "same", ctx)).envelope);
  });

  it("fails with a clear error when any byte of the ciphertext is flipped", async () => {
    const parts = (await seal(ring, "value", ctx)).envelope.split(":");
    for (const i of [2, 3, 4]) {
      const tampered = [...parts];
      const bytes = Buffer.from(tampered[i]!, "base64url");
      bytes[0]! ^= 0x01;
      tampered[i] = bytes.toString("base64url");
      await expect(open(ring, tampered.join(":"), ctx)).rejects.toBeInstanceOf(DecryptError);
    }
  });

  it("refuses a ciphertext moved to another secret, team or version", async () => {
    const { envelope } = await seal(ring, "value", ctx);
    for (const other of [{ ...ctx, secretId: "secret-2" }, { ...ctx, teamId: "team-2" }, { ...ctx, version: 2 }]) {
      await expect(open(ring, envelope, other)).rejects.toThrow(/another secret or version/);
    }
  });

  it("names an unknown key id, and opens old data with a retired key", async () => {
    const { envelope } = await seal(ring, "value", ctx);
    await expect(open(local(KEY_B), envelope, ctx)).rejects.toThrow(/Unknown master key id/);
    const rotated = local(KEY_B, [KEY_A]);
    expect(await open(rotated, envelope, ctx)).toBe("value");
    expect((await seal(rotated, "value", ctx)).envelope).toContain(`:${rotated.active.keyId}:`);
  });

  it("refuses a key id that names the wrong key (a forged id)", async () => {
    const { envelope } = await seal(ring, "value", ctx);
    const b = local(KEY_B, [KEY_A]);
    const forged = envelope.replace(ring.active.keyId, b.active.keyId);
    await expect(open(b, forged, ctx)).rejects.toBeInstanceOf(DecryptError);
  });

  it("rejects a malformed envelope", async () => {
    await expect(open(ring, "garbage", ctx)).rejects.toBeInstanceOf(DecryptError);
    await expect(open(ring, "v2:kx:a:b:c", ctx)).rejects.toBeInstanceOf(DecryptError);
    await expect(open(ring, "v9:kx:a:b:c", ctx)).rejects.toBeInstanceOf(DecryptError);
  });
});

describe("re-wrap", () => {
  it("changes only the key id and the wrapped key; the value layer stays byte for byte", async () => {
    const { envelope } = await seal(local(KEY_A), "value", ctx);
    const rotated = local(KEY_B, [KEY_A]);
    const out = await rewrap(rotated, envelope, ctx);
    expect(out!.keyId).toBe(rotated.active.keyId);
    const [before, after] = [envelope.split(":"), out!.envelope.split(":")];
    expect(after[1]).toBe(rotated.active.keyId);
    expect(after[2]).not.toBe(before[2]);
    expect(after.slice(3)).toEqual(before.slice(3));
    expect(await open(local(KEY_B), out!.envelope, ctx)).toBe("value");
    expect(await rewrap(rotated, out!.envelope, ctx)).toBeNull();
  });

  it("refuses to re-wrap an envelope bound to another context", async () => {
    const { envelope } = await seal(local(KEY_A), "value", ctx);
    await expect(rewrap(local(KEY_B, [KEY_A]), envelope, { ...ctx, version: 2 })).rejects.toBeInstanceOf(DecryptError);
  });

  // Sealed by the code before key providers (format v1, commit 4804bce) with KEY_A.
  const V1 =
    "v1:kbe4c85baca:qR7LEmheASIrX78u.5yj3lCz2aOo1mzzRLcWPFKtr_0pcDwkmnzdy2W5h-7CojtH4YT3Xw_Bk5F9ls_vO:1yOK1z6XHsu1DDz8:zaiI4X6gnkKTj6Lum6hj-aUi7ttMxmDOUgxnuwJeLDA";
  const v1ctx = { teamId: "team-1", secretId: "secret-1", version: 3 };

  it("opens a v1 envelope and upgrades it to v2 on re-wrap", async () => {
    expect(await open(local(KEY_A), V1, v1ctx)).toBe("legacy value ✓");
    await expect(open(local(KEY_A), V1, { ...v1ctx, version: 2 })).rejects.toBeInstanceOf(DecryptError);
    const out = await rewrap(local(KEY_B, [KEY_A]), V1, v1ctx);
    expect(out!.envelope.startsWith(`v2:${local(KEY_B).active.keyId}:`)).toBe(true);
    expect(await open(local(KEY_B), out!.envelope, v1ctx)).toBe("legacy value ✓");
  });

  it("re-wraps key material under the active key", async () => {
    const material = Buffer.alloc(32, 7);
    const { envelope } = await sealKey(local(KEY_A), material, { purpose: "key-material", name: "x" });
    const out = await rewrapKey(local(KEY_B, [KEY_A]), envelope, { purpose: "key-material", name: "x" });
    expect((await openKey(local(KEY_B), out!.envelope, { purpose: "key-material", name: "x" })).equals(material)).toBe(true);
    await expect(openKey(local(KEY_B), out!.envelope, { purpose: "key-material", name: "y" })).rejects.toBeInstanceOf(DecryptError);
  });
});

describe("keyring configuration", () => {
  it("requires base64 of exactly 32 bytes", () => {
    expect(() => local("short")).toThrow(KeyringError);
    expect(() => local(Buffer.alloc(16).toString("base64"))).toThrow(/32 bytes/);
    expect(() => local("not base64!!")).toThrow(KeyringError);
    expect(local(KEY_A).active.keyId).toMatch(/^k[0-9a-f]{10}$/);
  });

  it("refuses a local master key with another provider, and names missing settings", () => {
    expect(() => buildKeyring({ SECRETS_KEY_PROVIDER: "pkcs11", SECRETS_MASTER_KEY: KEY_A })).toThrow(/SECRETS_PREVIOUS_MASTER_KEYS/);
    expect(() => buildKeyring({ SECRETS_KEY_PROVIDER: "pkcs11", SECRETS_PKCS11_PIN: "1" })).toThrow(/SECRETS_PKCS11_MODULE/);
    expect(() => buildKeyring({ SECRETS_KEY_PROVIDER: "aws-kms" })).toThrow(/SECRETS_AWS_KMS_KEY_ARN/);
  });
});

describe("fingerprint", () => {
  const fpKey = FingerprintKey.wrapBuffer(new LocalKeyProvider(Buffer.alloc(32, 1), "A").legacyFingerprintKey());
  it("is 8 bytes of hex, stable per team and value, and keyed", () => {
    const fp = fingerprint(fpKey, "t1", "value");
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint(fpKey, "t1", "value")).toBe(fp);
    expect(fingerprint(fpKey, "t2", "value")).not.toBe(fp);
    expect(fingerprint(fpKey, "t1", "value2")).not.toBe(fp);
    expect(fingerprint(FingerprintKey.wrapBuffer(Buffer.alloc(32, 9)), "t1", "value")).not.toBe(fp);
  });
});

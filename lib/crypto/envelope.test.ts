import { describe, expect, it } from "vitest";
import { open, seal, DecryptError } from "./envelope";
import { buildKeyring, parseMasterKey, KeyringError } from "./keyring";
import { fingerprint } from "./fingerprint";

const KEY_A = Buffer.alloc(32, 1).toString("base64");
const KEY_B = Buffer.alloc(32, 2).toString("base64");
const ctx = { teamId: "team-1", secretId: "secret-1", version: 1 };

describe("envelope encryption", () => {
  const ring = buildKeyring(KEY_A);

  it("round-trips unicode, newlines and a 64 KiB value", () => {
    for (const value of ["s3cr3t", 'line1\nline2 "quoted" \\ 🔑', "x".repeat(64 * 1024)]) {
      const sealed = seal(ring, value, ctx);
      expect(sealed.startsWith(`v1:${ring.active.id}:`)).toBe(true);
      expect(sealed).not.toContain(value.slice(0, 6));
      expect(open(ring, sealed, ctx)).toBe(value);
    }
  });

  it("uses a fresh data key and nonce each time", () => {
    expect(seal(ring, "same", ctx)).not.toBe(seal(ring, "same", ctx));
  });

  it("fails with a clear error when any byte of the ciphertext is flipped", () => {
    const sealed = seal(ring, "value", ctx);
    const parts = sealed.split(":");
    for (const i of [2, 3, 4]) {
      const tampered = [...parts];
      const bytes = Buffer.from(tampered[i]!.replace(/^.*\./, ""), "base64url");
      bytes[0]! ^= 0x01;
      tampered[i] = i === 2 ? `${parts[2]!.split(".")[0]}.${bytes.toString("base64url")}` : bytes.toString("base64url");
      expect(() => open(ring, tampered.join(":"), ctx)).toThrow(DecryptError);
    }
  });

  it("refuses a ciphertext moved to another secret, team or version", () => {
    const sealed = seal(ring, "value", ctx);
    for (const other of [{ ...ctx, secretId: "secret-2" }, { ...ctx, teamId: "team-2" }, { ...ctx, version: 2 }]) {
      expect(() => open(ring, sealed, other)).toThrow(/another secret or version/);
    }
  });

  it("names an unknown key id, and opens old data with a retired key", () => {
    const sealedWithA = seal(ring, "value", ctx);
    expect(() => open(buildKeyring(KEY_B), sealedWithA, ctx)).toThrow(/Unknown master key id/);
    const rotated = buildKeyring(KEY_B, [KEY_A]);
    expect(open(rotated, sealedWithA, ctx)).toBe("value");
    expect(seal(rotated, "value", ctx)).toContain(`:${rotated.active.id}:`);
  });

  it("rejects a malformed envelope", () => {
    expect(() => open(ring, "garbage", ctx)).toThrow(DecryptError);
    expect(() => open(ring, "v1:kx:a.b:c:d", ctx)).toThrow(DecryptError);
  });
});

describe("master keys", () => {
  it("require base64 of exactly 32 bytes", () => {
    expect(() => parseMasterKey("short", "K")).toThrow(KeyringError);
    expect(() => parseMasterKey(Buffer.alloc(16).toString("base64"), "K")).toThrow(/32 bytes/);
    expect(() => parseMasterKey("not base64!!", "K")).toThrow(KeyringError);
    expect(parseMasterKey(KEY_A, "K").id).toMatch(/^k[0-9a-f]{10}$/);
  });
});

describe("fingerprint", () => {
  const ring = buildKeyring(KEY_A);
  it("is 8 bytes of hex, stable per team and value, and keyed", () => {
    const fp = fingerprint(ring, "t1", "value");
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint(ring, "t1", "value")).toBe(fp);
    expect(fingerprint(ring, "t2", "value")).not.toBe(fp);
    expect(fingerprint(ring, "t1", "value2")).not.toBe(fp);
    expect(fingerprint(buildKeyring(KEY_B), "t1", "value")).not.toBe(fp);
  });
});

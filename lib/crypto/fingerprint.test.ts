import { describe, expect, it } from "vitest";
import { FingerprintKey, sameFingerprint } from "./fingerprint";

const key = FingerprintKey.wrapBuffer(Buffer.alloc(32, 7));

describe("sameFingerprint (Check value's comparison)", () => {
  it("is equality of values, whatever their lengths (timingSafeEqual would throw on unequal lengths)", () => {
    expect(sameFingerprint(key, "team-1", "s3cr3t", "s3cr3t")).toBe(true);
    expect(sameFingerprint(key, "team-1", "s3cr3t", "s3cr3T")).toBe(false);
    expect(sameFingerprint(key, "team-1", "s3cr3t", "s3cr3t ")).toBe(false);
    expect(sameFingerprint(key, "team-1", "x".repeat(64 * 1024), "x")).toBe(false);
    expect(sameFingerprint(key, "team-1", "line1\nline2 🔑", "line1\nline2 🔑")).toBe(true);
  });
});

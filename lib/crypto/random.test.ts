import { describe, expect, it } from "vitest";
import { secureRandomBytes } from "./random";

describe("secureRandomBytes (pooled CSPRNG output)", () => {
  it("returns the requested length, never the same bytes twice, across pool refills", () => {
    const seen = new Set<string>();
    // 3,000 x 12 bytes crosses the 8 KiB pool several times.
    for (let i = 0; i < 3000; i++) {
      const b = secureRandomBytes(i % 2 ? 12 : 32);
      expect(b.length).toBe(i % 2 ? 12 : 32);
      const hex = b.toString("hex");
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
    }
  });

  it("hands out buffers of their own: wiping one (as seal() wipes a data key) leaves the next untouched", () => {
    const a = secureRandomBytes(32);
    const b = secureRandomBytes(32);
    const copy = Buffer.from(b);
    a.fill(0);
    expect(b.equals(copy)).toBe(true);
    expect(a.buffer).not.toBe(b.buffer);
  });

  it("looks uniform: about half of 800,000 bits are set, and large requests work too", () => {
    let ones = 0;
    for (let i = 0; i < 10_000; i++) for (const byte of secureRandomBytes(10)) for (let k = 0; k < 8; k++) ones += (byte >> k) & 1;
    expect(ones / 800_000).toBeGreaterThan(0.49);
    expect(ones / 800_000).toBeLessThan(0.51);
    const big = secureRandomBytes(4096);
    expect(big.length).toBe(4096);
    expect(big.equals(Buffer.alloc(4096))).toBe(false);
  });
});

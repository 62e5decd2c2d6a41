import { describe, expect, it } from "vitest";
import { generateAccessToken, hashAccessToken, hashesEqual, looksLikeAccessToken, TOKEN_PREFIX } from "./tokens";

describe("access tokens", () => {
  it("have the prefix, 256 random bits, and a display prefix that is not the token", () => {
    const { token, prefix, hash } = generateAccessToken();
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url")).toHaveLength(32);
    expect(token.startsWith(prefix)).toBe(true);
    expect(prefix.length).toBeLessThan(12);
    expect(hash).toBe(hashAccessToken(token));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(looksLikeAccessToken(token)).toBe(true);
  });

  it("are unique", () => {
    const seen = new Set(Array.from({ length: 200 }, () => generateAccessToken().token));
    expect(seen.size).toBe(200);
  });

  it("reject lookalikes", () => {
    const { token } = generateAccessToken();
    expect(looksLikeAccessToken(token.slice(0, -1))).toBe(false);
    expect(looksLikeAccessToken(`${token}x`)).toBe(false);
    expect(looksLikeAccessToken(token.replace(TOKEN_PREFIX, "inv_"))).toBe(false);
    expect(looksLikeAccessToken(`${token.slice(0, -1)}=`)).toBe(false);
  });

  it("compare hashes exactly", () => {
    const a = hashAccessToken("a");
    expect(hashesEqual(a, hashAccessToken("a"))).toBe(true);
    expect(hashesEqual(a, hashAccessToken("b"))).toBe(false);
    expect(hashesEqual(a, a.slice(0, 62))).toBe(false);
    expect(hashesEqual(a, "")).toBe(false);
  });
});

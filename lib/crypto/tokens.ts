import "server-only";
// Machine access tokens: a recognizable prefix plus 256 random bits. Only a SHA-256 of the whole token is
// stored; lookup is by that hash (a unique index), and the found row's hash is compared again in constant
// time so the check never depends on how the database compared strings.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const TOKEN_PREFIX = "tsk_";
// 32 random bytes -> 43 base64url characters.
const TOKEN_PATTERN = /^tsk_[A-Za-z0-9_-]{43}$/;
// How much of the token lists show: the prefix and 6 random characters (36 of the 256 bits).
const DISPLAY_LENGTH = TOKEN_PREFIX.length + 6;

export function hashAccessToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function generateAccessToken(): { token: string; prefix: string; hash: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, prefix: token.slice(0, DISPLAY_LENGTH), hash: hashAccessToken(token) };
}

/** Cheap shape check before any database work: anything else cannot be a token we issued. */
export function looksLikeAccessToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** Constant-time comparison of two hex SHA-256 digests. */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

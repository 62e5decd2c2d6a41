// Types for gcm.mjs (plain JavaScript so the bulk worker thread runs the same code).
export declare const NONCE_BYTES: number;
export declare const TAG_BYTES: number;
export declare function secureRandomBytes(n: number): Buffer;
export declare function gcmSeal(key: Buffer, plaintext: Buffer, associated: Buffer): { nonce: Buffer; sealed: Buffer };
export declare function gcmMalformed(nonce: Buffer, sealed: Buffer): boolean;
export declare function gcmOpenOrNull(key: Buffer, nonce: Buffer, sealed: Buffer, associated: Buffer): Buffer | null;

import "server-only";
// Random bytes for data keys and nonces: pooled CSPRNG output (see gcm.mjs, shared with the bulk worker).
export { secureRandomBytes } from "./gcm.mjs";

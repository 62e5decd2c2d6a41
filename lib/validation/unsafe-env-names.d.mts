// Types for unsafe-env-names.mjs (plain JavaScript so the dependency-free CLI can import it too).
export declare const UNSAFE_ENV_NAMES: readonly string[];
export declare const UNSAFE_ENV_PREFIXES: readonly string[];
export declare function unsafeEnvNameReason(name: string): string | null;

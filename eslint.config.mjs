// ESLint (flat config): typescript-eslint and React's hooks rules, plus the import boundaries of the layers
// (README "Layout"): the browser side never depends on the DAL, keys or the database at runtime; the DAL never
// reaches up into routes, components or jobs; only lib/crypto uses node:crypto's key-material functions.
// Boundaries are written as @typescript-eslint/no-restricted-imports patterns on the import path, which
// needs no module resolver for the "@/" alias. Client code imports no type of a server module either: DTO types
// live in type-only modules (lib/types/), so a component never names a server-only file. lib/lint-boundaries.test.ts
// lints fixtures to prove each rule fires.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

const SERVER_ONLY = [
  { group: ["@/lib/dal", "@/lib/dal/*", "**/lib/dal/*"], message: "Client code must not import the DAL: DTO types are in lib/types/." },
  { group: ["@/lib/crypto", "@/lib/crypto/*", "**/lib/crypto/*"], message: "Only server code touches keys." },
  { group: ["@/db/*", "**/db/*"], message: "Client code must not import the database (role types: lib/authz/policy)." },
  { group: ["@/lib/jobs/*", "**/lib/jobs/*"], message: "Client code must not import server jobs." },
  { regex: "(^@/lib/authz|/lib/authz(/index)?)$", message: "Client code reads the policy from lib/authz/policy (lib/authz itself queries the database)." },
];

// node:crypto functions that handle key material: lib/crypto owns them. Hashes and random bytes are free.
const KEY_FUNCTIONS = [
  "createCipheriv",
  "createDecipheriv",
  "createHmac",
  "hkdf",
  "hkdfSync",
  "pbkdf2",
  "pbkdf2Sync",
  "scrypt",
  "scryptSync",
  "createSecretKey",
  "createPrivateKey",
  "createPublicKey",
  "generateKey",
  "generateKeySync",
  "generateKeyPair",
  "generateKeyPairSync",
  "publicEncrypt",
  "privateDecrypt",
  "sign",
  "verify",
  "createSign",
  "createVerify",
  "privateEncrypt",
  "publicDecrypt",
  "createDiffieHellman",
  "createECDH",
  "diffieHellman",
  "webcrypto",
  "subtle",
  // `import crypto from "node:crypto"` would reach all of the above as properties (a namespace import is
  // refused by the rule itself once importNames is set).
  "default",
];
const NO_KEY_FUNCTIONS = ["node:crypto", "crypto"].map((name) => ({
  name,
  importNames: KEY_FUNCTIONS,
  message: "Key material is lib/crypto's alone: use its functions.",
}));

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      ".next-*/**",
      ".data/**",
      "db/migrations/**",
      "e2e/.artifacts/**",
      "e2e/.auth/**",
      "playwright-report/**",
      "test-results/**",
      "public/**",
      "next-env.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,mts,mjs}"],
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", fetch: "readonly", Response: "readonly", Request: "readonly", Headers: "readonly", FormData: "readonly", File: "readonly", TextEncoder: "readonly", TextDecoder: "readonly", AbortController: "readonly", AbortSignal: "readonly", structuredClone: "readonly", crypto: "readonly", window: "readonly", document: "readonly", navigator: "readonly", HTMLElement: "readonly", HTMLInputElement: "readonly", Event: "readonly", KeyboardEvent: "readonly", queueMicrotask: "readonly", performance: "readonly", URLSearchParams: "readonly", Blob: "readonly", globalThis: "readonly", NodeJS: "readonly", React: "readonly", JSX: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "no-empty": ["error", { allowEmptyCatch: true }],
      "@typescript-eslint/no-restricted-imports": ["error", { paths: NO_KEY_FUNCTIONS }],
    },
  },
  {
    files: ["components/**/*.{ts,tsx}", "app/**/*.tsx", "lib/**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
    },
  },
  {
    // The browser side: components and client-only helpers.
    files: ["components/**/*.{ts,tsx}", "lib/queries/**/*.{ts,tsx}", "app/providers.tsx"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", { paths: NO_KEY_FUNCTIONS, patterns: SERVER_ONLY }],
    },
  },
  {
    // The DAL is SQL and DTOs: it does not reach up a layer.
    files: ["lib/dal/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: NO_KEY_FUNCTIONS,
          patterns: [
            { group: ["@/app/*", "**/app/*"], message: "The DAL must not import routes or pages." },
            { group: ["@/components/*", "**/components/*"], message: "The DAL must not import components." },
            { group: ["@/lib/jobs/*", "**/lib/jobs/*"], message: "The DAL sits below lib/jobs." },
            { group: ["@/lib/server-action", "@/lib/team-action", "@/lib/route-handler", "@/lib/team-route"], message: "The DAL must not import the action or route frame." },
          ],
        },
      ],
    },
  },
  {
    // lib/crypto owns key material.
    files: ["lib/crypto/**/*.{ts,mjs}"],
    rules: { "@typescript-eslint/no-restricted-imports": "off" },
  },
  {
    // Tests and scripts may use anything (fixtures build raw rows, tamper with ciphertexts, hash tokens).
    files: ["**/*.test.ts", "tests/**/*.ts", "e2e/**/*.ts", "bench/**/*.ts", "scripts/**/*.{ts,mjs}", "bin/**/*.mjs"],
    rules: {
      "@typescript-eslint/no-restricted-imports": "off",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // Playwright fixtures must destructure their (empty) dependencies.
    files: ["e2e/**/*.ts"],
    rules: { "no-empty-pattern": "off" },
  },
);

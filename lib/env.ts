import "server-only";
// The environment, parsed once with zod. Secrets that have a safe development default (master key, auth
// secret) are generated into ./.data on first use outside production; in production they must be set.
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { ConfigError } from "@/lib/errors";

const isCidr = (s: string) => {
  try {
    ipaddr.parseCIDR(s);
    return true;
  } catch {
    return false;
  }
};

const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url().optional(),
  // A direct (not pooled) connection for migrations and their advisory lock; default DATABASE_URL.
  DATABASE_MIGRATION_URL: z.string().url().optional(),
  // "false" behind PgBouncer in transaction pooling mode (no named prepared statements).
  DATABASE_PREPARED_STATEMENTS: z.enum(["true", "false"]).default("true"),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  PGLITE_DATA_DIR: z.string().optional(),
  DATA_DIR: z.string().default(".data"),
  SECRETS_MASTER_KEY: z.string().optional(),
  // Retired master keys, comma separated base64, kept only to open data sealed before a key rotation.
  SECRETS_PREVIOUS_MASTER_KEYS: z.string().optional(),
  // Which key wraps data keys: a local key (SECRETS_MASTER_KEY), a PKCS#11 token, or AWS KMS.
  SECRETS_KEY_PROVIDER: z.enum(["local", "pkcs11", "aws-kms"]).default("local"),
  // PKCS#11: library path, token (label, or slot index among slots with a token), PIN, AES key labels.
  SECRETS_PKCS11_MODULE: z.string().optional(),
  SECRETS_PKCS11_TOKEN_LABEL: z.string().optional(),
  SECRETS_PKCS11_SLOT: z.coerce.number().int().min(0).optional(),
  SECRETS_PKCS11_PIN: z.string().optional(),
  SECRETS_PKCS11_PIN_FILE: z.string().optional(),
  SECRETS_PKCS11_KEY_LABEL: z.string().optional(),
  SECRETS_PKCS11_PREVIOUS_KEY_LABELS: z.string().optional(),
  // AWS KMS: the active key's ARN, retired key ARNs, region (default: the ARN's) and an endpoint override.
  SECRETS_AWS_KMS_KEY_ARN: z.string().optional(),
  SECRETS_AWS_KMS_PREVIOUS_KEY_ARNS: z.string().optional(),
  SECRETS_AWS_KMS_REGION: z.string().optional(),
  SECRETS_AWS_KMS_ENDPOINT: z.string().url().optional(),
  AUTH_SECRET: z.string().optional(),
  AUTH_TRUST_HOST: z.string().optional(),
  AUTH_GITHUB_ID: z.string().optional(),
  AUTH_GITHUB_SECRET: z.string().optional(),
  AUTH_GOOGLE_ID: z.string().optional(),
  AUTH_GOOGLE_SECRET: z.string().optional(),
  AUTH_OIDC_ISSUER: z.string().url().optional(),
  AUTH_OIDC_ID: z.string().optional(),
  AUTH_OIDC_SECRET: z.string().optional(),
  AUTH_OIDC_NAME: z.string().default("Single sign-on"),
  // Requests per minute per access token, shared by every instance (within 10 per instance; see token-rate-limit).
  API_TOKEN_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  // Failed API authentications per minute per client address.
  API_FAILED_AUTH_PER_MINUTE: z.coerce.number().int().positive().default(30),
  // Check value: checks per minute per user, and per secret (across users).
  SECRET_CHECKS_PER_MINUTE: z.coerce.number().int().positive().default(10),
  // How often the usage recorder writes Last used (ms; 0: only when flushed explicitly).
  // "off": server.mjs sends GET /api/v1/secrets through Next's router like any route (see lib/server/machine-route.mjs).
  MACHINE_API_DIRECT: z.enum(["on", "off"]).default("on"),
  USAGE_FLUSH_MS: z.coerce.number().int().nonnegative().default(5000),
  // A Last used row is written at most once per this many seconds (per row, across instances).
  USAGE_ROW_INTERVAL_SECONDS: z.coerce.number().int().nonnegative().default(60),
  // Server log level (pino): fatal, error, warn, info, debug, trace or silent.
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Proxies in front of the app that append to X-Forwarded-For (0: none; the client is the socket's peer).
  TRUSTED_PROXY_HOPS: z.coerce.number().int().nonnegative().default(0),
  // Addresses/CIDRs of trusted proxies (comma separated); instead of TRUSTED_PROXY_HOPS.
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .refine((v) => !v || v.split(/[\s,]+/).filter(Boolean).every((e) => ipaddr.isValid(e) || isCidr(e)), "TRUSTED_PROXIES must list addresses or CIDRs"),
});

export type TEnv = z.infer<typeof ZEnv>;

let cached: TEnv | undefined;

export function env(): TEnv {
  if (!cached) {
    // An empty variable counts as unset.
    const raw = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ""));
    const parsed = ZEnv.safeParse(raw);
    if (!parsed.success) {
      // Names of the bad variables only; never their values.
      const names = parsed.error.issues.map((i) => i.path.join(".")).join(", ");
      throw new ConfigError(`Invalid environment: check ${names}`);
    }
    cached = parsed.data;
  }
  return cached;
}

export const isProduction = () => env().NODE_ENV === "production";

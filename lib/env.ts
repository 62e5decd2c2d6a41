import "server-only";
// Every setting of the app, declared once: its zod schema (with the default), a one-line description, and
// whether it is read at each use. Code reads settings only through env() (`grep process.env app components
// lib db` finds this file alone); the README's Configuration table is checked against SETTINGS by
// lib/env.test.ts. Secrets that have a safe development default (master key, auth secret) are generated into
// DATA_DIR on first use outside production; in production they must be set.
//
// env() parses every setting once, at first use, and reports every bad one by name (never a value). Settings
// marked `live` are read again at each use: they are read off the hot path (opening the database, sending
// mail or a webhook) and tests change them while running; the others are fixed for the process.
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

type TSetting<S extends z.ZodType = z.ZodType> = { schema: S; description: string; live: boolean };
type TOpts = { live?: boolean };
const setting = <S extends z.ZodType>(schema: S, description: string, opts: TOpts = {}): TSetting<S> => ({
  schema,
  description,
  live: opts.live ?? false,
});

// The shapes settings take, so that a declaration reads as its kind, its default and its description.
/** A string; unset: not configured. */
const text = (description: string, opts?: TOpts) => setting(z.string().optional(), description, opts);
/** A string with a default. */
const textOr = (fallback: string, description: string, opts?: TOpts) => setting(z.string().default(fallback), description, opts);
/** An absolute URL; unset: not configured. */
const url = (description: string, opts?: TOpts) => setting(z.string().url().optional(), description, opts);
/** A whole number above 0, with a default. */
const positiveInt = (fallback: number, description: string, opts?: TOpts) =>
  setting(z.coerce.number().int().positive().default(fallback), description, opts);
/** A whole number from 0 (where 0 means "none" or "off"), with a default. */
const countInt = (fallback: number, description: string, opts?: TOpts) =>
  setting(z.coerce.number().int().nonnegative().default(fallback), description, opts);
/** One of a few words, with a default. */
const oneOf = <const V extends readonly [string, ...string[]]>(values: V, fallback: V[number], description: string, opts?: TOpts) =>
  setting(z.enum(values).default(fallback as never), description, opts);
/** A switch, on unless set to `off`. */
const onOff = (description: string) => oneOf(["on", "off"], "on", description);

export const SETTINGS = {
  NODE_ENV: oneOf(["development", "production", "test"], "development", "Set by `next build` / `npm start` (production), the test runners (test) or `npm run dev`."),

  // Database
  DATABASE_URL: url("Postgres connection string; unset: the embedded PGlite database.", { live: true }),
  DATABASE_MIGRATION_URL: url("Direct connection, as the database's owner, for migrations and their advisory lock.", { live: true }),
  DATABASE_PREPARED_STATEMENTS: oneOf(["true", "false"], "true", "`false` behind PgBouncer in transaction pooling mode (no named prepared statements).", { live: true }),
  DATABASE_POOL_SIZE: positiveInt(10, "Postgres connections per instance.", { live: true }),
  PGLITE_DATA_DIR: text("Directory of the embedded database (default DATA_DIR/pglite); `memory://` keeps it in memory.", { live: true }),
  DATA_DIR: textOr(".data", "Where development keys, the auth secret and the embedded database live."),

  // Keys
  SECRETS_MASTER_KEY: text("Base64 of 32 random bytes: the local key that wraps every data key."),
  SECRETS_PREVIOUS_MASTER_KEYS: text("Retired local master keys (comma separated), kept to open values until they are re-wrapped."),
  SECRETS_KEY_PROVIDER: oneOf(["local", "pkcs11", "aws-kms"], "local", "What wraps data keys: a local key, a PKCS#11 token or AWS KMS."),
  SECRETS_PKCS11_MODULE: text("Path of the PKCS#11 library."),
  SECRETS_PKCS11_TOKEN_LABEL: text("The PKCS#11 token, by label."),
  SECRETS_PKCS11_SLOT: setting(z.coerce.number().int().min(0).optional(), "The PKCS#11 token, by index among slots with a token."),
  SECRETS_PKCS11_PIN: text("The token's user PIN."),
  SECRETS_PKCS11_PIN_FILE: text("A file (mode 0600) holding the token's user PIN."),
  SECRETS_PKCS11_KEY_LABEL: text("Label of the active AES-256 key in the token."),
  SECRETS_PKCS11_PREVIOUS_KEY_LABELS: text("Labels of retired keys in the same token (comma separated)."),
  SECRETS_AWS_KMS_KEY_ARN: text("ARN of the active symmetric KMS key."),
  SECRETS_AWS_KMS_PREVIOUS_KEY_ARNS: text("ARNs of retired KMS keys (comma separated)."),
  SECRETS_AWS_KMS_REGION: text("KMS region (default: the ARN's)."),
  SECRETS_AWS_KMS_ENDPOINT: url("KMS endpoint override (VPC endpoint, tests)."),

  // Sign-in
  AUTH_SECRET: text("Signs session tokens; required in production."),
  AUTH_TRUST_HOST: text("`true` behind a proxy that sets the Host header."),
  AUTH_GITHUB_ID: text("GitHub OAuth app id (with AUTH_GITHUB_SECRET: Continue with GitHub)."),
  AUTH_GITHUB_SECRET: text("GitHub OAuth app secret."),
  AUTH_GOOGLE_ID: text("Google OAuth client id (with AUTH_GOOGLE_SECRET: Continue with Google)."),
  AUTH_GOOGLE_SECRET: text("Google OAuth client secret."),
  AUTH_OIDC_ISSUER: url("Issuer URL of a generic OpenID Connect provider."),
  AUTH_OIDC_ID: text("OpenID Connect client id."),
  AUTH_OIDC_SECRET: text("OpenID Connect client secret."),
  AUTH_OIDC_NAME: textOr("Single sign-on", "The OpenID Connect provider's name on the sign-in page."),
  SIGNIN_MAX_FAILURES_PER_ACCOUNT: positiveInt(10, "Failed sign-ins allowed per account per 15 minutes.", { live: true }),
  SIGNIN_MAX_FAILURES_PER_IP: positiveInt(50, "Failed sign-ins allowed per client address per 15 minutes.", { live: true }),

  // Mail and links
  APP_URL: url("Public origin of links that leave the app (invitations, verification mail).", { live: true }),
  SMTP_URL: text("SMTP server for invitation and verification mail (nodemailer URL).", { live: true }),
  SMTP_FROM: textOr("Team Secrets <no-reply@localhost>", "Sender of the app's mail.", { live: true }),
  INVITATION_TTL_DAYS: setting(z.coerce.number().positive().default(7), "Invitation lifetime in days.", { live: true }),

  // Client addresses
  TRUSTED_PROXY_HOPS: countInt(0, "Proxies in front of the app that append to X-Forwarded-For (0: none)."),
  TRUSTED_PROXIES: setting(
    z
      .string()
      .optional()
      .refine((v) => !v || v.split(/[\s,]+/).filter(Boolean).every((e) => ipaddr.isValid(e) || isCidr(e)), "TRUSTED_PROXIES must list addresses or CIDRs"),
    "Addresses/CIDRs of trusted proxies (comma separated), instead of TRUSTED_PROXY_HOPS.",
  ),

  // Machine API
  API_TOKEN_REQUESTS_PER_MINUTE: positiveInt(120, "Secrets API requests per minute per access token, shared by every instance."),
  API_FAILED_AUTH_PER_MINUTE: positiveInt(30, "Failed secrets API authentications per minute per client address."),
  MACHINE_API_DIRECT: onOff("`off`: server.mjs sends GET /api/v1/secrets through Next's router like any route."),
  USAGE_FLUSH_MS: countInt(5000, "How often recorded uses (Last used) are written, in ms (0: only when flushed)."),
  USAGE_ROW_INTERVAL_SECONDS: countInt(60, "Least time between two writes of one row's Last used, across instances."),

  // Secrets
  SECRET_CHECKS_PER_MINUTE: positiveInt(10, "Check value: checks per minute per user, and per secret across users."),

  // Webhooks
  WEBHOOK_ALLOWED_HOSTS: text("Hosts (comma separated) webhooks may reach although not public, e.g. an internal receiver.", { live: true }),
  WEBHOOK_WORKER: onOff("`off`: this instance sends no queued deliveries."),
  WEBHOOK_POLL_MS: positiveInt(2000, "How often the delivery worker polls the queue, in ms.", { live: true }),
  WEBHOOK_TIMEOUT_MS: positiveInt(10_000, "Timeout of one delivery attempt, in ms.", { live: true }),
  WEBHOOK_RETRY_BASE_MS: positiveInt(10_000, "Wait before the first retry, in ms (×3 per further attempt).", { live: true }),

  // Reminders
  REMINDERS_WORKER: onOff("`off`: this instance does not run the expiry and rotation reminders job."),
  REMINDERS_INTERVAL_MS: positiveInt(86_400_000, "How often the reminders job runs (and once at start), in ms."),

  // Process
  SHUTDOWN_GRACE_MS: positiveInt(25_000, "On SIGTERM, how long in-flight requests may take (read by server.mjs)."),
  LOG_LEVEL: oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"], "info", "Server log level (pino)."),
} satisfies Record<string, TSetting>;

type TSettings = typeof SETTINGS;
export type TSettingName = keyof TSettings;
export type TEnv = { [K in TSettingName]: z.output<TSettings[K]["schema"]> };

const NAMES = Object.keys(SETTINGS) as TSettingName[];
const ZEnv = z.object(Object.fromEntries(NAMES.map((n) => [n, SETTINGS[n].schema])) as { [K in TSettingName]: TSettings[K]["schema"] });

/** The raw value of a setting; an empty variable counts as unset. */
function raw(name: TSettingName): string | undefined {
  const v = process.env[name];
  return v === "" ? undefined : v;
}

const invalid = (names: string[]) => new ConfigError(`Invalid environment: check ${names.join(", ")}`);

function readLive<K extends TSettingName>(name: K): TEnv[K] {
  const parsed = SETTINGS[name].schema.safeParse(raw(name));
  if (!parsed.success) throw invalid([name]);
  return parsed.data as TEnv[K];
}

let cached: TEnv | undefined;

export function env(): TEnv {
  if (!cached) {
    const parsed = ZEnv.safeParse(Object.fromEntries(NAMES.map((n) => [n, raw(n)])));
    // Names of the bad variables only; never their values.
    if (!parsed.success) throw invalid([...new Set(parsed.error.issues.map((i) => i.path.join(".")))]);
    const out = parsed.data as TEnv;
    for (const name of NAMES.filter((n) => SETTINGS[n].live)) {
      Object.defineProperty(out, name, { get: () => readLive(name), enumerable: true });
    }
    cached = out;
  }
  return cached;
}

export const isProduction = () => env().NODE_ENV === "production";

/**
 * Mail goes out only with SMTP_URL set, and in production only with APP_URL set too: a mailed link must not
 * be built from a request's Host header, which a caller controls. Email verification travels by mail, so it
 * is required exactly when mail is configured.
 */
export const isMailConfigured = () => !!env().SMTP_URL && (!!env().APP_URL || !isProduction());

/** AUTH_SECRET, or null outside production (a development secret is generated then). In production, unset stops the app. */
export function configuredAuthSecret(): string | null {
  const secret = env().AUTH_SECRET;
  if (!secret && isProduction()) {
    throw new ConfigError("AUTH_SECRET is not set. In production it must come from the environment (e.g. `openssl rand -base64 33`).");
  }
  return secret ?? null;
}

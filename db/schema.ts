// Tables and inferred row types. Secret values live only in `secret_values`, as envelope ciphertext,
// so list queries over `secrets` cannot pick them up by accident.
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const roleEnum = pgEnum("team_role", ["owner", "admin", "editor"]);
export const visibilityEnum = pgEnum("secret_visibility", ["masked", "restricted"]);

// Column shapes the tables share, written once (each a function: every table gets its own builder). They are
// the same SQL as the columns they replace; `drizzle-kit generate` finds nothing to migrate.
const id = () => uuid("id").primaryKey().defaultRandom();
// A timestamptz column: null until it happens; `atNow`, set when the row is written.
const at = <N extends string>(name: N) => timestamp(name, { withTimezone: true });
const atNow = <N extends string>(name: N) => at(name).notNull().defaultNow();
const createdAt = () => atNow("created_at");
// Who did it: set null when the account goes, so the row outlives its author.
const byUser = <N extends string>(name: N) => uuid(name).references(() => users.id, { onDelete: "set null" });
// A row that belongs to its parent goes with it.
const partOf = <N extends string>(name: N, parent: () => AnyPgColumn) =>
  uuid(name).notNull().references(parent, { onDelete: "cascade" });
// Every team-scoped table carries its team: the DAL puts it in every WHERE.
const teamId = () => partOf("team_id", () => teams.id);
// A user's sessions, links and memberships go with the account.
const userId = () => partOf("user_id", () => users.id);
// A consumer's binding holds its secret: RESTRICT, so a secret in use cannot be deleted (see below).
const boundSecretId = () => uuid("secret_id").notNull().references(() => secrets.id, { onDelete: "restrict" });
// A team's own record (a secret, a webhook, a token, ...): a random id and the team it belongs to.
const teamRecord = () => ({ id: id(), teamId: teamId() });

export const users = pgTable(
  "users",
  {
    id: id(),
    name: text("name").notNull(),
    // Stored lower-cased; the unique index makes sign-up races safe.
    email: text("email").notNull(),
    // argon2id PHC string; null for accounts that only sign in through OAuth/OIDC.
    passwordHash: text("password_hash"),
    // When the account proved it receives mail at `email` (a verification link). Null: never verified.
    emailVerifiedAt: at("email_verified_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email)],
);

// Email verification links: single-use, expiring; only the token's SHA-256 is stored. The address is
// copied so a link proves the address it was sent to, not whatever the account's email is later.
export const emailVerifications = pgTable(
  "email_verifications",
  {
    id: id(),
    userId: userId(),
    email: text("email").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: at("expires_at").notNull(),
    usedAt: at("used_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("email_verifications_token_key").on(t.tokenHash), index("email_verifications_user_idx").on(t.userId, t.createdAt)],
);

// Links an OAuth/OIDC identity to a user.
export const oauthAccounts = pgTable(
  "oauth_accounts",
  {
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    userId: userId(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] })],
);

export const teams = pgTable(
  "teams",
  {
    id: id(),
    // URL segment: readable prefix plus random suffix, never a sequential id.
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("teams_slug_key").on(t.slug)],
);

export const memberships = pgTable(
  "memberships",
  {
    teamId: teamId(),
    userId: userId(),
    role: roleEnum("role").notNull(),
    createdAt: createdAt(),
    // Last time the member used this team's settings (updated at most every few minutes).
    lastActiveAt: at("last_active_at"),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

export const secrets = pgTable(
  "secrets",
  {
    ...teamRecord(),
    name: text("name").notNull(),
    visibility: visibilityEnum("visibility").notNull(),
    version: integer("version").notNull().default(1),
    // Keyed HMAC of the current value (first 8 bytes, hex): lets people compare values without seeing them.
    fingerprint: text("fingerprint").notNull(),
    createdAt: createdAt(),
    createdBy: byUser("created_by"),
    updatedAt: atNow("updated_at"),
    updatedBy: byUser("updated_by"),
    // Last time a consumer received the value (a machine token read, a webhook delivery its receiver accepted).
    lastUsedAt: at("last_used_at"),
    // When non-empty, the value is only ever sent to these hosts (webhooks).
    allowedHosts: jsonb("allowed_hosts").$type<string[]>().notNull().default([]),
    // Set when a consumer found the stored value would not open (tampered, restored from an old copy,
    // missing, or sealed under a key not in the keyring); cleared by the next rotation.
    decryptFailedAt: at("decrypt_failed_at"),
    // What the secret is for: plain text, never secret, at most 500 characters (refused, never cut, above).
    description: text("description"),
    // Lifecycle policy (issue 12). `expires_on` is a calendar date (UTC): the secret counts as expired from
    // 00:00 UTC of that day. `rotate_every_days` asks for a rotation that many days after `value_set_at`, the
    // time the current value was written (creation or last rotation: a rotation restarts the period).
    // `stop_serving_after_expiry` makes the machine API and webhook deliveries refuse an expired secret;
    // off (the default), expiry never blocks a consumer by itself.
    expiresOn: date("expires_on", { mode: "string" }),
    rotateEveryDays: integer("rotate_every_days"),
    valueSetAt: atNow("value_set_at"),
    stopServingAfterExpiry: boolean("stop_serving_after_expiry").notNull().default(false),
  },
  (t) => [
    // Names are unique within a team ignoring case.
    uniqueIndex("secrets_team_name_key").on(t.teamId, sql`lower(${t.name})`),
    index("secrets_team_updated_idx").on(t.teamId, t.updatedAt),
    // The reminders job and the Due filter look for secrets with an expiry date.
    index("secrets_expires_on_idx").on(t.expiresOn, t.teamId).where(sql`${t.expiresOn} is not null`),
    check("secrets_description_length", sql`char_length(${t.description}) <= 500`),
    check("secrets_rotate_every_days_range", sql`${t.rotateEveryDays} between 1 and 3650`),
  ],
);

// Exactly one ciphertext per secret: rotation overwrites it, so the previous version no longer resolves.
// The envelope is bound to secrets.version (the secret's current version), not to this row's `version`:
// an old ciphertext copied back (with any version number) fails to open instead of serving the old value.
export const secretValues = pgTable(
  "secret_values",
  {
    secretId: uuid("secret_id").primaryKey().references(() => secrets.id, { onDelete: "cascade" }),
    teamId: teamId(),
    version: integer("version").notNull(),
    // "v2:<keyId>:<wrapped data key>:<nonce>:<ciphertext+tag>" (see lib/crypto/envelope.ts)
    ciphertext: text("ciphertext").notNull(),
    // The key id inside `ciphertext`, indexed: `keys status` counts by it and `keys rotate` finds what to re-wrap.
    keyId: text("key_id").notNull(),
  },
  (t) => [index("secret_values_key_id_idx").on(t.keyId)],
);

// How a version came to be: the Team secrets page (New secret, Rotate), a bulk import, or the API.
export const secretVersionSourceEnum = pgEnum("secret_version_source", ["ui", "import", "api"]);

// The history of a secret: one row per version, metadata only. Past values do not exist (a rotation
// overwrites the only ciphertext), so a row says who made a version, when, how, and its fingerprint. Written
// in the same transaction as the version itself. Rows backfilled for versions made before this table existed
// carry what the audit log knew (source and fingerprint may then be null: not recorded).
export const secretVersions = pgTable(
  "secret_versions",
  {
    secretId: partOf("secret_id", () => secrets.id),
    teamId: teamId(),
    version: integer("version").notNull(),
    createdAt: createdAt(),
    createdBy: byUser("created_by"),
    // Kept so the history still reads after the author's account is gone (the audit log's actor label).
    createdByLabel: text("created_by_label"),
    source: secretVersionSourceEnum("source"),
    // Keyed HMAC of this version's value (as secrets.fingerprint was while it was current).
    fingerprint: text("fingerprint"),
  },
  (t) => [primaryKey({ columns: [t.secretId, t.version] }), index("secret_versions_team_idx").on(t.teamId)],
);

// Reminders sent (issue 12): one row per secret, threshold, the date it refers to (expiry date or rotation due
// date) and the secret's version when it was sent. The primary key is the claim: the reminders job of every
// app instance inserts what is due with ON CONFLICT DO NOTHING, and only the instance whose insert went in
// emits the team event (same transaction), so a reminder goes out once across instances and restarts. A new
// expiry date, a new rotation period or a rotation (a new version) makes a new key: reminders re-arm.
// The mail to Owners and Admins is queued here too (mail_status), claimed like a webhook delivery.
export const secretReminders = pgTable(
  "secret_reminders",
  {
    secretId: partOf("secret_id", () => secrets.id),
    teamId: teamId(),
    // expiry_14d | expiry_3d | expired | rotation_14d | rotation_3d | rotation_due
    threshold: text("threshold").notNull(),
    // The expiry date, or the day the rotation falls due.
    dueOn: date("due_on", { mode: "string" }).notNull(),
    version: integer("version").notNull(),
    createdAt: createdAt(),
    // Webhook deliveries queued for it (subscribed webhooks at the time).
    deliveries: integer("deliveries").notNull().default(0),
    // none (mail not configured when it was sent) -> pending -> sending -> sent | failed (or pending again).
    mailStatus: text("mail_status").notNull().default("none"),
    mailAttempts: integer("mail_attempts").notNull().default(0),
    mailNextAt: atNow("mail_next_at"),
    mailLockedUntil: at("mail_locked_until"),
  },
  (t) => [
    primaryKey({ columns: [t.secretId, t.threshold, t.dueOn, t.version] }),
    index("secret_reminders_mail_idx").on(t.mailStatus, t.mailNextAt),
    index("secret_reminders_team_idx").on(t.teamId),
    check(
      "secret_reminders_threshold",
      sql`${t.threshold} in ('expiry_14d', 'expiry_3d', 'expired', 'rotation_14d', 'rotation_3d', 'rotation_due')`,
    ),
  ],
);

// Key material other than data keys (the fingerprint key), wrapped by the key provider like a data key.
export const keyMaterial = pgTable("key_material", {
  name: text("name").primaryKey(),
  // "v2:<keyId>:<wrapped key>"
  wrapped: text("wrapped").notNull(),
  keyId: text("key_id").notNull(),
  createdAt: createdAt(),
});

// Append-only for the application: no code path updates or deletes an event.
export const auditEvents = pgTable(
  "audit_events",
  {
    ...teamRecord(),
    actorId: byUser("actor_id"),
    // Kept so the log still reads after the actor's account is gone.
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    targetName: text("target_name"),
    version: integer("version"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
  },
  (t) => [index("audit_team_created_idx").on(t.teamId, t.createdAt)],
);

export type TRole = (typeof roleEnum.enumValues)[number];
export type TVisibility = (typeof visibilityEnum.enumValues)[number];
export type TVersionSource = (typeof secretVersionSourceEnum.enumValues)[number];

// Invitations: only a SHA-256 of the link's token is stored; the link is shown once.
export const invitations = pgTable(
  "invitations",
  {
    ...teamRecord(),
    email: text("email").notNull(),
    role: roleEnum("role").notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: byUser("invited_by"),
    createdAt: createdAt(),
    expiresAt: at("expires_at").notNull(),
    acceptedAt: at("accepted_at"),
    acceptedBy: byUser("accepted_by"),
    revokedAt: at("revoked_at"),
  },
  (t) => [uniqueIndex("invitations_token_hash_key").on(t.tokenHash), index("invitations_team_idx").on(t.teamId)],
);

// Server-side record of each sign-in session, so sign-out (and later, revocation) ends it for real even
// though the session cookie is a JWT.
export const userSessions = pgTable(
  "user_sessions",
  {
    id: id(),
    userId: userId(),
    createdAt: createdAt(),
    expiresAt: at("expires_at").notNull(),
    revokedAt: at("revoked_at"),
    lastSeenAt: atNow("last_seen_at"),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);

// Shared rate-limiter state (rate-limiter-flexible's Drizzle store): several app instances see one count.
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull().default(0),
  expire: at("expire"),
});

// ---- Consumers of secrets: webhooks and machine access tokens. A binding row is what makes a secret
// "in use"; its foreign key to the secret is RESTRICT, so a secret in use cannot be deleted even by a
// code path that forgets to check.

export const webhooks = pgTable(
  "webhooks",
  {
    ...teamRecord(),
    name: text("name").notNull(),
    url: text("url").notNull(),
    method: text("method").notNull().default("POST"),
    headers: jsonb("headers").$type<{ name: string; value: string }[]>().notNull().default([]),
    payload: text("payload").notNull().default(""),
    events: jsonb("events").$type<string[]>().notNull().default([]),
    createdBy: byUser("created_by"),
    createdAt: createdAt(),
    updatedBy: byUser("updated_by"),
    updatedAt: atNow("updated_at"),
  },
  (t) => [index("webhooks_team_idx").on(t.teamId)],
);

export const webhookSecrets = pgTable(
  "webhook_secrets",
  {
    webhookId: partOf("webhook_id", () => webhooks.id),
    secretId: boundSecretId(),
    teamId: teamId(),
  },
  (t) => [primaryKey({ columns: [t.webhookId, t.secretId] }), index("webhook_secrets_secret_idx").on(t.secretId)],
);

export const accessTokens = pgTable(
  "access_tokens",
  {
    ...teamRecord(),
    name: text("name").notNull(),
    // The recognizable start of the token, shown in lists; the token itself is never stored.
    prefix: text("prefix").notNull(),
    // SHA-256 (hex) of the whole token: lookup is by hash.
    tokenHash: text("token_hash").notNull(),
    allowedCidrs: jsonb("allowed_cidrs").$type<string[]>().notNull().default([]),
    createdBy: byUser("created_by"),
    createdAt: createdAt(),
    expiresAt: at("expires_at"),
    lastUsedAt: at("last_used_at"),
    revokedAt: at("revoked_at"),
  },
  (t) => [uniqueIndex("access_tokens_hash_key").on(t.tokenHash), index("access_tokens_team_idx").on(t.teamId)],
);

export const accessTokenSecrets = pgTable(
  "access_token_secrets",
  {
    tokenId: partOf("token_id", () => accessTokens.id),
    secretId: boundSecretId(),
    teamId: teamId(),
    // Environment variable name the secret is exposed as (defaults to the secret's name).
    envName: text("env_name").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.secretId] }), index("access_token_secrets_secret_idx").on(t.secretId)],
);

// ---- Which version of each secret each consumer last received (issue 12, "consumers on an old version").
// One row per secret and consumer (an access token or a webhook): the version it last received and when.
// Written only by the usage recorder's flush (lib/dal/usage-recorder.ts), never on a read's path, in primary
// key order. No foreign key to the secret or the consumer: an FK check would make the flush wait for a
// rotation's row lock. Rows go with their secret or webhook (deleted in the same transaction); reads join
// the live consumers (lib/dal/consumer-versions.ts), so a revoked token's or unbound webhook's row is ignored.
export const consumerKindEnum = pgEnum("secret_consumer_kind", ["token", "webhook"]);

export const consumerSecretVersions = pgTable(
  "consumer_secret_versions",
  {
    secretId: uuid("secret_id").notNull(),
    teamId: teamId(),
    consumerKind: consumerKindEnum("consumer_kind").notNull(),
    consumerId: uuid("consumer_id").notNull(),
    version: integer("version").notNull(),
    lastFetchedAt: at("last_fetched_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.secretId, t.consumerKind, t.consumerId] }),
    index("consumer_secret_versions_consumer_idx").on(t.consumerKind, t.consumerId),
    index("consumer_secret_versions_team_idx").on(t.teamId),
  ],
);

// The newest version of each secret for which `secret.consumers_current` was emitted: the event's
// once-only guard (an INSERT … ON CONFLICT that only moves forward, so two instances' flushes emit it once).
export const secretConsumersCurrent = pgTable(
  "secret_consumers_current",
  {
    secretId: uuid("secret_id").primaryKey(),
    teamId: teamId(),
    version: integer("version").notNull(),
    reachedAt: atNow("reached_at"),
  },
  (t) => [index("secret_consumers_current_team_idx").on(t.teamId)],
);

// Standard Webhooks signing secrets ("whsec_" + base64 of 32 random bytes), envelope-encrypted like secret
// values (lib/crypto/webhook-signing.ts: its own associated data binds team, webhook and version). The
// current secret has retires_at null; a rotation gives the previous one retires_at = now + 24 h, and until
// then deliveries are signed with both. The plaintext is shown once, when it is made.
export const webhookSigningSecrets = pgTable(
  "webhook_signing_secrets",
  {
    id: id(),
    webhookId: partOf("webhook_id", () => webhooks.id),
    teamId: teamId(),
    version: integer("version").notNull(),
    // "v1:<keyId>:..." (lib/crypto/envelope.ts); the master-key re-wrap covers this column.
    ciphertext: text("ciphertext").notNull(),
    createdAt: createdAt(),
    retiresAt: at("retires_at"),
  },
  (t) => [
    uniqueIndex("webhook_signing_secrets_version_key").on(t.webhookId, t.version),
    // At most one current secret per webhook.
    uniqueIndex("webhook_signing_secrets_current_key").on(t.webhookId).where(sql`${t.retiresAt} is null`),
  ],
);

// ---- Webhook deliveries: a queue in the database (claimed with FOR UPDATE SKIP LOCKED, so several app
// instances never send one delivery twice, and a restart loses nothing) and the log of each attempt. The
// log holds only redacted text: every resolved value is replaced by [REDACTED:NAME] before it is stored.

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    ...teamRecord(),
    webhookId: partOf("webhook_id", () => webhooks.id),
    // "test" or a team event ("secret.created", ...).
    trigger: text("trigger").notNull(),
    // Names and versions only, never values.
    eventData: jsonb("event_data").$type<Record<string, unknown>>().notNull().default({}),
    // pending -> sending -> succeeded | failed (or back to pending for a retry).
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    // How many times an Owner/Admin redelivered it; each redelivery starts a new round of attempts.
    redeliveries: integer("redeliveries").notNull().default(0),
    nextAttemptAt: atNow("next_attempt_at"),
    // A claim's lease: a worker that dies mid-send leaves the row to be claimed again after this.
    lockedUntil: at("locked_until"),
    lastError: text("last_error"),
    triggeredBy: byUser("triggered_by"),
    triggeredByLabel: text("triggered_by_label"),
    createdAt: createdAt(),
    completedAt: at("completed_at"),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_webhook_idx").on(t.webhookId, t.createdAt),
  ],
);

export const webhookDeliveryAttempts = pgTable(
  "webhook_delivery_attempts",
  {
    id: id(),
    deliveryId: partOf("delivery_id", () => webhookDeliveries.id),
    teamId: teamId(),
    webhookId: partOf("webhook_id", () => webhooks.id),
    attempt: integer("attempt").notNull(),
    // 0 for the original delivery, n for its n-th redelivery (same webhook-id, new timestamp and signature).
    redelivery: integer("redelivery").notNull().default(0),
    startedAt: atNow("started_at"),
    durationMs: integer("duration_ms").notNull(),
    // succeeded | http_error | timeout | blocked | network | refused
    outcome: text("outcome").notNull(),
    statusCode: integer("status_code"),
    requestMethod: text("request_method").notNull(),
    requestUrl: text("request_url").notNull(),
    requestHeaders: jsonb("request_headers").$type<{ name: string; value: string }[]>().notNull().default([]),
    // The request as templated (`${NAME}` where a value went), never the rendered request.
    requestBody: text("request_body").notNull().default(""),
    // First 4 KiB, redacted; always null when the delivery resolved a secret (response_withheld).
    responseBody: text("response_body"),
    // A delivery that resolved any secret never stores what the receiver sent back: it may echo a value in
    // an encoding no redactor knows. Status, header names, size and duration are kept.
    responseWithheld: boolean("response_withheld").notNull().default(false),
    responseHeaderNames: jsonb("response_header_names").$type<string[]>().notNull().default([]),
    responseBytes: integer("response_bytes"),
    // Whether the webhook carried a Restricted secret when this attempt was made (its log is then
    // Owners'/Admins' only, even if the secret is later unbound).
    carriedRestricted: boolean("carried_restricted").notNull().default(false),
    error: text("error"),
  },
  (t) => [index("webhook_delivery_attempts_webhook_idx").on(t.webhookId, t.startedAt)],
);

// The secrets DTOs: what the DAL returns to pages, route handlers and components (the Team secrets table,
// History, Check value). Type-only modules like this one are what client code imports, never a server-only
// DAL file. Metadata only: no type here has room for a value or a ciphertext.
import type { TRole, TVersionSource, TVisibility } from "@/db/schema";
import type { TConsumerVersion, TConsumerVersions } from "@/lib/consumer-versions";
import type { TSecretStatus } from "@/lib/secret-lifecycle";

export type TConsumerKind = "webhook" | "token";
export type TConsumer = { kind: TConsumerKind; id: string; name: string };

export type TSecretDTO = {
  id: string;
  name: string;
  visibility: TVisibility;
  /** What the secret is for (plain text, never secret); null when none was given. */
  description: string | null;
  /** Lifecycle policy: expiry day ('YYYY-MM-DD', UTC), rotation period, and whether expiry stops consumers. */
  expiresOn: string | null;
  rotateEveryDays: number | null;
  stopServingAfterExpiry: boolean;
  /** Expiry and rotation status as of the list's clock ("Expires in 5 days", "Rotation due", due or not). */
  status: TSecretStatus;
  version: number;
  /** null when the viewer may not see it (an Editor looking at a Restricted secret). */
  fingerprint: string | null;
  createdAt: string;
  updatedAt: string;
  updatedBy: { name: string; email: string } | null;
  lastUsedAt: string | null;
  /** Webhooks and machine tokens that use this secret (names only). */
  usedBy: (TConsumer & { href: string })[];
  /** The stored value does not open (or is missing): consumers get an "undecryptable" error until a rotation. */
  undecryptable: boolean;
  /** The viewer may check a candidate value against this secret's (Check value). */
  canCheck: boolean;
  /**
   * Which version each consumer last received, and the row's "2 of 5 consumers still on v3". Owners/Admins
   * only (secrets.consumer_versions); null for other roles.
   */
  consumerVersions: TConsumerVersions | null;
};

export type TSecretList = {
  items: TSecretDTO[];
  total: number;
  page: number;
  pageSize: number;
  role: TRole;
  canWrite: boolean;
  /** May change descriptions (Edit details). */
  canEditDetails: boolean;
};

export type TSecretVersionDTO = {
  version: number;
  createdAt: string;
  /** The author's name (or email), or the label kept when the account is gone; null when not recorded. */
  createdBy: string | null;
  /** null: made before the history was kept, and the audit log did not say. */
  source: TVersionSource | null;
  /** null when the viewer may not see it, or when it was not recorded (`fingerprintKnown`). */
  fingerprint: string | null;
  fingerprintKnown: boolean;
  isCurrent: boolean;
  /** The consumers whose last received version is this one (Owners/Admins; null for other roles). */
  consumers: TConsumerVersion[] | null;
};

export type TSecretHistoryDTO = {
  secret: { id: string; name: string; visibility: TVisibility; version: number };
  canSeeFingerprints: boolean;
  versions: TSecretVersionDTO[];
  /** How many versions exist in all (more than `versions.length` past HISTORY_LIMIT). */
  total: number;
  /** Every consumer with what it last received (secrets.consumer_versions: Owners/Admins; else null). */
  consumerVersions: TConsumerVersions | null;
};

export type TCheckResult = { name: string; matches: boolean; version: number };

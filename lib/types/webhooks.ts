// Webhooks and their delivery log as the Webhooks page shows them. Delivery texts are stored redacted
// templates; a response that may hold a value is withheld.
import type { TRole, TVisibility } from "@/db/schema";

export type TWebhookSecretRef = { id: string; name: string; visibility: TVisibility };
export type TWebhookDTO = {
  id: string;
  name: string;
  url: string;
  method: string;
  headers: { name: string; value: string }[];
  payload: string;
  events: string[];
  secrets: TWebhookSecretRef[];
  updatedAt: string;
  updatedBy: string | null;
  /** Whether this viewer may edit, delete it (Editors: not when it carries a Restricted secret). */
  canEdit: boolean;
  /** Whether this viewer may send a test of it and see its deliveries (Editors: not when it carries a Restricted secret). */
  canTest: boolean;
  canSeeDeliveries: boolean;
  lastDelivery: { status: string; at: string } | null;
  /** While a rotated-out signing secret still signs deliveries: until when (ISO); otherwise null. */
  previousSigningSecretUntil: string | null;
};

export type TSecretOption = TWebhookSecretRef & { allowedHosts: string[] };

/** The Webhooks page's list: the webhooks, and what the viewer's role may do on the page. */
export type TWebhookList = {
  items: TWebhookDTO[];
  role: TRole;
  /** Edit secrets' allowed hosts, create (and rotate) a secret from the dialog. */
  canWriteSecrets: boolean;
  canAttachRestricted: boolean;
  /** See a new webhook's signing secret and rotate it. */
  canSign: boolean;
  canRedeliver: boolean;
  /** The team's secrets with their allowed hosts (only for those who may write secrets). */
  secretOptions: TSecretOption[];
};

export type TDeliveryAttemptDTO = {
  id: string;
  deliveryId: string;
  webhookId: string;
  webhookName: string;
  trigger: string;
  attempt: number;
  /** 0 for the original delivery, n for its n-th redelivery. */
  redelivery: number;
  startedAt: string;
  durationMs: number;
  outcome: string;
  statusCode: number | null;
  deliveryStatus: string;
  request: { method: string; url: string; headers: { name: string; value: string }[]; body: string };
  responseBody: string | null;
  /** The response of a delivery that carried secrets is never stored; its header names and size are. */
  response: { withheld: boolean; note: string | null; headerNames: string[]; bytes: number | null };
  error: string | null;
};

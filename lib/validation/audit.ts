// Filters of the audit log, shared by the page, the export route and the DAL.
import { z } from "zod";

export const AUDIT_ACTIONS = [
  "secret.created",
  "secret.rotated",
  "secret.deleted",
  "secret.value_checked",
  "secret.details_updated",
  "secret.reminder_sent",
  "secret.reminder_mailed",
  "member.invited",
  "member.invitation_revoked",
  "member.joined",
  "member.role_changed",
  "member.removed",
  "member.left",
  "member.ownership_transferred",
  "member.signed_in",
  "team.created",
  "webhook.created",
  "webhook.updated",
  "webhook.deleted",
  "webhook.secret_resolved",
  "webhook.signing_secret_rotated",
  "webhook.redelivered",
  "secret.allowed_hosts_changed",
  "token.created",
  "token.revoked",
  "secrets.read_by_token",
  "keys.rewrapped",
] as const;

const optionalText = z.string().trim().max(200).optional().catch(undefined).transform((v) => v || undefined);
const optionalDate = z
  .string()
  .optional()
  .catch(undefined)
  .transform((v) => (v && !Number.isNaN(Date.parse(v)) ? v : undefined));

export const ZAuditQuery = z.object({
  actor: optionalText,
  action: optionalText,
  target: optionalText,
  from: optionalDate,
  to: optionalDate,
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type TAuditQuery = z.infer<typeof ZAuditQuery>;

// One audit event as the Audit log page and its export show it.

export type TAuditEventDTO = {
  id: string;
  createdAt: string;
  actor: string;
  action: string;
  targetType: string;
  target: string | null;
  version: number | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
};

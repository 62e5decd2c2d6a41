import "server-only";
// Audit events are written inside the caller's transaction, so an event exists exactly when its change does.
// Never pass a value, password or token in any field.
import { eq } from "drizzle-orm";
import { getDb, type Executor } from "@/db/client";
import { auditEvents, memberships } from "@/db/schema";

export type TRequestMeta = { ip: string | null; userAgent: string | null };
export type TActor = { id: string; label: string };

export type TAuditInput = {
  teamId: string;
  actor: TActor;
  action: string;
  targetType: string;
  targetId?: string | null;
  targetName?: string | null;
  version?: number | null;
  metadata?: Record<string, unknown>;
  meta?: TRequestMeta;
};

export async function recordAudit(tx: Executor, e: TAuditInput): Promise<void> {
  await tx.insert(auditEvents).values({
    teamId: e.teamId,
    actorId: e.actor.id,
    actorLabel: e.actor.label,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId ?? null,
    targetName: e.targetName ?? null,
    version: e.version ?? null,
    metadata: e.metadata ?? null,
    ip: e.meta?.ip?.slice(0, 64) ?? null,
    userAgent: e.meta?.userAgent?.slice(0, 512) ?? null,
  });
}

/** A sign-in shows in the audit log of every team the user belongs to. */
export async function recordSignIn(actor: TActor, meta: TRequestMeta): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const teamsOfUser = await tx.select({ teamId: memberships.teamId }).from(memberships).where(eq(memberships.userId, actor.id));
    for (const { teamId } of teamsOfUser) {
      await recordAudit(tx, { teamId, actor, action: "member.signed_in", targetType: "user", targetId: actor.id, targetName: actor.label, meta });
    }
  });
}

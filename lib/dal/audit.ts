import "server-only";
// Audit events are written inside the caller's transaction, so an event exists exactly when its change does.
// Never pass a value, password or token in any field.
import { and, count, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { getDb, type Database, type Executor } from "@/db/client";
import { auditEvents, memberships } from "@/db/schema";
import type { TAuditQuery } from "@/lib/validation/audit";
import { containsIgnoreCase, preparedPerDb } from "./sql";
import { authorizeTeam } from "./team-scope";
import type { TActor, TMachineActor, TRequestMeta } from "@/lib/types/actor";
import type { TAuditEventDTO } from "@/lib/types/audit";

export type TAuditInput = {
  teamId: string;
  actor: TActor | TMachineActor;
  action: string;
  targetType: string;
  targetId?: string | null;
  targetName?: string | null;
  version?: number | null;
  metadata?: Record<string, unknown>;
  meta?: TRequestMeta;
};

export async function recordAudit(tx: Executor, e: TAuditInput): Promise<void> {
  await recordAuditMany(tx, [e]);
}

/** What an event is about (a secret, user, webhook, ...): its id and name as they are now, and a version. */
export type TAuditTarget = { type: string; id?: string | null; name?: string | null; version?: number | null };

/** An event of a team-scoped call: what was done, to what, and details (names and versions, never a value). */
export type TCallEvent = { action: string; target: TAuditTarget; metadata?: Record<string, unknown> };

/**
 * The event of a team-scoped call, by the call's actor and from its request (`call` is the DAL function's
 * input), written in the call's transaction.
 */
export async function recordCallAudit(
  tx: Executor,
  call: { actor: TActor; meta?: TRequestMeta },
  teamId: string,
  { action, target, metadata }: TCallEvent,
): Promise<void> {
  await recordAudit(tx, {
    teamId,
    actor: call.actor,
    action,
    targetType: target.type,
    targetId: target.id,
    targetName: target.name,
    version: target.version,
    metadata,
    meta: call.meta,
  });
}

const auditInsertQuery = preparedPerDb((db: Database) =>
  db
    .insert(auditEvents)
    .values({
      teamId: sql.placeholder("teamId"),
      actorId: sql.placeholder("actorId"),
      actorLabel: sql.placeholder("actorLabel"),
      action: sql.placeholder("action"),
      targetType: sql.placeholder("targetType"),
      targetId: sql.placeholder("targetId"),
      targetName: sql.placeholder("targetName"),
      version: sql.placeholder("version"),
      metadata: sql.placeholder("metadata"),
      ip: sql.placeholder("ip"),
      userAgent: sql.placeholder("userAgent"),
    })
    .prepare("audit_insert"),
);

/**
 * One event written on the database itself, outside any transaction, as a prepared statement: for the secrets
 * API, whose reads write their event on their own before handing values back (see preparedPerDb).
 */
export async function recordAuditNow(db: Database, e: TAuditInput): Promise<void> {
  await auditInsertQuery(db).execute({ teamId: e.teamId, metadata: e.metadata ?? null, ...auditEventColumns(e) });
}

/**
 * The columns of an event besides its team and metadata, as stored: for DAL statements that write events
 * from SQL (the key re-wrap counts what its UPDATE changed, per team, in the same statement).
 */
export function auditEventColumns(e: Omit<TAuditInput, "teamId" | "metadata">) {
  return {
    actorId: e.actor.id,
    actorLabel: e.actor.label,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId ?? null,
    targetName: e.targetName ?? null,
    version: e.version ?? null,
    ip: e.meta?.ip?.slice(0, 64) ?? null,
    userAgent: e.meta?.userAgent?.slice(0, 512) ?? null,
  };
}

/**
 * The INSERT of one event per row of `rows` (a relation of target_id, target_name, version, metadata jsonb),
 * the rest of each event taken from `shared`: for a bulk insert's data-modifying CTE (./secrets), whose events
 * differ only in their target.
 */
export function auditRowsInsert(shared: Omit<TAuditInput, "targetId" | "targetName" | "version" | "metadata">, rows: SQL): SQL {
  const e = auditEventColumns(shared);
  return sql`
    INSERT INTO audit_events (team_id, actor_id, actor_label, action, target_type, target_id, target_name, version, metadata, ip, user_agent)
    SELECT ${shared.teamId}::uuid, ${e.actorId}::uuid, ${e.actorLabel}::text, ${e.action}::text, ${e.targetType}::text, target_id, target_name, version, metadata,
      ${e.ip}::text, ${e.userAgent}::text
    FROM ${rows}`;
}

/** Several events in one statement, one array per column, unnest()ed (a bulk import writes its own: auditRowsInsert). */
export async function recordAuditMany(tx: Executor, events: TAuditInput[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({ teamId: e.teamId, metadata: e.metadata ? JSON.stringify(e.metadata) : null, ...auditEventColumns(e) }));
  const col = <K extends keyof (typeof rows)[number]>(k: K) => sql.param(rows.map((r) => r[k]));
  await tx.execute(sql`
    INSERT INTO audit_events (team_id, actor_id, actor_label, action, target_type, target_id, target_name, version, metadata, ip, user_agent)
    SELECT * FROM unnest(
      ${col("teamId")}::uuid[], ${col("actorId")}::uuid[], ${col("actorLabel")}::text[],
      ${col("action")}::text[], ${col("targetType")}::text[], ${col("targetId")}::text[],
      ${col("targetName")}::text[], ${col("version")}::int[],
      ${col("metadata")}::jsonb[], ${col("ip")}::text[],
      ${col("userAgent")}::text[])`);
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

export const AUDIT_PAGE_SIZE = 50;
const EXPORT_LIMIT = 50_000;

function auditWhere(teamId: string, q: TAuditQuery): SQL | undefined {
  return and(
    eq(auditEvents.teamId, teamId),
    q.actor ? containsIgnoreCase(auditEvents.actorLabel, q.actor) : undefined,
    q.action ? eq(auditEvents.action, q.action) : undefined,
    q.target ? containsIgnoreCase(sql`coalesce(${auditEvents.targetName}, '')`, q.target) : undefined,
    q.from ? gte(auditEvents.createdAt, new Date(q.from)) : undefined,
    // A date without a time means "through the end of that day".
    q.to ? lt(auditEvents.createdAt, new Date(/^\d{4}-\d{2}-\d{2}$/.test(q.to) ? Date.parse(q.to) + 86_400_000 : Date.parse(q.to))) : undefined,
  );
}

const auditColumns = {
  id: auditEvents.id,
  createdAt: auditEvents.createdAt,
  actor: auditEvents.actorLabel,
  action: auditEvents.action,
  targetType: auditEvents.targetType,
  target: auditEvents.targetName,
  version: auditEvents.version,
  details: auditEvents.metadata,
  ip: auditEvents.ip,
  userAgent: auditEvents.userAgent,
};

const toDTO = (r: { createdAt: Date } & Omit<TAuditEventDTO, "createdAt">): TAuditEventDTO => ({ ...r, createdAt: r.createdAt.toISOString() });

/** One page of the team's audit log, newest first (Owners and Admins). */
export async function listAuditEvents(actor: TActor, teamSlug: string, q: TAuditQuery) {
  const { db, team } = await authorizeTeam({ actor, teamSlug }, "audit.read");
  const where = auditWhere(team.id, q);
  const [rows, [total]] = await Promise.all([
    db
      .select(auditColumns)
      .from(auditEvents)
      .where(where)
      .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
      .limit(AUDIT_PAGE_SIZE)
      .offset((q.page - 1) * AUDIT_PAGE_SIZE),
    db.select({ n: count() }).from(auditEvents).where(where),
  ]);
  return { events: rows.map(toDTO), total: total?.n ?? 0, page: q.page, pageSize: AUDIT_PAGE_SIZE };
}

/** Every event matching the filters (up to a cap), newest first, for export. */
export async function exportAuditEvents(actor: TActor, teamSlug: string, q: TAuditQuery) {
  const { db, team } = await authorizeTeam({ actor, teamSlug }, "audit.read");
  const rows = await db
    .select(auditColumns)
    .from(auditEvents)
    .where(auditWhere(team.id, q))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(EXPORT_LIMIT);
  return { team, events: rows.map(toDTO) };
}

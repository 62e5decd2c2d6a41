import "server-only";
// Edit details and the lifecycle policy of secrets (issue 12): the description, expiry date, rotation period and
// "stop serving after expiry" — what can change about a secret without touching its value — and the Due predicate
// shared by the table's filter and the settings badge. The clock is the caller's `now`, the same one the status
// texts are computed with (lib/secret-lifecycle.ts), so a row's status and the filter never disagree.
import { and, count, eq, sql, type SQL } from "drizzle-orm";
import { type Tx } from "@/db/client";
import { secrets } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { addDays, DUE_WITHIN_DAYS, utcDay } from "@/lib/secret-lifecycle";
import { recordCallAudit } from "./audit";
import { lockTeamSecret } from "./secret-lock";
import { authorizeTeam, type TTeamCall } from "./team-scope";
import type { TActor } from "@/lib/types/actor";

/** Each field optional: missing means "leave as it is" (on create: none). */
export type TLifecyclePatch = { expiresOn?: string | null; rotateEveryDays?: number | null; stopServingAfterExpiry?: boolean };
export type TDetailsPatch = TLifecyclePatch & { description?: string | null };

const FIELDS = ["description", "expiresOn", "rotateEveryDays", "stopServingAfterExpiry"] as const;
type TField = (typeof FIELDS)[number];

/**
 * Expired, expiring within DUE_WITHIN_DAYS, or due for rotation, as of `now` (both bounds passed in, so the
 * database's clock and time zone play no part). Rotation periods are whole 24-hour days, as in secretStatus.
 */
export function dueCondition(now: Date): SQL {
  const horizon = addDays(utcDay(now), DUE_WITHIN_DAYS);
  return sql`((${secrets.expiresOn} is not null and ${secrets.expiresOn} <= ${horizon}::date)
    or (${secrets.rotateEveryDays} is not null
        and ${secrets.valueSetAt} + ${secrets.rotateEveryDays} * interval '86400 seconds' <= ${now.toISOString()}::timestamptz))`;
}

/**
 * Inside a caller's transaction, on a row the caller has locked: writes the fields of `patch` that differ from
 * what is stored. Returns the names of the changed fields and the audit metadata that describes them: the new
 * policy values (dates and numbers), and for the description only that it changed, never its text.
 */
export async function applyDetailsTx(
  tx: Tx,
  teamId: string,
  secretId: string,
  patch: TDetailsPatch,
): Promise<{ changed: TField[]; audit: Record<string, unknown> | undefined }> {
  const given = FIELDS.filter((f) => patch[f] !== undefined);
  if (given.length === 0) return { changed: [], audit: undefined };
  const [row] = await tx
    .select({
      description: secrets.description,
      expiresOn: secrets.expiresOn,
      rotateEveryDays: secrets.rotateEveryDays,
      stopServingAfterExpiry: secrets.stopServingAfterExpiry,
    })
    .from(secrets)
    .where(and(eq(secrets.id, secretId), eq(secrets.teamId, teamId)));
  if (!row) throw new AppError("stale", "This secret no longer exists: someone deleted it. Nothing was changed.");
  const changed = given.filter((f) => patch[f] !== row[f]);
  if (changed.length === 0) return { changed, audit: undefined };
  const set = Object.fromEntries(changed.map((f) => [f, patch[f]]));
  await tx.update(secrets).set(set).where(and(eq(secrets.id, secretId), eq(secrets.teamId, teamId)));
  const audit: Record<string, unknown> = { changed };
  for (const f of changed) if (f !== "description") audit[f] = patch[f];
  return { changed, audit };
}

/**
 * Edit details (Owners and Admins): description and lifecycle policy, not the value (so no version check).
 * A change is one audit event naming the changed fields; saving what is stored changes and records nothing.
 */
export async function updateSecretDetails(
  input: TTeamCall & { secretId: string } & TDetailsPatch,
): Promise<{ name: string; changed: string[] }> {
  const { db, team } = await authorizeTeam(input, "secrets.details");
  return db.transaction(async (tx) => {
    const row = await lockTeamSecret(tx, team.id, input.secretId);
    if (!row) throw new AppError("stale", "This secret no longer exists: someone deleted it. Nothing was changed.");
    const { description, expiresOn, rotateEveryDays, stopServingAfterExpiry } = input;
    const { changed, audit } = await applyDetailsTx(tx, team.id, row.id, { description, expiresOn, rotateEveryDays, stopServingAfterExpiry });
    if (changed.length === 0) return { name: row.name, changed };
    await recordCallAudit(tx, input, team.id, {
      action: "secret.details_updated",
      target: { type: "secret", id: row.id, name: row.name, version: row.version },
      metadata: audit,
    });
    return { name: row.name, changed };
  });
}

/** How many of the team's secrets are due (the Secrets tab's badge). Any member may see it. */
export async function countDueSecrets(actor: TActor, teamSlug: string, now: Date = new Date()): Promise<number> {
  const { db, team } = await authorizeTeam({ actor, teamSlug }, "secrets.read");
  const [row] = await db.select({ n: count() }).from(secrets).where(and(eq(secrets.teamId, team.id), dueCondition(now)));
  return row?.n ?? 0;
}

import "server-only";
// The version history of a secret: one secret_versions row per version (who made it, when, how, its
// fingerprint), written in the same transaction as the version, by the only two write paths (insertSecretsTx
// and writeNewVersionTx in ./secrets), and which consumers last received each version (./consumer-versions).
// Past values are not kept anywhere: a rotation overwrites the only ciphertext, so the history is metadata
// only. Read by any member of the team; what each role sees of it comes from lib/authz (secretPolicy, and
// secrets.consumer_versions for the consumers).
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { type Tx } from "@/db/client";
import { secrets, secretVersions, users, type TVersionSource } from "@/db/schema";
import { roleCan, secretPolicy } from "@/lib/authz";
import { consumerVersionsOf, fetchedVersionsBySecret } from "./consumer-versions";
import { consumersBySecret } from "./secret-usage";
import { authorizeTeam } from "./team-scope";
import { AppError } from "@/lib/errors";
import type { TActor } from "@/lib/types/actor";
import type { TSecretHistoryDTO } from "@/lib/types/secrets";

/** Versions listed per secret (newest first); older ones are counted, not listed. */
export const HISTORY_LIMIT = 200;

type TWriteContext = { teamId: string; actor: TActor; source?: TVersionSource };

/**
 * The INSERT of the history rows of the versions in `rows` (a relation of secret_id, version, fingerprint), as
 * a statement of its own (insertVersionRowsTx) or a bulk insert's data-modifying CTE (./secrets).
 */
export function versionRowsInsert(ctx: TWriteContext, rows: SQL): SQL {
  return sql`
    INSERT INTO secret_versions (secret_id, team_id, version, created_by, created_by_label, source, fingerprint)
    SELECT secret_id, ${ctx.teamId}::uuid, version, ${ctx.actor.id}::uuid, ${ctx.actor.label}, ${ctx.source ?? "ui"}::secret_version_source, fingerprint
    FROM ${rows}`;
}

/** Inside the transaction that makes the versions: their history rows (one statement for a chunk of any size). */
export async function insertVersionRowsTx(
  tx: Tx,
  ctx: TWriteContext,
  rows: { secretId: string; version: number; fingerprint: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: (typeof rows)[number]) => T) => sql.param(rows.map(f));
  await tx.execute(
    versionRowsInsert(ctx, sql`unnest(${col((r) => r.secretId)}::uuid[], ${col((r) => r.version)}::int[], ${col((r) => r.fingerprint)}::text[]) AS t(secret_id, version, fingerprint)`),
  );
}

export async function getSecretHistory(actor: TActor, teamSlug: string, secretId: string): Promise<TSecretHistoryDTO> {
  const { db, team, role } = await authorizeTeam({ actor, teamSlug }, "secrets.read");
  const [secret] = await db
    .select({ id: secrets.id, name: secrets.name, visibility: secrets.visibility, version: secrets.version })
    .from(secrets)
    .where(and(eq(secrets.id, secretId), eq(secrets.teamId, team.id)));
  if (!secret) throw new AppError("not_found", "This secret no longer exists.");
  const policy = secretPolicy(role, secret.visibility);
  const seesVersions = roleCan(role, "secrets.consumer_versions");
  const [rows, [counted], consumers, fetched] = await Promise.all([
    db
      .select({
        version: secretVersions.version,
        createdAt: secretVersions.createdAt,
        label: secretVersions.createdByLabel,
        authorName: users.name,
        authorEmail: users.email,
        source: secretVersions.source,
        fingerprint: secretVersions.fingerprint,
      })
      .from(secretVersions)
      .leftJoin(users, eq(users.id, secretVersions.createdBy))
      .where(and(eq(secretVersions.secretId, secret.id), eq(secretVersions.teamId, team.id)))
      .orderBy(desc(secretVersions.version))
      .limit(HISTORY_LIMIT),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(secretVersions)
      .where(and(eq(secretVersions.secretId, secret.id), eq(secretVersions.teamId, team.id))),
    seesVersions ? consumersBySecret(db, team.id, [secret.id]) : null,
    seesVersions ? fetchedVersionsBySecret(db, team.id, [secret.id]) : null,
  ]);
  const consumerVersions =
    consumers && fetched ? consumerVersionsOf(team.slug, secret.version, consumers.get(secret.id) ?? [], fetched.get(secret.id)) : null;
  return {
    secret,
    canSeeFingerprints: policy.canSeeFingerprint,
    total: counted?.n ?? rows.length,
    consumerVersions,
    versions: rows.map((r) => ({
      version: r.version,
      createdAt: r.createdAt.toISOString(),
      createdBy: r.authorEmail ? r.authorName || r.authorEmail : r.label,
      source: r.source,
      fingerprint: policy.canSeeFingerprint ? r.fingerprint : null,
      fingerprintKnown: r.fingerprint !== null,
      isCurrent: r.version === secret.version,
      consumers: consumerVersions ? consumerVersions.consumers.filter((c) => c.version === r.version) : null,
    })),
  };
}

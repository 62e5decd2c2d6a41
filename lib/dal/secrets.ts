import "server-only";
// The only code that reads or writes secrets. Each function authorizes the actor itself, carries the team
// in every WHERE clause, writes its audit event in the same transaction, and returns metadata DTOs built
// from explicit columns: neither a value nor a ciphertext ever leaves this module.
import { and, asc, count, desc, eq, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { type Executor, type Tx } from "@/db/client";
import { secrets, secretValues, users, type TVersionSource, type TVisibility } from "@/db/schema";
import { roleCan, secretPolicy } from "@/lib/authz";
import { encryptSecretValue, encryptSecretValues } from "@/lib/crypto";
import { getFingerprintKey } from "./key-material";
import { AppError } from "@/lib/errors";
import type { TListSecretsQuery } from "@/lib/validation/secrets";
import { auditRowsInsert, recordCallAudit } from "./audit";
import { isUniqueViolation } from "@/db/errors";
import { consumerHref, consumersBySecret, releaseDeadBindings } from "./secret-usage";
import { containsIgnoreCase } from "./sql";
import { emitTeamEvent, emitTeamEvents } from "./team-events";
import { secretStatus } from "@/lib/secret-lifecycle";
import { applyDetailsTx, dueCondition, type TLifecyclePatch } from "./secret-details";
import { insertVersionRowsTx, versionRowsInsert } from "./secret-history";
import type { TActor, TRequestMeta } from "@/lib/types/actor";
import type { TSecretList } from "@/lib/types/secrets";
import { consumerVersionsOf, deleteSecretConsumerRowsTx, fetchedVersionsBySecret } from "./consumer-versions";
import { lockTeamSecret } from "./secret-lock";
import { authorizeTeam, type TTeamCall } from "./team-scope";

const updater = alias(users, "updater");

/** ORDER BY of each list sort. */
const SECRET_LIST_ORDER: Record<TListSecretsQuery["sort"], SQL[]> = {
  name: [asc(sql`lower(${secrets.name})`)],
  "-name": [desc(sql`lower(${secrets.name})`)],
  updated: [desc(secrets.updatedAt), asc(secrets.id)],
  "-updated": [asc(secrets.updatedAt), asc(secrets.id)],
  version: [desc(secrets.version), asc(sql`lower(${secrets.name})`)],
  "-version": [asc(secrets.version), asc(sql`lower(${secrets.name})`)],
};

/**
 * The list page's two queries for one team (authorized by the caller): its rows (metadata columns only) and
 * its count. listSecrets runs them; the benchmark EXPLAINs these same builders, so it measures the real query.
 */
export function secretListQueries(db: Executor, teamId: string, query: TListSecretsQuery, now: Date) {
  const where = and(
    eq(secrets.teamId, teamId),
    // The filter finds a secret by its name or by words of its description.
    query.q ? or(containsIgnoreCase(secrets.name, query.q), containsIgnoreCase(sql`coalesce(${secrets.description}, '')`, query.q)) : undefined,
    query.visibility ? eq(secrets.visibility, query.visibility) : undefined,
    query.due ? dueCondition(now) : undefined,
  );
  return {
    rows: db
      .select({
        id: secrets.id,
        name: secrets.name,
        visibility: secrets.visibility,
        description: secrets.description,
        expiresOn: secrets.expiresOn,
        rotateEveryDays: secrets.rotateEveryDays,
        stopServingAfterExpiry: secrets.stopServingAfterExpiry,
        valueSetAt: secrets.valueSetAt,
        version: secrets.version,
        fingerprint: secrets.fingerprint,
        createdAt: secrets.createdAt,
        updatedAt: secrets.updatedAt,
        lastUsedAt: secrets.lastUsedAt,
        updaterName: updater.name,
        updaterEmail: updater.email,
        undecryptable: sql<boolean>`(${secrets.decryptFailedAt} is not null or not exists (select 1 from ${secretValues} where ${secretValues.secretId} = ${secrets.id}))`,
      })
      .from(secrets)
      .leftJoin(updater, eq(updater.id, secrets.updatedBy))
      .where(where)
      .orderBy(...SECRET_LIST_ORDER[query.sort])
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    total: db.select({ n: count() }).from(secrets).where(where),
  };
}

/** A page of the team's secrets. `now` is the clock of the status texts and of the Due filter (tests fix it). */
export async function listSecrets(actor: TActor, teamSlug: string, query: TListSecretsQuery, now: Date = new Date()): Promise<TSecretList> {
  const { db, team, role } = await authorizeTeam({ actor, teamSlug }, "secrets.read");
  const list = secretListQueries(db, team.id, query, now);
  const [rows, [totalRow]] = await Promise.all([list.rows, list.total]);
  const ids = rows.map((r) => r.id);
  const seesVersions = roleCan(role, "secrets.consumer_versions");
  const [consumers, fetched] = await Promise.all([
    consumersBySecret(db, team.id, ids),
    seesVersions ? fetchedVersionsBySecret(db, team.id, ids) : null,
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      visibility: r.visibility,
      description: r.description,
      expiresOn: r.expiresOn,
      rotateEveryDays: r.rotateEveryDays,
      stopServingAfterExpiry: r.stopServingAfterExpiry,
      status: secretStatus(r, now),
      version: r.version,
      fingerprint: secretPolicy(role, r.visibility).canSeeFingerprint ? r.fingerprint : null,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
      updatedBy: r.updaterEmail ? { name: r.updaterName ?? "", email: r.updaterEmail } : null,
      lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
      usedBy: (consumers.get(r.id) ?? []).map((c) => ({ ...c, href: consumerHref(team.slug, c) })),
      undecryptable: r.undecryptable === true,
      canCheck: secretPolicy(role, r.visibility).canCheck,
      consumerVersions: fetched ? consumerVersionsOf(team.slug, r.version, consumers.get(r.id) ?? [], fetched.get(r.id)) : null,
    })),
    total: totalRow?.n ?? 0,
    page: query.page,
    pageSize: query.pageSize,
    role,
    canWrite: roleCan(role, "secrets.write"),
    canEditDetails: roleCan(role, "secrets.details"),
  };
}

type TWriteContext = {
  teamId: string;
  actor: TActor;
  meta?: TRequestMeta;
  /** How the version is made, for its history row (default: the Team secrets page). */
  source?: TVersionSource;
};

/** Rows per statement: each chunk is one progress step of a bulk import. */
export const INSERT_CHUNK = 2500;
/**
 * The first chunk of a bulk insert is small: it is sealed in this thread at once, so the database starts
 * while the worker thread seals the next (a full chunk sealed first kept the database waiting ~40 ms).
 */
export const FIRST_CHUNK = 250;

/** Chunks of at least this many rows drop the connection's cached plans first (see writeNewSecretsChunk). */
const REPLAN_FROM = 100;

/** [start, end) of each chunk of a bulk insert of n rows: FIRST_CHUNK, then INSERT_CHUNK each. */
export function insertChunks(n: number): [number, number][] {
  const out: [number, number][] = [[0, Math.min(n, FIRST_CHUNK)]];
  for (let start = FIRST_CHUNK; start < n; start += INSERT_CHUNK) out.push([start, Math.min(n, start + INSERT_CHUNK)]);
  return out;
}

/** A secret to create: its name, value and visibility, and optionally its description and lifecycle policy. */
export type TNewSecret = { name: string; value: string; visibility: TVisibility; description?: string | null } & TLifecyclePatch;

type TSealedNew = { id: string; input: TNewSecret; sealed: Awaited<ReturnType<typeof encryptSecretValue>> };

/**
 * The rows of a chunk as a relation for INSERT … SELECT: a column whose values differ travels as one array
 * (unnest), a column with the same value in every row (a bulk import's visibility, key id, audit metadata …)
 * as one scalar, so the database does not parse 2,500 copies of it. A chunk of one row is all scalars.
 */
function chunkRelation(columns: [name: string, type: string, values: unknown[]][]): SQL {
  const varies = (values: unknown[]) => values.some((v) => v !== values[0]);
  const arrays = columns.filter(([, , values]) => varies(values));
  const select = sql.join(
    columns.map(([name, type, values]) => (varies(values) ? sql.raw(`u.${name}`) : sql`${values[0] ?? null}::${sql.raw(type)} AS ${sql.raw(name)}`)),
    sql`, `,
  );
  if (arrays.length === 0) return sql`SELECT ${select}`;
  const unnested = sql.join(arrays.map(([, type, values]) => sql`${sql.param(values)}::${sql.raw(type)}[]`), sql`, `);
  return sql`SELECT ${select} FROM unnest(${unnested}) AS u(${sql.raw(arrays.map(([name]) => name).join(", "))})`;
}

/**
 * Writes one chunk of new secrets in one statement: their rows, values, version rows and audit events, as
 * data-modifying CTEs over one relation of the chunk (one round trip, and each array parsed once); then the
 * team events. Foreign keys are checked at the end of the statement, so values may name secrets it inserts.
 */
async function writeNewSecretsChunk(tx: Tx, ctx: TWriteContext, chunk: TSealedNew[], auditMetadata: Record<string, unknown>): Promise<void> {
  if (chunk.length === 0) return; // an import with nothing new (its relation of no rows would be one row of nulls)
  const col = <T>(f: (c: TSealedNew) => T) => chunk.map(f);
  const rows = chunkRelation([
    ["id", "uuid", col((c) => c.id)],
    ["name", "text", col((c) => c.input.name)],
    ["fingerprint", "text", col((c) => c.sealed.fingerprint)],
    ["ciphertext", "text", col((c) => c.sealed.ciphertext)],
    ["key_id", "text", col((c) => c.sealed.keyId)],
    // Sent as text (postgres.js does not bind boolean or typed arrays of nulls alike on every driver).
    ["visibility", "text", col((c) => c.input.visibility)],
    ["description", "text", col((c) => c.input.description ?? null)],
    ["expires_on", "text", col((c) => c.input.expiresOn ?? null)],
    ["rotate_every_days", "text", col((c) => (c.input.rotateEveryDays ? String(c.input.rotateEveryDays) : null))],
    ["stop_serving", "text", col((c) => (c.input.stopServingAfterExpiry ? "t" : "f"))],
    // Whether it has a description, not the text: the audit log records what changed, never content.
    [
      "metadata",
      "text",
      col(({ input }) =>
        JSON.stringify({ visibility: input.visibility, ...(input.description ? { description: true } : {}), ...policyAudit(input), ...auditMetadata }),
      ),
    ],
  ]);
  const versions = versionRowsInsert(ctx, sql`(SELECT id AS secret_id, 1 AS version, fingerprint FROM t) AS r`);
  const events = auditRowsInsert(
    { teamId: ctx.teamId, actor: ctx.actor, action: "secret.created", targetType: "secret", meta: ctx.meta },
    sql`(SELECT id::text AS target_id, name AS target_name, 1 AS version, metadata::jsonb AS metadata FROM t) AS r`,
  );
  // The foreign-key checks of values and versions against `secrets` run a plan this connection may have made
  // when the table was tiny (a sequential scan, kept by the plan cache): against the thousands of rows a bulk
  // insert adds, each check would read the whole table (a 10,000-line import took 5-10 s, and longer each time).
  // DISCARD PLANS makes them be planned again for the table as it is now.
  if (chunk.length >= REPLAN_FROM) await tx.execute(sql`DISCARD PLANS`);
  await tx.execute(sql`
    WITH t AS (${rows}),
    s AS (
      INSERT INTO secrets (id, team_id, name, visibility, version, fingerprint, created_by, updated_by, description,
                           expires_on, rotate_every_days, stop_serving_after_expiry)
      SELECT id, ${ctx.teamId}::uuid, name, visibility::secret_visibility, 1, fingerprint, ${ctx.actor.id}::uuid, ${ctx.actor.id}::uuid, description,
             expires_on::date, rotate_every_days::int, stop_serving::boolean
      FROM t
    ),
    v AS (
      INSERT INTO secret_values (secret_id, team_id, version, ciphertext, key_id)
      SELECT id, ${ctx.teamId}::uuid, 1, ciphertext, key_id FROM t
    ),
    h AS (${versions})
    ${events}`);
  await emitTeamEvents(
    tx,
    ctx.teamId,
    "secret.created",
    chunk.map(({ input }) => ({ secret: input.name, version: 1, visibility: input.visibility })),
    ctx.actor,
  );
}

/**
 * Inside a caller's transaction: seals and inserts new secrets (version 1) with their audit events and team
 * events, a chunk of rows per statement (one secret is a chunk of one). The one write path of New secret and
 * bulk import. Rows travel as one array per column (`INSERT … SELECT FROM unnest(…)`): a fixed handful of bind
 * parameters whatever the chunk size, and no per-row SQL to build. `onProgress` hears after each chunk how
 * many are written. A duplicate name surfaces as a unique violation (the caller's transaction rolls back whole).
 */
export async function insertSecretsTx(
  tx: Tx,
  ctx: TWriteContext,
  inputs: TNewSecret[],
  auditMetadata: Record<string, unknown> = {},
  onProgress?: (written: number) => void | Promise<void>,
): Promise<string[]> {
  const ids: string[] = [];
  const fingerprintKey = await getFingerprintKey(tx);
  // Seals one chunk: on lib/crypto's worker thread for a big chunk with a local key, in this thread otherwise
  // (a slice at a time, with turns of the event loop between slices).
  const chunks = insertChunks(inputs.length);
  const sealing: Promise<TSealedNew[]>[] = [];
  const request = (k: number) => {
    if (k >= chunks.length || sealing[k]) return;
    const [start, end] = chunks[k]!;
    const chunk = inputs.slice(start, end).map((input) => ({ id: crypto.randomUUID(), input }));
    sealing[k] = encryptSecretValues(
      chunk.map(({ id, input }) => ({ value: input.value, ctx: { teamId: ctx.teamId, secretId: id, version: 1 } })),
      fingerprintKey,
    ).then((sealed) => chunk.map(({ id, input }, i) => ({ id, input, sealed: sealed[i]! })));
    sealing[k].catch(() => {}); // awaited in order below; a failure aborts the transaction and is thrown there
  };
  // The second chunk goes to the worker before the small first one is sealed here, so both are under way at once.
  request(1);
  request(0);
  for (let k = 0; k < chunks.length; k++) {
    const chunk = await sealing[k]!;
    // While the database writes this chunk, the next one is sealed: on the worker thread (or here, between the
    // statements' answers), so on two cores a big import costs about the larger of the two instead of their
    // sum, PGlite (which runs in this thread) included.
    const writes = writeNewSecretsChunk(tx, ctx, chunk, auditMetadata);
    writes.catch(() => {}); // awaited below; a failure aborts the transaction and is thrown there
    if (k + 2 < chunks.length) {
      // postgres.js sends what was queued on a setImmediate: let it go out before the next chunk's work here.
      await new Promise((resolve) => setImmediate(resolve));
      request(k + 2);
    }
    await writes;
    ids.push(...chunk.map((c) => c.id));
    await onProgress?.(ids.length);
  }
  return ids;
}

/** The policy a new secret starts with, for its audit event (dates and numbers, never secret). */
function policyAudit(input: TLifecyclePatch): Record<string, unknown> {
  return {
    ...(input.expiresOn ? { expiresOn: input.expiresOn } : {}),
    ...(input.rotateEveryDays ? { rotateEveryDays: input.rotateEveryDays } : {}),
    ...(input.stopServingAfterExpiry ? { stopServingAfterExpiry: true } : {}),
  };
}

/** One new secret: insertSecretsTx with a single row. */
export async function insertSecretTx(
  tx: Tx,
  ctx: TWriteContext,
  input: TNewSecret,
  auditMetadata: Record<string, unknown> = {},
): Promise<string> {
  const [id] = await insertSecretsTx(tx, ctx, [input], auditMetadata);
  return id!;
}

/**
 * Inside a caller's transaction, on a locked row: seals the value as version n+1 and overwrites the only
 * ciphertext of the secret (the previous version no longer resolves), with audit and team events.
 */
export async function writeNewVersionTx(
  tx: Tx,
  ctx: TWriteContext,
  row: { id: string; name: string; version: number },
  value: string,
  auditMetadata?: Record<string, unknown>,
): Promise<number> {
  const version = row.version + 1;
  const sealed = await encryptSecretValue(value, { teamId: ctx.teamId, secretId: row.id, version }, await getFingerprintKey(tx));
  await tx
    .update(secrets)
    // A new value restarts the rotation period (value_set_at).
    .set({ version, fingerprint: sealed.fingerprint, updatedAt: sql`now()`, valueSetAt: sql`now()`, updatedBy: ctx.actor.id, decryptFailedAt: null })
    .where(and(eq(secrets.id, row.id), eq(secrets.teamId, ctx.teamId)));
  // An upsert: rotating is also how an Admin repairs a secret whose value row went missing.
  const written = await tx
    .insert(secretValues)
    .values({ secretId: row.id, teamId: ctx.teamId, version, ciphertext: sealed.ciphertext, keyId: sealed.keyId })
    .onConflictDoUpdate({
      target: secretValues.secretId,
      set: { version, ciphertext: sealed.ciphertext, keyId: sealed.keyId },
      setWhere: eq(secretValues.teamId, ctx.teamId),
    })
    .returning({ secretId: secretValues.secretId });
  if (written.length !== 1) throw new Error("secret_values row belongs to another team");
  await insertVersionRowsTx(tx, ctx, [{ secretId: row.id, version, fingerprint: sealed.fingerprint }]);
  await recordCallAudit(tx, ctx, ctx.teamId, {
    action: "secret.rotated",
    target: { type: "secret", id: row.id, name: row.name, version },
    metadata: auditMetadata,
  });
  await emitTeamEvent(tx, ctx.teamId, "secret.rotated", { secret: row.name, version }, ctx.actor);
  return version;
}

export async function createSecret(
  input: TTeamCall & TNewSecret,
): Promise<{ id: string; name: string; version: number }> {
  const { db, team } = await authorizeTeam(input, "secrets.write");
  let id: string;
  try {
    const { name, value, visibility, description, expiresOn, rotateEveryDays, stopServingAfterExpiry } = input;
    id = await db.transaction((tx) =>
      insertSecretTx(
        tx,
        { teamId: team.id, actor: input.actor, meta: input.meta },
        { name, value, visibility, description, expiresOn, rotateEveryDays, stopServingAfterExpiry },
      ),
    );
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError("conflict", "A secret with this name already exists in this team.", {
        name: ["A secret with this name already exists in this team (names ignore case)."],
      });
    }
    throw err;
  }
  return { id, name: input.name, version: 1 };
}

/** Locks the secret row of this team, or explains why the caller's view of it is out of date. */
async function lockForChange(
  tx: Tx,
  teamId: string,
  secretId: string,
  expectedVersion: number,
) {
  const row = await lockTeamSecret(tx, teamId, secretId);
  if (!row) throw new AppError("stale", "This secret no longer exists: someone deleted it. Nothing was changed.");
  if (row.version !== expectedVersion) {
    // Who and when, so the user can decide whether to save over it ("Rotate anyway" sends this version).
    const [by] = row.updatedBy
      ? await tx.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, row.updatedBy))
      : [];
    throw new AppError(
      "stale",
      `Someone rotated this secret (now version ${row.version}) after you opened this dialog. Nothing was changed.`,
      undefined,
      { version: row.version, updatedAt: row.updatedAt.toISOString(), updatedBy: by ? by.name || by.email : null },
    );
  }
  return { id: row.id, name: row.name, version: row.version };
}

/**
 * A new value (version n+1), which restarts the rotation period. The Rotate dialog may change the expiry and
 * rotation policy in the same save: those fields (each optional: missing is unchanged) are written in the same
 * transaction and named in the rotation's audit event.
 */
export async function rotateSecret(
  input: TTeamCall & { secretId: string; value: string; expectedVersion: number } & TLifecyclePatch,
): Promise<{ id: string; name: string; version: number }> {
  const { db, team } = await authorizeTeam(input, "secrets.write");
  return db.transaction(async (tx) => {
    const row = await lockForChange(tx, team.id, input.secretId, input.expectedVersion);
    const { expiresOn, rotateEveryDays, stopServingAfterExpiry } = input;
    const policy = await applyDetailsTx(tx, team.id, row.id, { expiresOn, rotateEveryDays, stopServingAfterExpiry });
    const version = await writeNewVersionTx(tx, { teamId: team.id, actor: input.actor, meta: input.meta }, row, input.value, policy.audit);
    return { id: row.id, name: row.name, version };
  });
}

export async function deleteSecret(
  input: TTeamCall & { secretId: string; expectedVersion: number },
): Promise<{ name: string }> {
  const { db, team } = await authorizeTeam(input, "secrets.write");
  return db.transaction(async (tx) => {
    const row = await lockForChange(tx, team.id, input.secretId, input.expectedVersion);
    const inUse = await releaseDeadBindings(tx, team.id, row.id);
    if (inUse.length > 0) {
      const names = inUse.map((c) => `${c.kind === "webhook" ? "webhook" : "access token"} "${c.name}"`).join(", ");
      throw new AppError(
        "conflict",
        `${row.name} is in use by ${names}. Remove it from ${inUse.length === 1 ? "that consumer" : "those consumers"} first; nothing was deleted.`,
      );
    }
    await deleteSecretConsumerRowsTx(tx, team.id, row.id);
    await tx.delete(secretValues).where(and(eq(secretValues.secretId, row.id), eq(secretValues.teamId, team.id)));
    await tx.delete(secrets).where(and(eq(secrets.id, row.id), eq(secrets.teamId, team.id)));
    await recordCallAudit(tx, input, team.id, {
      action: "secret.deleted",
      target: { type: "secret", id: row.id, name: row.name, version: row.version },
    });
    await emitTeamEvent(tx, team.id, "secret.deleted", { secret: row.name, version: row.version }, input.actor);
    return { name: row.name };
  });
}


import "server-only";
// The single path from ciphertext back to plaintext, for consumers that hand values to software (webhook
// deliveries, machine tokens). The settings UI never calls it. Callers authorize before calling.
// Each value is opened against its secret's CURRENT version (secrets.version), so a ciphertext restored
// from an old copy does not open. A value that does not open (or has no row) is never skipped: the whole
// call fails with UndecryptableError naming every such secret, and the caller flags them.
import { and, eq, inArray, sql, type Placeholder, type SQL } from "drizzle-orm";
import { getDb, type Database, type Executor } from "@/db/client";
import { preparedPerDb } from "./sql";
import { accessTokenSecrets, secrets, secretValues } from "@/db/schema";
import { decryptSecretValues } from "@/lib/crypto";
import { log, logError } from "@/lib/log";
import { isExpiredOn } from "@/lib/secret-lifecycle";

export type TResolvedSecret = { id: string; name: string; version: number; value: string };

type TUnopened = { id: string; name: string; reason: "missing" | "stale" | "unopenable" };

/** Some of the requested values could not be opened. Carries names and ids only, never a ciphertext. */
export class UndecryptableError extends Error {
  override name = "UndecryptableError";
  constructor(
    readonly teamId: string,
    readonly failures: TUnopened[],
  ) {
    super(`cannot decrypt ${failures.map((f) => f.name).join(", ")}`);
  }
  get names(): string[] {
    return this.failures.map((f) => f.name);
  }
}

/**
 * Some of the requested secrets have expired and are set to "Stop serving after expiry": nothing is decrypted
 * and nothing is served (names and expiry days only, never a value).
 */
export class SecretExpiredError extends Error {
  override name = "SecretExpiredError";
  constructor(readonly expired: { name: string; expiresOn: string }[]) {
    super(expired.map((e) => `secret ${e.name} expired on ${e.expiresOn}`).join("; "));
  }
  get names(): string[] {
    return this.expired.map((e) => e.name);
  }
}

/** Refuses the rows whose secret stops serving after an expiry that has passed (checked before any decrypt). */
export function refuseExpired(rows: readonly { name: string; expiresOn: string | null; stopServingAfterExpiry: boolean }[], now: Date): void {
  const expired = rows.filter((r) => r.stopServingAfterExpiry && isExpiredOn(r.expiresOn, now));
  if (expired.length) throw new SecretExpiredError(expired.map((r) => ({ name: r.name, expiresOn: r.expiresOn! })));
}

export async function resolveSecretValues(
  teamId: string,
  names: readonly string[],
  opts: { executor?: Executor; taintOwner?: object } = {},
): Promise<Map<string, TResolvedSecret>> {
  const out = new Map<string, TResolvedSecret>();
  if (names.length === 0) return out;
  const db = opts.executor ?? (await getDb());
  const rows = await db
    .select({
      id: secrets.id,
      name: secrets.name,
      version: secrets.version,
      sealedVersion: secretValues.version,
      ciphertext: secretValues.ciphertext,
    })
    .from(secrets)
    .leftJoin(secretValues, and(eq(secretValues.secretId, secrets.id), eq(secretValues.teamId, teamId)))
    .where(and(eq(secrets.teamId, teamId), inArray(secrets.name, [...names])))
    .orderBy(secrets.name);
  return openRows(teamId, rows, opts.taintOwner);
}

type TSealedRow = { id: string; name: string; version: number; sealedVersion: number | null; ciphertext: string | null };

/** Opens every row against its secret's current version; any failure fails all (UndecryptableError). */
async function openRows(teamId: string, rows: readonly TSealedRow[], taintOwner?: object): Promise<Map<string, TResolvedSecret>> {
  const out = new Map<string, TResolvedSecret>();
  const failures: TUnopened[] = [];
  const sealed = rows.filter((r): r is TSealedRow & { ciphertext: string } => r.ciphertext !== null);
  const opened = await decryptSecretValues(
    sealed.map((r) => ({ ciphertext: r.ciphertext, ctx: { teamId, secretId: r.id, version: r.version } })),
    taintOwner,
  );
  let next = 0; // rows and their failures stay in name order
  for (const r of rows) {
    if (r.ciphertext === null) {
      failures.push({ id: r.id, name: r.name, reason: "missing" });
      continue;
    }
    const value = opened[next++]!;
    if (typeof value === "string") out.set(r.name, { id: r.id, name: r.name, version: r.version, value });
    else failures.push({ id: r.id, name: r.name, reason: r.sealedVersion !== r.version ? "stale" : "unopenable" });
  }
  if (failures.length) {
    out.clear();
    throw new UndecryptableError(teamId, failures);
  }
  return out;
}

export type TTokenValue = TResolvedSecret & { env: string; description: string | null };

/** The token's bindings with their sealed values (one statement: one snapshot); `team`/`token` are placeholders when prepared. */
function tokenValuesSelect(db: Executor, nameFilter: SQL | undefined, teamId: string | Placeholder, tokenId: string | Placeholder) {
  return db
    .select({
      id: secrets.id,
      name: secrets.name,
      env: accessTokenSecrets.envName,
      description: secrets.description,
      // In the same statement (no extra round trip): an expired secret that stops serving is refused unopened.
      expiresOn: secrets.expiresOn,
      stopServingAfterExpiry: secrets.stopServingAfterExpiry,
      version: secrets.version,
      sealedVersion: secretValues.version,
      ciphertext: secretValues.ciphertext,
    })
    .from(accessTokenSecrets)
    .innerJoin(secrets, and(eq(secrets.id, accessTokenSecrets.secretId), eq(secrets.teamId, teamId)))
    .leftJoin(secretValues, and(eq(secretValues.secretId, secrets.id), eq(secretValues.teamId, teamId)))
    .where(and(eq(accessTokenSecrets.tokenId, tokenId), eq(accessTokenSecrets.teamId, teamId), nameFilter))
    .orderBy(secrets.name);
}
const tokenValuesQuery = preparedPerDb((db: Database) =>
  tokenValuesSelect(db, undefined, sql.placeholder("teamId"), sql.placeholder("tokenId")).prepare("token_values"),
);
const tokenValueQuery = preparedPerDb((db: Database) =>
  tokenValuesSelect(db, eq(secrets.name, sql.placeholder("name")), sql.placeholder("teamId"), sql.placeholder("tokenId")).prepare("token_value"),
);

/**
 * The values of the secrets bound to a machine token (all, or the one named `only`), in name order, read in
 * ONE statement with the bindings (one snapshot: a concurrent rotation or unbinding is seen whole or not at
 * all). The caller has authenticated the token; every join is scoped by its team.
 */
export async function resolveTokenSecretValues(
  teamId: string,
  tokenId: string,
  only: string | null,
  opts: { executor?: Executor; taintOwner?: object; now?: Date } = {},
): Promise<TTokenValue[]> {
  const db = await getDb();
  const executor = opts.executor ?? db;
  // On the database itself (the secrets API): one prepared statement; inside a caller's transaction: the same
  // query built for it.
  const rows =
    executor === db
      ? await (only === null ? tokenValuesQuery(db) : tokenValueQuery(db)).execute({ teamId, tokenId, name: only })
      : await tokenValuesSelect(executor, only === null ? undefined : eq(secrets.name, only), teamId, tokenId);
  refuseExpired(rows, opts.now ?? new Date());
  const opened = await openRows(teamId, rows, opts.taintOwner);
  return rows.map((r) => {
    const v = opened.get(r.name)!;
    return { id: v.id, name: v.name, version: v.version, value: v.value, env: r.env, description: r.description };
  });
}

const REASONS: Record<TUnopened["reason"], string> = {
  missing: "no stored value",
  stale: "stored value is for another version (restored from an old copy?)",
  unopenable: "stored value does not open (tampered with, or sealed under a master key not configured)",
};

/**
 * After the failed read's transaction has ended: flags the secrets (the Team secrets table shows it until a
 * rotation) and writes one server-log line naming them. Names and reasons only.
 */
export async function recordUndecryptable(where: string, err: UndecryptableError): Promise<void> {
  // Names and reasons are metadata we chose to log (the message is ours, not an error's).
  log.error(
    { where, secrets: err.failures.map((f) => ({ name: f.name, reason: f.reason })) },
    err.failures.map((f) => `cannot decrypt ${f.name} (${REASONS[f.reason]})`).join("; "),
  );
  try {
    const db = await getDb();
    await db
      .update(secrets)
      .set({ decryptFailedAt: sql`now()` })
      .where(and(eq(secrets.teamId, err.teamId), inArray(secrets.id, err.failures.map((f) => f.id))));
  } catch (flagErr) {
    logError(`${where}: flag undecryptable secrets`, flagErr);
  }
}

import "server-only";
// Small SQL helpers shared by the DAL.
import { getTableColumns, sql, type AnyColumn, type SQL, type Table } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Executor } from "@/db/client";

/** Case-insensitive "contains", with LIKE's wildcards in the needle taken literally. */
export function containsIgnoreCase(column: AnyColumn | SQL, needle: string): SQL {
  const escaped = needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql`lower(${column}) like ${"%" + escaped + "%"}`;
}

/**
 * The named columns of a table, for a select list that names what it reads (metadata, never a whole row):
 * `select({ ...columnsOf(webhooks, "id", "name"), updatedBy: users.email })`.
 */
export function columnsOf<T extends Table, K extends keyof T["_"]["columns"] & string>(table: T, ...names: K[]): Pick<T["_"]["columns"], K> {
  const all = getTableColumns(table);
  return Object.fromEntries(names.map((n) => [n, all[n]])) as Pick<T["_"]["columns"], K>;
}

/**
 * A statement of the machine API's hot path, built once per database handle and executed with placeholders.
 *
 * drizzle sends every other query as an unnamed statement (`prepare: false` to postgres.js), which costs a
 * Parse + Describe round trip before the Bind/Execute one and a fresh parse and plan on the server each time.
 * A drizzle `.prepare()`d query is sent as a named statement: prepared once per connection, then one round
 * trip (Bind/Execute) per use. With DATABASE_PREPARED_STATEMENTS=false (PgBouncer in transaction mode) the
 * driver's own setting wins and they go unnamed like the rest. Only queries of fixed text belong here.
 */
export function preparedPerDb<D extends object, T>(build: (db: D) => T): (db: D) => T {
  const cache = new WeakMap<D, T>();
  return (db) => {
    let p = cache.get(db);
    if (p === undefined) cache.set(db, (p = build(db)));
    return p;
  };
}

const dialect = new PgDialect();

/**
 * A raw statement of fixed text (parameters bound, never spliced in) sent as a prepared statement, rows as
 * objects. drizzle's `db.execute()` always sends an unnamed one (see preparedPerDb) and has no `.prepare()`;
 * this goes through the same session call its query builders' `.prepare()` makes. postgres.js names and caches
 * the statement per connection by its text, so a caller in a loop pays the Parse once per connection. On
 * PGlite, and with DATABASE_PREPARED_STATEMENTS=false, it is an ordinary query.
 */
export async function executePrepared<T>(db: Executor, query: SQL): Promise<T[]> {
  const prepared = db._.session.prepareQuery(dialect.sqlToQuery(query), undefined, "raw", false);
  // postgres.js answers the rows; PGlite a result with `rows`.
  const result = (await prepared.execute()) as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

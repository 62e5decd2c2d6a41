import "server-only";
// Small SQL helpers shared by the DAL.
import { sql, type AnyColumn, type SQL } from "drizzle-orm";

/** Case-insensitive "contains", with LIKE's wildcards in the needle taken literally. */
export function containsIgnoreCase(column: AnyColumn | SQL, needle: string): SQL {
  const escaped = needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql`lower(${column}) like ${"%" + escaped + "%"}`;
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

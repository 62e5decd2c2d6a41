import "server-only";
// Small SQL helpers shared by the DAL.
import { sql, type AnyColumn, type SQL } from "drizzle-orm";

/** Case-insensitive "contains", with LIKE's wildcards in the needle taken literally. */
export function containsIgnoreCase(column: AnyColumn | SQL, needle: string): SQL {
  const escaped = needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql`lower(${column}) like ${"%" + escaped + "%"}`;
}

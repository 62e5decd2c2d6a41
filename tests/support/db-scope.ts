// A before/after view of "everything a test's fixtures touch": every row, in every table of the public
// schema (tables added later are picked up automatically), whose text contains one of the given needles
// (team ids, user ids, emails, a run tag). Scoped this way it stays exact while other test files write to
// the same Postgres database at the same time.
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { rowsOf } from "./fixtures";

let tableNames: Promise<string[]> | undefined;

async function publicTables(): Promise<string[]> {
  const db = await getDb();
  const res = await db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const names = rowsOf<{ table_name: string }>(res).map((r) => r.table_name);
  for (const n of names) if (!/^[a-z_0-9]+$/.test(n)) throw new Error(`unexpected table name ${n}`);
  if (!names.includes("audit_events") || !names.includes("memberships")) throw new Error(`expected the app's tables, found ${names.join(", ")}`);
  return names;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Sorted "table: row-as-text" lines of every row mentioning one of `needles`. */
export async function scopedRows(needles: string[]): Promise<string[]> {
  if (needles.length === 0) throw new Error("scopedRows needs at least one needle");
  tableNames ??= publicTables();
  const names = await tableNames;
  const db = await getDb();
  const pattern = needles.map(escapeRegex).join("|");
  const parts = names.map((n) => sql`select ${n} || ': ' || t::text as r from ${sql.identifier(n)} t`);
  const res = await db.execute(
    sql`select r from (${sql.join(parts, sql` union all `)}) x where r ~* ${pattern} order by r`,
  );
  return rowsOf<{ r: string }>(res).map((x) => x.r);
}

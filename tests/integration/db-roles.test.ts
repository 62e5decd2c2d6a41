// Issue 9 item 9: the app connects as a role that owns no table and holds only SELECT/INSERT/UPDATE/DELETE
// (scripts/test-db.mjs --roles, as docs/deploy.md describes), so it cannot TRUNCATE, ALTER or DROP, nor
// drop the audit log's triggers; migrations run as the owner (DATABASE_MIGRATION_URL). Postgres only, and
// only when the two URLs name different roles (.ci/run sets both); skipped with the reason otherwise.
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { rowsOf } from "../support/fixtures";
import { hasSeparateOwner, refusalOf, withOwnerDb } from "../support/owner-db";

afterAll(async () => {
  await closeDb();
});

describe.skipIf(!hasSeparateOwner())("the app's database role (DATABASE_URL) under least privilege", () => {
  it("owns no table, and reads and writes through grants", async () => {
    const db = await getDb();
    const owned = await db.execute(sql`select count(*)::int as n from pg_tables where schemaname = 'public' and tableowner = current_user`);
    expect(rowsOf<{ n: number }>(owned)[0]?.n).toBe(0);
    const all = await db.execute(sql`select count(*)::int as n from pg_tables where schemaname = 'public'`);
    expect(rowsOf<{ n: number }>(all)[0]?.n).toBeGreaterThan(10);
  });

  it.each([
    "truncate audit_events",
    "truncate secrets",
    "truncate teams cascade",
    "alter table audit_events disable trigger audit_events_append_only",
    "drop trigger audit_events_append_only on audit_events",
    "drop trigger audit_events_no_truncate on audit_events",
    "alter table secrets add column stolen text",
    "drop table audit_events",
    "drop table secret_values",
    "create table public.planted (id int)",
    "drop function audit_events_append_only() cascade",
  ])("%s is refused", async (statement) => {
    const refusal = await refusalOf(statement);
    expect(refusal, `${statement} went through as the app role`).toMatch(/permission denied|must be owner|append-only/);
  });

  it("as the owner, TRUNCATE audit_events is refused by the trigger", async () => {
    const refusal = await withOwnerDb((owner) => refusalOf("truncate audit_events", owner));
    expect(refusal).toContain("audit_events is append-only");
  });
});

describe.skipIf(hasSeparateOwner())("least-privilege roles", () => {
  it("are not checked here: DATABASE_URL and DATABASE_MIGRATION_URL name the same role (or PGlite); .ci/run sets them apart", () => {
    expect(hasSeparateOwner()).toBe(false);
  });
});

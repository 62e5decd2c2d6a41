// A big import into a small table must not scan that table once per row. Postgres plans the foreign-key
// checks of secret_values and secret_versions against `secrets` once per connection and keeps the plan: made
// while the table held a handful of rows, it is a sequential scan, and a 10,000-row import then read the
// whole growing table for each of its 20,000 checks (10-47 s instead of ~1.5 s on PGlite, 5-24 s instead of
// ~1.1 s on Postgres, slower with every import). Counted, not timed: the rows sequential scans of `secrets`
// read inside the transaction (pg_stat_xact_user_tables), on a database of this file's own so the table
// starts small and its statistics say so. Runs on PGlite and Postgres.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { insertSecretsTx } from "@/lib/dal/secrets";
import { isolatedDatabase, type TIsolatedDb } from "../support/isolated-db";
import { withOwnerDb } from "../support/owner-db";
import { makeTeam, makeUser, rowsOf, type TTestTeam, type TTestUser } from "../support/fixtures";

let isolated: TIsolatedDb;
let owner: TTestUser;
let team: TTestTeam;

beforeAll(async () => {
  isolated = await isolatedDatabase("plans");
  owner = await makeUser("plans-owner");
  team = await makeTeam(owner);
  // Statistics as autovacuum keeps them on a live server: a small table known to be small (a table never
  // analyzed is assumed to have ten pages, which hides the problem).
  await withOwnerDb((db) => db.execute(sql`ANALYZE secrets`));
}, 60_000);

afterAll(async () => {
  await closeDb();
  await isolated?.drop();
});

const N = 3000;

describe("bulk insert plans", () => {
  it("after a few single inserts on the same connection, a bulk insert does not scan `secrets` per row", async () => {
    const db = await getDb();
    const seqRead = await db.transaction(async (tx) => {
      const ctx = { teamId: team.id, actor: owner.actor };
      // New secret, one at a time, while the table is tiny: enough executions for the plan cache to keep a
      // generic plan of each foreign-key check, made for a table of a few rows.
      for (let i = 0; i < 8; i++) await insertSecretsTx(tx, ctx, [{ name: `SINGLE_${i}`, value: `v${i}`, visibility: "masked" }]);
      const before = rowsOf<{ n: number }>(await tx.execute(sql`select coalesce(seq_tup_read, 0)::int as n from pg_stat_xact_user_tables where relname = 'secrets'`));
      await insertSecretsTx(
        tx,
        ctx,
        Array.from({ length: N }, (_, i) => ({ name: `BULK_${i}`, value: `b${i}`, visibility: "masked" as const })),
      );
      const after = rowsOf<{ n: number }>(await tx.execute(sql`select coalesce(seq_tup_read, 0)::int as n from pg_stat_xact_user_tables where relname = 'secrets'`));
      return (after[0]?.n ?? 0) - (before[0]?.n ?? 0);
    });
    // A scan per check would read about N * N / 2 = 4,500,000 rows; what the first small chunk may still scan
    // (a plan made for its few hundred rows) stays far below N * 100.
    expect(seqRead).toBeLessThan(N * 100);
  }, 120_000);
});

// The database as its owner, for what a test does with the owner's rights (fault-injection triggers, an
// attacker who has the database): DATABASE_MIGRATION_URL when set (CI: the app connects as a role that
// owns nothing, see scripts/test-db.mjs --roles), else the app's own handle (PGlite, or a single role).
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { getDb, type Executor } from "@/db/client";

/** True when the app's role differs from the owner's (so the app cannot do owner things). */
export const hasSeparateOwner = () => {
  const app = process.env.DATABASE_URL;
  const owner = process.env.DATABASE_MIGRATION_URL;
  return Boolean(app && owner && new URL(app).username !== new URL(owner).username);
};

export async function withOwnerDb<T>(fn: (db: Executor) => Promise<T>): Promise<T> {
  if (!hasSeparateOwner()) return fn(await getDb());
  await getDb(); // migrated first
  const client = postgres(process.env.DATABASE_MIGRATION_URL!, { max: 1, onnotice: () => {} });
  try {
    return await fn(drizzle(client) as unknown as Executor);
  } finally {
    await client.end({ timeout: 2 });
  }
}

/** Runs a statement on `db` (the app's handle unless given) in a transaction that is always rolled back; returns the refusal, or null if it ran. */
export async function refusalOf(statement: string, db?: Executor): Promise<string | null> {
  let refusal: string | null = null;
  await (db ?? (await getDb()))
    .transaction(async (tx) => {
      try {
        await tx.execute(sql.raw(statement));
      } catch (err) {
        const e = err as Error & { cause?: Error };
        refusal = `${e.message} ${e.cause?.message ?? ""}`;
        throw err;
      }
      throw new Error("rolled back: the statement went through");
    })
    .catch(() => {});
  return refusal;
}

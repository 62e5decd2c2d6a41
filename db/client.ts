import "server-only";
// The one database handle. DATABASE_URL set: the `postgres` driver against that server. Unset: embedded
// PGlite persisted under ./.data/pglite (or PGLITE_DATA_DIR). Opened lazily on first use, never at
// module load (so `next build` does not open it), kept on globalThis so dev hot reloads reuse it, and
// migrated before the first query is allowed through.
import path from "node:path";
import { mkdirSync } from "node:fs";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import "./errors"; // failed statements propagate without their parameters
import { env } from "@/lib/env";
import { acquirePgliteLock } from "./pglite-lock";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Either the database or an open transaction: DAL helpers that must join a caller's transaction take this. */
export type Executor = Database | Tx;

type Handle = { db: Database; close: () => Promise<void> };
const globalForDb = globalThis as unknown as { __teamSecretsDb?: Promise<Handle> };

// Arbitrary constant naming this app's migration lock (pg_advisory_lock key).
const MIGRATION_LOCK_KEY = 7_262_012_025;

const migrationsFolder = path.join(/* turbopackIgnore: true */ process.cwd(), "db", "migrations");

async function open(): Promise<Handle> {
  const e = env();
  const url = e.DATABASE_URL;
  if (url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    // Migrate over one dedicated connection holding an advisory lock, so app instances (or test workers)
    // starting together against a fresh database apply migrations one at a time.
    // Behind PgBouncer in transaction pooling mode a session-level advisory lock would land on whichever
    // server connection the pooler picks: DATABASE_MIGRATION_URL names a direct connection for this.
    const migrator = postgres(e.DATABASE_MIGRATION_URL || url, { max: 1, onnotice: () => {} });
    try {
      await migrator`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
      await migrate(drizzle(migrator), { migrationsFolder });
    } finally {
      await migrator.end({ timeout: 5 });
    }
    // Named prepared statements live on one server connection; PgBouncer 1.18 in transaction mode cannot
    // keep them, so DATABASE_PREPARED_STATEMENTS=false turns them off there (unnamed statements still work).
    const client = postgres(url, {
      max: e.DATABASE_POOL_SIZE,
      prepare: e.DATABASE_PREPARED_STATEMENTS === "true",
      onnotice: () => {},
    });
    const db = drizzle(client, { schema });
    return { db, close: () => client.end({ timeout: 5 }) };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const dir = e.PGLITE_DATA_DIR ?? path.join(/* turbopackIgnore: true */ process.cwd(), e.DATA_DIR, "pglite");
  let release = () => {};
  if (!dir.startsWith("memory://")) {
    mkdirSync(dir, { recursive: true });
    // One process per data directory: a second one (a seed beside the dev server) is refused by name.
    release = acquirePgliteLock(path.resolve(dir));
  }
  try {
    const client = new PGlite(dir);
    const db = drizzle(client, { schema });
    await migrate(db, { migrationsFolder });
    // Both drivers expose the same query builder; one type keeps the DAL free of unions.
    return {
      db: db as unknown as Database,
      close: async () => {
        try {
          await client.close();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

/** The migrated database. Every DAL function goes through this. */
export function getDb(): Promise<Database> {
  if (!globalForDb.__teamSecretsDb) {
    globalForDb.__teamSecretsDb = open().catch((err) => {
      globalForDb.__teamSecretsDb = undefined;
      throw err;
    });
  }
  return globalForDb.__teamSecretsDb.then((h) => h.db);
}

/** Closes the handle (scripts and tests). */
export async function closeDb(): Promise<void> {
  const handle = globalForDb.__teamSecretsDb;
  globalForDb.__teamSecretsDb = undefined;
  if (handle) await (await handle).close();
}

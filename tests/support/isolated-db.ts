// A database of this test file's own, for tests that change every row (key rotation re-wraps every
// value; sharing the run's database would re-wrap other files' values under a key they do not have).
// Postgres: a fresh database on the same server, dropped afterwards. PGlite: a fresh directory.
// Must run before the first getDb() of the file.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";

export type TIsolatedDb = { env: Record<string, string>; drop: () => Promise<void> };

export async function isolatedDatabase(label: string): Promise<TIsolatedDb> {
  const base = process.env.DATABASE_URL;
  const baseOwner = process.env.DATABASE_MIGRATION_URL;
  if (base && baseOwner) {
    // Least-privilege roles (CI): the app role may not create databases; scripts/test-db.mjs sets one up
    // the same way as the run's (owner + app role with DML grants).
    const name = `team_secrets_test_${label}_${Date.now()}_${process.pid}`;
    const script = path.join(import.meta.dirname, "../../scripts/test-db.mjs");
    const [app, owner] = execFileSync(process.execPath, [script, "recreate", name, "--roles"], { encoding: "utf8" }).trim().split("\n");
    process.env.DATABASE_URL = app!;
    process.env.DATABASE_MIGRATION_URL = owner!;
    return {
      env: { DATABASE_URL: app!, DATABASE_MIGRATION_URL: owner! },
      drop: async () => {
        execFileSync(process.execPath, [script, "drop", name], { stdio: "ignore" });
        process.env.DATABASE_URL = base;
        process.env.DATABASE_MIGRATION_URL = baseOwner;
      },
    };
  }
  if (base) {
    const url = new URL(base);
    const name = `team_secrets_test_${label}_${Date.now()}_${process.pid}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end({ timeout: 2 });
    url.pathname = `/${name}`;
    process.env.DATABASE_URL = url.toString();
    return {
      env: { DATABASE_URL: url.toString(), DATABASE_MIGRATION_URL: "" },
      drop: async () => {
        const a = postgres(base, { max: 1, onnotice: () => {} });
        await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end({ timeout: 2 });
        process.env.DATABASE_URL = base;
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), `team-secrets-${label}-`));
  process.env.PGLITE_DATA_DIR = dir;
  return { env: { DATABASE_URL: "", PGLITE_DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

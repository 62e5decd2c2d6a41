// A database of this test file's own, for tests that change every row (key rotation re-wraps every
// value; sharing the run's database would re-wrap other files' values under a key they do not have).
// Postgres: a fresh database on the same server, dropped afterwards. PGlite: a fresh directory.
// Must run before the first getDb() of the file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";

export type TIsolatedDb = { env: Record<string, string>; drop: () => Promise<void> };

export async function isolatedDatabase(label: string): Promise<TIsolatedDb> {
  const base = process.env.DATABASE_URL;
  if (base) {
    const url = new URL(base);
    const name = `team_secrets_test_${label}_${Date.now()}_${process.pid}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end({ timeout: 2 });
    url.pathname = `/${name}`;
    process.env.DATABASE_URL = url.toString();
    return {
      env: { DATABASE_URL: url.toString() },
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

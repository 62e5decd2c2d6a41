// npm run db:migrate — applies pending migrations to DATABASE_URL, or to the embedded database.
import { closeDb, getDb } from "@/db/client";
import { PgliteLockedError } from "@/db/pglite-lock";

const started = Date.now();
try {
  await getDb();
  console.log(`Migrations applied (${process.env.DATABASE_URL ? "postgres" : "embedded PGlite"}) in ${Date.now() - started} ms.`);
} catch (err) {
  if (!(err instanceof PgliteLockedError)) throw err;
  console.error(`db:migrate: ${err.message}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}

// npm run db:migrate — applies pending migrations to DATABASE_URL, or to the embedded database.
import { closeDb, getDb } from "@/db/client";

const started = Date.now();
await getDb();
console.log(`Migrations applied (${process.env.DATABASE_URL ? "postgres" : "embedded PGlite"}) in ${Date.now() - started} ms.`);
await closeDb();

// npm run db:migrate — applies pending migrations to DATABASE_URL, or to the embedded database.
import { getDb } from "@/db/client";
import { runWithDb } from "./with-db";

const started = Date.now();
await runWithDb("db:migrate", async () => {
  await getDb();
  console.log(`Migrations applied (${process.env.DATABASE_URL ? "postgres" : "embedded PGlite"}) in ${Date.now() - started} ms.`);
});

// The frame of a script that opens the database (db:migrate, db:seed): run its work, then close the database
// whatever happened. The embedded database has one owner at a time: beside a running `npm run dev` the
// script stops with a message naming that process (PgliteLockedError), exit status 1, and changes nothing.
import { closeDb } from "@/db/client";
import { PgliteLockedError } from "@/db/pglite-lock";

export async function runWithDb(script: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (!(err instanceof PgliteLockedError)) throw err;
    console.error(`${script}: ${err.message}`);
    process.exitCode = 1;
  } finally {
    await closeDb();
  }
}

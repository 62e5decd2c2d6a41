// A process that owns an embedded database until killed (tests/integration/pglite-lock.test.ts).
import { getDb } from "@/db/client";

await getDb();
process.stdout.write("ready\n");
setInterval(() => {}, 60_000);

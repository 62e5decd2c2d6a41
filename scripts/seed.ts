// npm run db:seed — demo users (owner@, admin@, editor@, outsider@example.com) for local use and tests.
// The embedded database has one owner at a time: beside a running `npm run dev` this stops with a message
// naming that process, and changes nothing.
import { seed, SEED_PASSWORD_DEFAULT, SEED_USERS } from "@/db/seed";
import { runWithDb } from "./with-db";

const password = process.env.SEED_PASSWORD ?? SEED_PASSWORD_DEFAULT;
await runWithDb("db:seed", async () => {
  const counts = await seed(password);
  console.log(`Seeded ${counts.users} users, ${counts.teams} teams, ${counts.secrets} secrets.`);
  console.log(`Sign in as ${SEED_USERS.map((u) => u.email).join(", ")}${process.env.SEED_PASSWORD ? " (password from SEED_PASSWORD)" : ` with password "${SEED_PASSWORD_DEFAULT}"`}.`);
});

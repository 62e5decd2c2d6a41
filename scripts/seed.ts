// npm run db:seed — demo users (owner@, admin@, editor@, outsider@example.com) for local use and tests.
import { closeDb } from "@/db/client";
import { seed, SEED_PASSWORD_DEFAULT, SEED_USERS } from "@/db/seed";

const password = process.env.SEED_PASSWORD ?? SEED_PASSWORD_DEFAULT;
const counts = await seed(password);
console.log(`Seeded ${counts.users} users, ${counts.teams} teams, ${counts.secrets} secrets.`);
console.log(`Sign in as ${SEED_USERS.map((u) => u.email).join(", ")}${process.env.SEED_PASSWORD ? " (password from SEED_PASSWORD)" : ` with password "${SEED_PASSWORD_DEFAULT}"`}.`);
await closeDb();

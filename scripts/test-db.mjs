// Creates a fresh Postgres database for one test run and prints its URL; `drop NAME` removes it.
// `recreate NAME` makes an empty database of that name (the e2e suite's own). Used by .ci/run; exits 1 when
// no server answers on PGHOST/127.0.0.1:5432.
//
// With --roles (what .ci/run uses) the database is set up as docs/deploy.md describes for production: it is
// owned by the role team_secrets_test_owner (migrations run as it: DATABASE_MIGRATION_URL), and the app
// connects as team_secrets_test_app, which owns nothing and holds only SELECT/INSERT/UPDATE/DELETE (default
// privileges cover tables the owner creates later), so it cannot TRUNCATE, ALTER or DROP. Two lines are
// printed: the app URL (DATABASE_URL), then the owner URL (DATABASE_MIGRATION_URL). Roles are cluster-wide:
// they are created once, idempotently (concurrent runs included), and never dropped or altered here.
import postgres from "postgres";

const host = process.env.PGHOST ?? "127.0.0.1";
const port = Number(process.env.PGPORT ?? 5432);
const user = process.env.PGUSER ?? "postgres";
export const OWNER_ROLE = "team_secrets_test_owner";
export const APP_ROLE = "team_secrets_test_app";
const admin = postgres({ host, port, user, database: "postgres", connect_timeout: 3, onnotice: () => {} });
const urlFor = (role, db) => `postgres://${role}@${host}:${port}/${db}`;

async function ensureRole(name) {
  // CREATE ROLE has no IF NOT EXISTS; two runs racing get duplicate_object or unique_violation: both fine.
  await admin.unsafe(`DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name}') THEN
      CREATE ROLE ${name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
    END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END $$`);
}

async function create(db, roles) {
  if (!roles) {
    await admin.unsafe(`CREATE DATABASE ${db}`);
    return [urlFor(user, db)];
  }
  await ensureRole(OWNER_ROLE);
  await ensureRole(APP_ROLE);
  await admin.unsafe(`CREATE DATABASE ${db} OWNER ${OWNER_ROLE}`);
  const inDb = postgres({ host, port, user, database: db, max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await inDb.unsafe(`
      REVOKE ALL ON DATABASE ${db} FROM PUBLIC;
      GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${APP_ROLE};
      ALTER SCHEMA public OWNER TO ${OWNER_ROLE};
      REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      GRANT USAGE ON SCHEMA public TO ${APP_ROLE};
      CREATE SCHEMA drizzle AUTHORIZATION ${OWNER_ROLE};
      GRANT USAGE ON SCHEMA drizzle TO ${APP_ROLE};
      ALTER DEFAULT PRIVILEGES FOR ROLE ${OWNER_ROLE} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE};
      ALTER DEFAULT PRIVILEGES FOR ROLE ${OWNER_ROLE} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${APP_ROLE};
      ALTER DEFAULT PRIVILEGES FOR ROLE ${OWNER_ROLE} IN SCHEMA drizzle GRANT SELECT ON TABLES TO ${APP_ROLE};
    `);
  } finally {
    await inDb.end({ timeout: 2 });
  }
  return [urlFor(APP_ROLE, db), urlFor(OWNER_ROLE, db)];
}

try {
  const args = process.argv.slice(2);
  const roles = args.includes("--roles");
  const [cmd, name] = args.filter((a) => a !== "--roles");
  const valid = name && /^[a-z0-9_]+$/.test(name);
  if (cmd === "drop" && valid) {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } else if (cmd === "recreate" && valid) {
    // A database of a fixed name, empty: dropped first if a previous run left it.
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    for (const line of await create(name, roles)) console.log(line);
  } else {
    for (const line of await create(`team_secrets_test_${Date.now()}_${process.pid}`, roles)) console.log(line);
  }
} catch (err) {
  console.error(`test-db: ${err.code ?? err.message}`);
  process.exitCode = 1;
} finally {
  await admin.end({ timeout: 2 });
}

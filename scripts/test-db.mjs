// Creates a fresh Postgres database for one test run and prints its URL; `drop NAME` removes it.
// `recreate NAME` makes an empty database of that name (the e2e suite's own). Used by .ci/run; exits 1 when no server answers on PGHOST/127.0.0.1:5432.
import postgres from "postgres";

const host = process.env.PGHOST ?? "127.0.0.1";
const port = Number(process.env.PGPORT ?? 5432);
const user = process.env.PGUSER ?? "postgres";
const admin = postgres({ host, port, user, database: "postgres", connect_timeout: 3, onnotice: () => {} });
try {
  const [cmd, name] = process.argv.slice(2);
  if (cmd === "drop" && name && /^[a-z0-9_]+$/.test(name)) {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } else if (cmd === "recreate" && name && /^[a-z0-9_]+$/.test(name)) {
    // A database of a fixed name, empty: dropped first if a previous run left it.
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } else {
    const db = `team_secrets_test_${Date.now()}_${process.pid}`;
    await admin.unsafe(`CREATE DATABASE ${db}`);
    console.log(`postgres://${user}@${host}:${port}/${db}`);
  }
} catch (err) {
  console.error(`test-db: ${err.code ?? err.message}`);
  process.exitCode = 1;
} finally {
  await admin.end({ timeout: 2 });
}

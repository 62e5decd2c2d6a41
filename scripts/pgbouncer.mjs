// Starts Debian's PgBouncer in transaction pooling mode in front of a Postgres database, on loopback, for the
// scale tests and `npm run bench:api --pgbouncer`. Trust auth (the local test server's), no daemon: the child
// is its own process group and stop() ends it. Returns the pooled URL. Not used in production.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { processGroup, waitForPort } from "./child-process.mjs";

export const PGBOUNCER_BIN = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].find((p) => existsSync(p)) ?? null;

/** @param {{ databaseUrl: string, port: number, dir: string, poolSize?: number }} opts */
export async function startPgBouncer({ databaseUrl, port, dir, poolSize = 20 }) {
  if (!PGBOUNCER_BIN) throw new Error("pgbouncer is not installed (apt-get install -y pgbouncer)");
  const u = new URL(databaseUrl);
  const db = u.pathname.slice(1);
  const user = decodeURIComponent(u.username || "postgres");
  mkdirSync(dir, { recursive: true });
  const ini = path.join(dir, "pgbouncer.ini");
  const users = path.join(dir, "userlist.txt");
  writeFileSync(users, `"${user}" ""\n`);
  writeFileSync(
    ini,
    [
      "[databases]",
      `${db} = host=${u.hostname} port=${u.port || 5432} dbname=${db}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${users}`,
      "pool_mode = transaction",
      `default_pool_size = ${poolSize}`,
      "max_client_conn = 1000",
      "ignore_startup_parameters = extra_float_digits,options",
      "log_connections = 0",
      "log_disconnections = 0",
      "",
    ].join("\n"),
  );
  const version = spawnSync(PGBOUNCER_BIN, ["--version"], { encoding: "utf8" }).stdout.split("\n")[0]?.trim() ?? "pgbouncer";
  // PgBouncer refuses to run as root; as root (CI containers) it drops to `nobody` (-u) after start.
  const asUser = process.getuid?.() === 0 ? ["-u", "nobody"] : [];
  const child = spawn(PGBOUNCER_BIN, [...asUser, ini], { detached: true, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const group = processGroup(child);
  try {
    await waitForPort(port, 10_000);
  } catch (e) {
    await group.stop("SIGKILL", 0);
    throw new Error(`pgbouncer did not start: ${err.slice(-500)}`, { cause: e });
  }
  const stop = () => group.stop("SIGINT", 3000);
  return { url: `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${db}`, version, stop, log: () => err };
}

// Where the machine API's CPU goes, without HTTP: the route's own handler called in this process by C
// concurrent loops for D seconds against a fresh Postgres database (10 secrets bound to one token). Run under
// `node --cpu-prof` to get a profile. Prints requests/s and the socket writes (database round trips) and bytes
// sent per request, sequential and concurrent. PROFILE_PATH picks the URL (e.g. "/api/v1/secrets?values=false").
//
//   node --cpu-prof --cpu-prof-dir=.data/prof --conditions=react-server --import tsx bench/profile-api.ts [C] [D]
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";

const C = Number(process.argv[2] ?? 50);
const D = Number(process.argv[3] ?? 10);
const runId = "prof" + randomBytes(3).toString("hex");
const url = execFileSync(process.execPath, ["scripts/test-db.mjs"], { encoding: "utf8" }).trim();
process.env.DATABASE_URL = url;
process.env.SECRETS_MASTER_KEY = randomBytes(32).toString("base64");
process.env.AUTH_SECRET = randomBytes(33).toString("base64");
process.env.DATA_DIR = path.join(process.cwd(), ".data", `bench-${runId}`);
process.env.WEBHOOK_WORKER = "off";
process.env.API_TOKEN_REQUESTS_PER_MINUTE = "100000000";

async function main() {
  const { getDb, closeDb } = await import("@/db/client");
  const { seedTokenTeam } = await import("./seed");
  const { handleSecretsRequest } = await import("@/lib/api/secrets-api");
  await getDb();
  const { token } = await seedTokenTeam(runId);
  const path = process.env.PROFILE_PATH ?? "/api/v1/secrets";
  const call = async () => {
    const res = await handleSecretsRequest(new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${token}`, "x-team-secrets-peer": "127.0.0.1" } }), null);
    if (res.status !== 200) throw new Error(`status ${res.status} ${res.body}`);
  };
  for (let i = 0; i < 200; i++) await call();
  const net = await import("node:net");
  let writes = 0, bytes = 0;
  const orig = net.Socket.prototype.write;
  net.Socket.prototype.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) { if (this === process.stdout || this === process.stderr) return (orig as any).call(this, chunk, ...rest); writes++; bytes += (chunk as Buffer).length ?? 0; return (orig as any).call(this, chunk, ...rest); } as typeof orig;
  for (let i = 0; i < 100; i++) await call();
  console.log(`sequential: ${(writes / 100).toFixed(2)} socket writes, ${(bytes / 100).toFixed(0)} bytes per request`);
  writes = 0; bytes = 0;
  let n = 0;
  const end = Date.now() + D * 1000;
  await Promise.all(Array.from({ length: C }, async () => {
    while (Date.now() < end) {
      await call();
      n++;
    }
  }));
  console.log(`concurrent: ${(writes / n).toFixed(2)} socket writes, ${(bytes / n).toFixed(0)} bytes per request`);
  console.log(`${C} loops, ${D} s: ${(n / D).toFixed(0)} req/s in-process`);
  const { flushUsage } = await import("@/lib/dal/usage-recorder");
  await flushUsage(); // before the database goes, so no later flush meets a dropped database
  await closeDb();
  execFileSync(process.execPath, ["scripts/test-db.mjs", "drop", url.slice(url.lastIndexOf("/") + 1)]);
}
main().catch((e) => { console.error(e); process.exit(1); });

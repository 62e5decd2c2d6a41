import "server-only";
// The floor for `npm run bench:api`: the least work GET /api/v1/secrets must do, on bare node:http and the
// `postgres` driver, with no framework. Per request: token-hash lookup, one select of the bound secrets with
// their ciphertexts, unwrap each data key and open each value (the app's own lib/crypto), and — unless the
// path is /plain — one audit insert before answering. Started by bench/api.ts as its own process; prints
// "floor listening <port>" when ready. Values are never printed.
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import postgres from "postgres";
import { decryptSecretValues } from "@/lib/crypto";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");
const sql = postgres(url, {
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  prepare: process.env.DATABASE_PREPARE !== "false",
  onnotice: () => {},
});

const server = createServer(async (req, res) => {
  try {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    if (!m) {
      res.writeHead(401).end();
      return;
    }
    const hash = createHash("sha256").update(m[1]!, "utf8").digest("hex");
    const [tok] = await sql`select id, team_id from access_tokens where token_hash = ${hash} and revoked_at is null`;
    if (!tok) {
      res.writeHead(401).end();
      return;
    }
    const rows = await sql`
      select s.id, s.name, b.env_name, v.version, v.ciphertext
      from access_token_secrets b
      join secrets s on s.id = b.secret_id and s.team_id = ${tok.team_id}
      join secret_values v on v.secret_id = s.id and v.team_id = ${tok.team_id}
      where b.token_id = ${tok.id} and b.team_id = ${tok.team_id}
      order by s.name`;
    // The app's one way to open values (lib/crypto decryptSecretValues: all of a read's values at once).
    const opened = await decryptSecretValues(
      rows.map((r) => ({ ciphertext: r.ciphertext as string, ctx: { teamId: tok.team_id as string, secretId: r.id as string, version: r.version as number } })),
    );
    const out = rows.map((r, i) => {
      const value = opened[i]!;
      if (typeof value !== "string") throw value;
      return { name: r.name as string, env: r.env_name as string, version: r.version as number, value };
    });
    if (!req.url?.startsWith("/plain")) {
      const meta = { prefix: "floor", secrets: out.map((s) => ({ name: s.name, version: s.version })) };
      await sql`insert into audit_events (team_id, actor_label, action, target_type, target_id, metadata, ip)
        values (${tok.team_id}, 'floor', 'secrets.read_by_token', 'access_token', ${tok.id}, ${sql.json(meta)}, ${req.socket.remoteAddress ?? null})`;
    }
    const body = JSON.stringify({ secrets: out });
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(body);
  } catch (e) {
    console.error(`floor error: ${(e as { code?: string }).code ?? (e as Error).name}`); console.error(String((e as Error).stack).slice(0, 600));
    res.writeHead(500).end();
  }
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const a = server.address();
  console.log(`floor listening ${typeof a === "object" && a ? a.port : ""}`);
});
process.on("SIGTERM", () => {
  server.close();
  void sql.end({ timeout: 2 }).then(() => process.exit(0));
});

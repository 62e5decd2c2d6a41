import "server-only";
// Bulk import of a 10,000-line .env (issue 10 item 7) against its floor, interleaved, in the same process and
// database: the floor is ONE multi-row INSERT statement of the same 10,000 secrets with their values (rows
// built and sealed beforehand, outside the timing); the import is the real DAL call — parse, authorize, seal
// each value, write secrets, values, audit events and team events in one transaction. Each round uses two
// fresh teams and alternates which goes first, so load from elsewhere falls on both alike. Goal: import
// <= 2x floor. Printed for reference: the same kind of statement writing every row the import writes (also its
// version rows and audit events), which the goal's floor does not. Values are random and never printed. BENCH_PROFILE_DIR / BENCH_STATEMENTS=1: see ./profiler.ts.
import { randomBytes } from "node:crypto";
import { inArray, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { memberships, teams } from "@/db/schema";
import { encryptSecretValue } from "@/lib/crypto";
import { getFingerprintKey } from "@/lib/dal/key-material";
import { importSecrets } from "@/lib/dal/secret-import";
import { printCpu, withCpu, type TCpu } from "./cpu";
import { printStatements, profiled } from "./profiler";
import { fmtMs } from "./seed";

export const IMPORT_GOAL = 2;

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function newTeam(userId: string, label: string): Promise<{ id: string; slug: string }> {
  const db = await getDb();
  const slug = `bench-import-${label}-${randomBytes(4).toString("hex")}`;
  const [team] = await db.insert(teams).values({ slug, name: `Bench import ${label}` }).returning({ id: teams.id });
  await db.insert(memberships).values({ teamId: team!.id, userId, role: "owner" });
  return { id: team!.id, slug };
}

/**
 * The floor: one statement inserting every secret and its value (a data-modifying CTE), rows sealed beforehand.
 * With `allRows`, the reference instead: the same statement also writing the version row and the audit event the
 * import writes for each secret (every row it writes), to show how much of the ratio is those rows.
 */
async function floorInsert(teamId: string, user: { id: string; email: string }, n: number, allRows = false): Promise<{ cpu: TCpu }> {
  const db = await getDb();
  const fingerprintKey = await getFingerprintKey(db);
  const secretRows: string[] = [];
  const valueRows: string[] = [];
  const versionRows: string[] = [];
  const auditRows: string[] = [];
  const userId = user.id;
  for (let i = 0; i < n; i++) {
    const id = crypto.randomUUID();
    const sealed = await encryptSecretValue(`bench_${randomBytes(24).toString("base64url")}`, { teamId, secretId: id, version: 1 }, fingerprintKey);
    secretRows.push(`(${lit(id)}::uuid, ${lit(teamId)}::uuid, ${lit(`IMPORT_${i}`)}, 'masked', 1, ${lit(sealed.fingerprint)}, ${lit(userId)}::uuid, ${lit(userId)}::uuid)`);
    valueRows.push(`(${lit(id)}::uuid, ${lit(teamId)}::uuid, 1, ${lit(sealed.ciphertext)}, ${lit(sealed.keyId)})`);
    if (!allRows) continue;
    versionRows.push(`(${lit(id)}::uuid, ${lit(teamId)}::uuid, 1, ${lit(userId)}::uuid, ${lit(user.email)}, 'import'::secret_version_source, ${lit(sealed.fingerprint)})`);
    auditRows.push(
      `(${lit(teamId)}::uuid, ${lit(userId)}::uuid, ${lit(user.email)}, 'secret.created', 'secret', ${lit(id)}, ${lit(`IMPORT_${i}`)}, 1, '{"visibility":"masked","via":"import"}'::jsonb)`,
    );
  }
  const statement = allRows
    ? `WITH s AS (INSERT INTO secrets (id, team_id, name, visibility, version, fingerprint, created_by, updated_by) VALUES ${secretRows.join(",")} RETURNING id), ` +
      `v AS (INSERT INTO secret_values (secret_id, team_id, version, ciphertext, key_id) VALUES ${valueRows.join(",")}), ` +
      `h AS (INSERT INTO secret_versions (secret_id, team_id, version, created_by, created_by_label, source, fingerprint) VALUES ${versionRows.join(",")}) ` +
      `INSERT INTO audit_events (team_id, actor_id, actor_label, action, target_type, target_id, target_name, version, metadata) VALUES ${auditRows.join(",")}`
    : `WITH s AS (INSERT INTO secrets (id, team_id, name, visibility, version, fingerprint, created_by, updated_by) VALUES ${secretRows.join(",")} RETURNING id) ` +
      `INSERT INTO secret_values (secret_id, team_id, version, ciphertext, key_id) VALUES ${valueRows.join(",")}`;
  return withCpu(() => db.execute(sql.raw(statement)));
}

async function timedImport(user: { id: string; email: string }, slug: string, n: number): Promise<{ cpu: TCpu }> {
  const text = Array.from({ length: n }, (_, i) => `IMPORT_${i}=bench_${randomBytes(24).toString("base64url")}`).join("\n");
  let lastProgress = 0;
  const { result: r, cpu } = await withCpu(() =>
    importSecrets({
      actor: { id: user.id, label: user.email },
      teamSlug: slug,
      text,
      fileName: ".env",
      visibility: "masked",
      rotate: [],
      onProgress: (done) => void (lastProgress = done),
    }),
  );
  if (r.created !== n || lastProgress !== n) throw new Error(`import wrote ${r.created} of ${n} (progress ${lastProgress})`);
  return { cpu };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchImport(user: { id: string; email: string }, n = 10_000, rounds = 3): Promise<{ importMs: number; floorMs: number; ratio: number }> {
  const db = await getDb();
  const imports: number[] = [];
  const floors: number[] = [];
  const importCpu: TCpu[] = [];
  const floorCpu: TCpu[] = [];
  const made: string[] = [];
  console.log(`\nimport of a ${n.toLocaleString("en")}-line .env vs one multi-row INSERT of the same rows (${rounds} rounds, interleaved)`);
  const references: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = await newTeam(user.id, `floor${r}`);
    const b = await newTeam(user.id, `import${r}`);
    const c = await newTeam(user.id, `reference${r}`);
    made.push(a.id, b.id, c.id);
    // The floor's CPU is taken around its one statement only (its rows are built and sealed outside the timing).
    const runFloor = async () => {
      const { cpu } = await profiled("import-floor", () => floorInsert(a.id, user, n));
      floors.push(cpu.ms);
      floorCpu.push(cpu);
    };
    const runImport = async () => {
      const { cpu } = await profiled("import", () => timedImport(user, b.slug, n));
      imports.push(cpu.ms);
      importCpu.push(cpu);
    };
    const runReference = async () => references.push((await floorInsert(c.id, user, n, true)).cpu.ms);
    for (const run of r % 2 === 0 ? [runFloor, runImport, runReference] : [runReference, runImport, runFloor]) await run();
    console.log(`  round ${r + 1}: floor ${fmtMs(floors.at(-1)!)}, import ${fmtMs(imports.at(-1)!)} (reference: ${fmtMs(references.at(-1)!)})`);
  }
  await db.delete(teams).where(inArray(teams.id, made));
  printStatements();
  const importMs = median(imports);
  const floorMs = median(floors);
  const ratio = importMs / floorMs;
  console.log(
    `  median: floor (one INSERT statement) ${fmtMs(floorMs)}, importSecrets() ${fmtMs(importMs)} ` +
      `(parse + seal + secrets, values, audit, events; one transaction): ${ratio.toFixed(2)}x (goal <= ${IMPORT_GOAL}x: ${ratio <= IMPORT_GOAL ? "met" : "NOT MET"})`,
  );
  printCpu("  ", ["import", "floor"], importCpu, floorCpu, n, Boolean(process.env.DATABASE_URL));
  const referenceMs = median(references);
  console.log(
    `  for reference, not the goal's floor: one statement writing every row the import writes (secrets, values, version rows, ` +
      `audit events) ${fmtMs(referenceMs)}, ${(referenceMs / floorMs).toFixed(2)}x the floor; the import is ${(importMs / referenceMs).toFixed(2)}x it`,
  );
  return { importMs, floorMs, ratio };
}

import "server-only";
// Where the page's time goes on the database side: the real DAL call (`listSecrets`) timed in-process, and
// EXPLAIN ANALYZE of the list and count queries, built by the DAL's own secretListQueries (the one listSecrets
// runs), so the plan is the real query's.
import { performance } from "node:perf_hooks";
import { sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db/client";
import { listSecrets, secretListQueries } from "@/lib/dal/secrets";
import { ZListSecretsQuery } from "@/lib/validation/secrets";
import { fmtMs } from "./seed";

function rowsOf(res: unknown): Record<string, unknown>[] {
  return Array.isArray(res) ? res : ((res as { rows?: Record<string, unknown>[] }).rows ?? []);
}

async function explain(label: string, q: SQL): Promise<void> {
  const db = await getDb();
  const res = await db.execute(sql`EXPLAIN (ANALYZE, BUFFERS) ${q}`);
  console.log(`    -- ${label}`);
  for (const r of rowsOf(res)) console.log(`    ${String(Object.values(r)[0])}`);
}

/** EXPLAIN ANALYZE of the list query and the count query for one team and one page query: the DAL's own builders. */
export async function explainList(teamId: string, raw: Record<string, string>): Promise<void> {
  const { rows, total } = secretListQueries(await getDb(), teamId, ZListSecretsQuery.parse(raw), new Date());
  await explain(`list ${JSON.stringify(raw)}`, rows.getSQL());
  await explain(`count ${JSON.stringify(raw)}`, total.getSQL());
}

/** Median time of the real DAL call, so server time can be split into database and rendering. */
export async function timeDal(actor: { id: string; label: string }, slug: string, raw: Record<string, string>, n: number): Promise<number[]> {
  const query = ZListSecretsQuery.parse(raw);
  for (let i = 0; i < 3; i++) await listSecrets(actor, slug, query);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await listSecrets(actor, slug, query);
    out.push(performance.now() - t0);
  }
  return out;
}

export { fmtMs };

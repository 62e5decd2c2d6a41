import "server-only";
// Where the page's time goes on the database side: the real DAL call (`listSecrets`) timed in-process, and
// EXPLAIN ANALYZE of the list and count queries. The two queries are rebuilt here in the shape listSecrets
// uses (same WHERE, ORDER BY, LIMIT/OFFSET); keep them in step with lib/dal/secrets.ts.
import { performance } from "node:perf_hooks";
import { and, count, eq, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb } from "@/db/client";
import { secrets, users } from "@/db/schema";
import { listSecrets, SECRET_LIST_ORDER } from "@/lib/dal/secrets";
import { containsIgnoreCase } from "@/lib/dal/sql";
import { ZListSecretsQuery } from "@/lib/validation/secrets";
import { fmtMs } from "./seed";

const updater = alias(users, "updater");
function rowsOf(res: unknown): Record<string, unknown>[] {
  return Array.isArray(res) ? res : ((res as { rows?: Record<string, unknown>[] }).rows ?? []);
}

async function explain(label: string, q: SQL): Promise<void> {
  const db = await getDb();
  const res = await db.execute(sql`EXPLAIN (ANALYZE, BUFFERS) ${q}`);
  console.log(`    -- ${label}`);
  for (const r of rowsOf(res)) console.log(`    ${String(Object.values(r)[0])}`);
}

/** EXPLAIN ANALYZE of the list query and the count query for one team and one page query. */
export async function explainList(teamId: string, raw: Record<string, string>): Promise<void> {
  const db = await getDb();
  const query = ZListSecretsQuery.parse(raw);
  const where = and(
    eq(secrets.teamId, teamId),
    query.q ? containsIgnoreCase(secrets.name, query.q) : undefined,
  );
  const list = db
    .select({
      id: secrets.id,
      name: secrets.name,
      visibility: secrets.visibility,
      version: secrets.version,
      fingerprint: secrets.fingerprint,
      createdAt: secrets.createdAt,
      updatedAt: secrets.updatedAt,
      updaterName: updater.name,
      updaterEmail: updater.email,
    })
    .from(secrets)
    .leftJoin(updater, eq(updater.id, secrets.updatedBy))
    .where(where)
    .orderBy(...SECRET_LIST_ORDER[query.sort])
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize);
  const total = db.select({ n: count() }).from(secrets).where(where);
  await explain(`list ${JSON.stringify(raw)}`, list.getSQL());
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

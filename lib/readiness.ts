import "server-only";
// Readiness: is this instance fit to take traffic? Checked by GET /api/ready (and load balancers).
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { keyProviderHealth } from "@/lib/crypto";

export type TReadiness = { ready: boolean; reason: "ok" | "draining" | "migrating" | "migrations_pending" | "database_unreachable" | "key_provider_unavailable" };

const DRAINING = Symbol.for("team-secrets.draining");
const CHECK_TIMEOUT_MS = 2000;

function journalLength(): number {
  const file = path.join(/* turbopackIgnore: true */ process.cwd(), "db", "migrations", "meta", "_journal.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { entries: unknown[] }).entries.length;
}

const timeout = <T>(p: Promise<T>, what: TReadiness["reason"]) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(Object.assign(new Error(what), { reason: what })), CHECK_TIMEOUT_MS).unref())]);

export async function readiness(): Promise<TReadiness> {
  if ((globalThis as Record<symbol, unknown>)[DRAINING] === true) return { ready: false, reason: "draining" };
  try {
    // getDb() resolves once this instance's migrations are applied (it may wait for another instance's).
    const db = await timeout(getDb(), "migrating");
    const res = await timeout(db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`), "database_unreachable");
    const rows = Array.isArray(res) ? res : (res as { rows: unknown[] }).rows;
    const applied = Number((rows[0] as { n: number }).n);
    if (applied < journalLength()) return { ready: false, reason: "migrations_pending" };
    // A provider outage makes every read fail: take this instance out of rotation (the probe is cached 5 s).
    if (!(await keyProviderHealth()).ok) return { ready: false, reason: "key_provider_unavailable" };
    return { ready: true, reason: "ok" };
  } catch (err) {
    const reason = (err as { reason?: TReadiness["reason"] }).reason ?? "database_unreachable";
    return { ready: false, reason };
  }
}

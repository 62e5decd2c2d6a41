// Test fixtures for integration tests: real users (through the users DAL), real teams (through the teams
// DAL), and raw views of the database to check what a call did or did not change. Emails and names carry a
// random run id because the same Postgres database may serve several runs and several files at once.
import { randomBytes } from "node:crypto";
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { auditEvents, memberships, secrets, secretValues, teams, type TRole } from "@/db/schema";
import { createTeam } from "@/lib/dal/teams";
import { createUser, type TSessionUser } from "@/lib/dal/users";
import type { TAttemptResult } from "@/lib/jobs/webhook-delivery";
import type { TActor } from "@/lib/types/actor";
import type { TWebhookInput } from "@/lib/validation/webhooks";

export const runId = () => randomBytes(5).toString("hex");

export type TTestUser = TSessionUser & { actor: TActor };
export type TTestTeam = { id: string; slug: string };

export async function makeUser(label: string): Promise<TTestUser> {
  const email = `${label}-${runId()}@test.example`;
  const user = await createUser({ name: label, email, password: `pw-${runId()}-${runId()}` });
  // Same shape as lib/session.ts actorOf.
  return { ...user, actor: { id: user.id, label: user.email } };
}

/** Users `<prefix>-<label>`, made in parallel (argon2 hashing dominates), in label order. */
export const makeUsers = (prefix: string, labels: readonly string[]): Promise<TTestUser[]> =>
  Promise.all(labels.map((label) => makeUser(`${prefix}-${label}`)));

/** A team created by `owner` through the DAL, plus extra members inserted directly (setup, not under test). */
export async function makeTeam(
  owner: TTestUser,
  members: { user: TTestUser; role: TRole }[] = [],
): Promise<TTestTeam> {
  const { slug } = await createTeam(owner.actor, `Team ${runId()}`);
  const db = await getDb();
  const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.slug, slug));
  if (!team) throw new Error("team not found after createTeam");
  if (members.length) {
    await db.insert(memberships).values(members.map((m) => ({ teamId: team.id, userId: m.user.id, role: m.role })));
  }
  return { id: team.id, slug };
}

/** An Owner, an Admin and an Editor (`<prefix>-owner`, …) of one new team, plus an Editor for each of `moreEditors`. */
export async function makeRoleTeam(prefix: string, moreEditors: string[] = []) {
  const owner = await makeUser(`${prefix}-owner`);
  const admin = await makeUser(`${prefix}-admin`);
  const editor = await makeUser(`${prefix}-editor`);
  const more: TTestUser[] = [];
  for (const label of moreEditors) more.push(await makeUser(`${prefix}-${label}`));
  const team = await makeTeam(owner, [
    { user: admin, role: "admin" },
    { user: editor, role: "editor" },
    ...more.map((user) => ({ user, role: "editor" as const })),
  ]);
  return { owner, admin, editor, more, team };
}

/** A webhook to save: `<prefix>-<run id>`, POST to `url`, no headers, payload, events or secrets unless `over` sets them. */
export const webhookInput = (prefix: string, url: string, over: Partial<TWebhookInput> = {}): TWebhookInput => ({
  name: `${prefix}-${runId()}`,
  url,
  method: "POST",
  headers: [],
  payload: "",
  events: [],
  secretIds: [],
  ...over,
});

/** FormData as a browser submits these fields (what a server action receives). */
export function form(fields: Record<string, string | File>): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
}

/** The attempt a Send test or redelivery made at once (fails the test if the delivery was only queued). */
export function sentAtOnce(r: TAttemptResult | { deliveryId: string; status: "queued" }): TAttemptResult {
  if (!("outcome" in r)) throw new Error("expected the delivery to be sent at once, but it was only queued");
  return r;
}

export type TSnapshot = {
  counts: { secrets: number; secretValues: number; auditEvents: number };
  secrets: unknown[];
  secretValues: unknown[];
};

/** Every secret, ciphertext and the audit count of these teams, to compare before and after a call. */
export async function snapshot(teamIds: string[]): Promise<TSnapshot> {
  const db = await getDb();
  const s = await db.select().from(secrets).where(inArray(secrets.teamId, teamIds)).orderBy(asc(secrets.id));
  const v = await db
    .select()
    .from(secretValues)
    .where(inArray(secretValues.teamId, teamIds))
    .orderBy(asc(secretValues.secretId));
  const [a] = await db.select({ n: count() }).from(auditEvents).where(inArray(auditEvents.teamId, teamIds));
  return {
    counts: { secrets: s.length, secretValues: v.length, auditEvents: a?.n ?? 0 },
    secrets: s,
    secretValues: v,
  };
}

/** The audit rows of `action` in a team, only those about `targetId` when it is given, as stored. */
export async function auditRows(teamId: string, action: string, targetId?: string) {
  const db = await getDb();
  const about = targetId === undefined ? undefined : eq(auditEvents.targetId, targetId);
  return db.select().from(auditEvents).where(and(eq(auditEvents.teamId, teamId), eq(auditEvents.action, action), about));
}

/** Names of the public tables whose rows contain `needle` anywhere (any column, as text). */
export async function tablesContaining(needle: string): Promise<string[]> {
  const db = await getDb();
  const tables = (await db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  )) as unknown;
  const names = rowsOf<{ table_name: string }>(tables).map((r) => r.table_name);
  if (names.length < 5) throw new Error(`expected the app's tables, found ${names.join(", ")}`);
  const hits: string[] = [];
  for (const name of names) {
    if (!/^[a-z_]+$/.test(name)) throw new Error(`unexpected table name ${name}`);
    const res = await db.execute(
      sql`select count(*)::int as n from ${sql.identifier(name)} t where strpos(t::text, ${needle}) > 0`,
    );
    if ((rowsOf<{ n: number }>(res)[0]?.n ?? 0) > 0) hits.push(name);
  }
  return hits;
}

/** Rows of `db.execute`, which differ by driver (postgres.js: an array; PGlite: `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** The AppError (or other error) a call rejects with; fails the test when it resolves. */
export async function errorOf(p: Promise<unknown>): Promise<Error & { code?: string; fieldErrors?: Record<string, string[]> }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error("expected the call to fail, but it succeeded");
}

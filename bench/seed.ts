import "server-only";
// Benchmark data: two teams (10 and 10,000 secrets) and one member of both, written in batches with real
// envelope encryption so the rows look exactly like the app's. Values are random and never printed.
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { memberships, secrets, secretValues, teams, users, type TRole } from "@/db/schema";
import { encryptSecretValue } from "@/lib/crypto";
import { getFingerprintKey } from "@/lib/dal/key-material";

// The prefixes at even positions contain "KEY", so `?q=key` matches ceil(size / 2) of a team's secrets.
const PREFIXES = ["API_KEY", "DB_PASSWORD", "STRIPE_KEY", "SMTP_PASSWORD", "AWS_SECRET_KEY", "WEBHOOK_TOKEN", "JWT_SIGNING_KEY", "OAUTH_CLIENT"];
export const FILTER_QUERY = "key";
const BATCH = 500;

export type TBenchTeam = { id: string; slug: string; size: number };
export type TBenchSeed = { user: { id: string; name: string; email: string }; teams: TBenchTeam[] };

function secretName(i: number): string {
  return `${PREFIXES[i % PREFIXES.length]}_${String(i).padStart(5, "0")}`;
}

/** Inserts `size` secrets into a team in batches; returns the time spent and how much of it was crypto. */
async function seedSecrets(teamId: string, userId: string, size: number): Promise<{ ms: number; cryptoMs: number }> {
  const db = await getDb();
  const fpKey = await getFingerprintKey(db);
  const started = performance.now();
  let cryptoMs = 0;
  const now = Date.now();
  for (let from = 0; from < size; from += BATCH) {
    const rows: (typeof secrets.$inferInsert)[] = [];
    const values: (typeof secretValues.$inferInsert)[] = [];
    for (let i = from; i < Math.min(size, from + BATCH); i++) {
      const id = crypto.randomUUID();
      const version = 1 + (i % 4);
      const c0 = performance.now();
      // Sealed for the version stored with it, so the values open (the API benchmark reads them).
      const sealed = await encryptSecretValue(`bench_${randomBytes(24).toString("base64url")}`, { teamId, secretId: id, version }, fpKey);
      cryptoMs += performance.now() - c0;
      // Spread timestamps over ~a week, in an order unrelated to the name, so every sort does real work.
      const updatedAt = new Date(now - ((i * 7919) % size) * 60_000);
      rows.push({
        id,
        teamId,
        name: secretName(i),
        visibility: i % 3 === 0 ? "restricted" : "masked",
        version,
        fingerprint: sealed.fingerprint,
        createdAt: updatedAt,
        createdBy: userId,
        updatedAt,
        updatedBy: userId,
      });
      values.push({ secretId: id, teamId, version, ciphertext: sealed.ciphertext, keyId: sealed.keyId });
    }
    await db.transaction(async (tx) => {
      await tx.insert(secrets).values(rows);
      await tx.insert(secretValues).values(values);
    });
  }
  return { ms: performance.now() - started, cryptoMs };
}

export async function seedBench(runId: string, sizes: number[], role: TRole): Promise<TBenchSeed> {
  const db = await getDb();
  const [user] = await db
    .insert(users)
    .values({ name: "Bench Member", email: `bench-${runId}@example.com` })
    .returning({ id: users.id, name: users.name, email: users.email });
  if (!user) throw new Error("user insert returned nothing");
  const out: TBenchTeam[] = [];
  for (const size of sizes) {
    const slug = `bench-${size}-${runId}`;
    const [team] = await db.insert(teams).values({ slug, name: `Bench ${size}` }).returning({ id: teams.id });
    if (!team) throw new Error("team insert returned nothing");
    await db.insert(memberships).values({ teamId: team.id, userId: user.id, role });
    const t = await seedSecrets(team.id, user.id, size);
    const perSec = size / (t.ms / 1000);
    console.log(
      `  seeded ${String(size).padStart(6)} secrets into ${slug}: ${fmtMs(t.ms)} total, ${fmtMs(t.cryptoMs)} in crypto ` +
        `(${Math.round(perSec)} secrets/s, batches of ${BATCH})`,
    );
    out.push({ id: team.id, slug, size });
  }
  // Fresh statistics, as autovacuum would have them on a real server after a bulk load.
  await db.execute(sql.raw("ANALYZE secrets, secret_values, memberships, teams, users"));
  return { user, teams: out };
}

/** Removes what seedBench wrote (used against a shared DATABASE_URL; a PGlite run's directory is simply left). */
export async function unseedBench(seeded: TBenchSeed): Promise<void> {
  const db = await getDb();
  await db.delete(teams).where(inArray(teams.id, seeded.teams.map((t) => t.id)));
  await db.delete(users).where(inArray(users.id, [seeded.user.id]));
}

export const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

/** The secrets API's benchmark data: one team of 10 secrets and an access token bound to all of them (never printed). */
export async function seedTokenTeam(runId: string): Promise<{ seeded: TBenchSeed; token: string }> {
  const { createAccessToken } = await import("@/lib/dal/access-tokens");
  const seeded = await seedBench(runId, [10], "admin");
  const team = seeded.teams[0]!;
  const db = await getDb();
  const names = (await db.select({ name: secrets.name }).from(secrets).where(eq(secrets.teamId, team.id))).map((r) => r.name);
  const { token } = await createAccessToken({
    actor: { id: seeded.user.id, label: seeded.user.email },
    teamSlug: team.slug,
    data: { name: "bench", secrets: names.map((name) => ({ name, env: "" })), expires: "never", cidrs: [] },
  });
  return { seeded, token };
}

import "server-only";
// Demo and test data for local use: users of every role in team "Acme" and an outsider in team "Globex".
// Idempotent; refuses to run in production. Demo secret values are random and never printed.
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { encryptSecretValue } from "@/lib/crypto";
import { getFingerprintKey } from "@/lib/dal/key-material";
import { hashPassword } from "@/lib/dal/users";
import { isProduction } from "@/lib/env";
import { getDb } from "./client";
import { memberships, secrets, secretValues, secretVersions, teams, users, type TRole } from "./schema";

export const SEED_PASSWORD_DEFAULT = "correct horse battery staple";

export const SEED_USERS: { email: string; name: string; team: string; role: TRole }[] = [
  { email: "owner@example.com", name: "Olivia Owner", team: "acme", role: "owner" },
  { email: "admin@example.com", name: "Adam Admin", team: "acme", role: "admin" },
  { email: "editor@example.com", name: "Edith Editor", team: "acme", role: "editor" },
  { email: "outsider@example.com", name: "Oscar Outsider", team: "globex", role: "owner" },
];

const SEED_TEAMS = [
  { slug: "acme", name: "Acme" },
  { slug: "globex", name: "Globex" },
];

const DEMO_SECRETS = [
  { team: "acme", name: "STRIPE_API_KEY", visibility: "masked" as const },
  { team: "acme", name: "DATABASE_PASSWORD", visibility: "restricted" as const },
  { team: "globex", name: "GLOBEX_TOKEN", visibility: "masked" as const },
  // Rotate every 90 days, value set 100 days ago: shows "Rotation due", the Due filter and the tab's badge
  // (nothing in the UI can age a value). In Globex, so Acme's table stays as the e2e specs expect it.
  { team: "globex", name: "GLOBEX_SIGNING_KEY", visibility: "masked" as const, rotateEveryDays: 90, setDaysAgo: 100 },
];

export async function seed(password = SEED_PASSWORD_DEFAULT): Promise<{ users: number; teams: number; secrets: number }> {
  if (isProduction()) throw new Error("Refusing to seed a production database.");
  const db = await getDb();
  const fpKey = await getFingerprintKey(db);
  const passwordHash = await hashPassword(password);
  const counts = { users: 0, teams: 0, secrets: 0 };
  await db.transaction(async (tx) => {
    const teamIds = new Map<string, string>();
    for (const t of SEED_TEAMS) {
      const inserted = await tx.insert(teams).values(t).onConflictDoNothing().returning({ id: teams.id });
      counts.teams += inserted.length;
      const [row] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.slug, t.slug));
      teamIds.set(t.slug, row!.id);
    }
    for (const u of SEED_USERS) {
      const inserted = await tx
        .insert(users)
        .values({ email: u.email, name: u.name, passwordHash })
        .onConflictDoNothing()
        .returning({ id: users.id });
      counts.users += inserted.length;
      const [row] = await tx.select({ id: users.id }).from(users).where(eq(users.email, u.email));
      await tx.insert(memberships).values({ teamId: teamIds.get(u.team)!, userId: row!.id, role: u.role }).onConflictDoNothing();
    }
    const [owner] = await tx.select({ id: users.id }).from(users).where(eq(users.email, "owner@example.com"));
    for (const s of DEMO_SECRETS) {
      const teamId = teamIds.get(s.team)!;
      const [exists] = await tx
        .select({ id: secrets.id })
        .from(secrets)
        .where(and(eq(secrets.teamId, teamId), eq(secrets.name, s.name)));
      if (exists) continue;
      const id = crypto.randomUUID();
      const sealed = await encryptSecretValue(`demo_${randomBytes(18).toString("base64url")}`, { teamId, secretId: id, version: 1 }, fpKey);
      await tx.insert(secrets).values({
        id,
        teamId,
        name: s.name,
        visibility: s.visibility,
        fingerprint: sealed.fingerprint,
        createdBy: owner?.id,
        updatedBy: owner?.id,
        ...("rotateEveryDays" in s ? { rotateEveryDays: s.rotateEveryDays, valueSetAt: new Date(Date.now() - (s.setDaysAgo ?? 0) * 86_400_000) } : {}),
      });
      await tx.insert(secretValues).values({ secretId: id, teamId, version: 1, ciphertext: sealed.ciphertext, keyId: sealed.keyId });
      // Its history row (source left unset: seeded, neither the UI, an import nor the API).
      await tx.insert(secretVersions).values({ secretId: id, teamId, version: 1, createdBy: owner?.id, createdByLabel: "owner@example.com", fingerprint: sealed.fingerprint });
      counts.secrets++;
    }
  });
  return counts;
}

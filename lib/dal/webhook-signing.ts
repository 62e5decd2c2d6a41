import "server-only";
// Webhook signing secrets (Standard Webhooks): made when a webhook is created, shown once to Owners/Admins,
// rotated with a 24-hour overlap during which deliveries carry signatures under both the old and the new
// secret. Only ciphertext is stored (lib/crypto/webhook-signing.ts seals it with its own associated data).
import { and, desc, eq, gt, isNull, lte, max, or, sql } from "drizzle-orm";
import { getDb, type Database, type Executor } from "@/db/client";
import { webhooks, webhookSigningSecrets } from "@/db/schema";
import { newWebhookSigningSecret, type TSigningKeyRef } from "@/lib/crypto/webhook-signing";
import { AppError } from "@/lib/errors";
import { recordCallAudit } from "./audit";
import { authorizeTeam, type TTeamCall } from "./team-scope";

/** How long a rotated-out signing secret still signs deliveries (alongside the new one). */
const SIGNING_ROTATION_OVERLAP_HOURS = 24;

/** Inside the caller's transaction: stores a new current signing secret of a webhook; returns the plaintext. */
export async function insertSigningSecretTx(tx: Executor, teamId: string, webhookId: string, version: number): Promise<string> {
  const made = await newWebhookSigningSecret(teamId, webhookId, version);
  await tx.insert(webhookSigningSecrets).values({ webhookId, teamId, version, ciphertext: made.ciphertext });
  return made.secret;
}

/** Owners/Admins: a new signing secret (shown once); the previous one keeps signing for 24 hours. */
export async function rotateSigningSecret(input: TTeamCall & { webhookId: string }): Promise<{ name: string; signingSecret: string; previousValidUntil: string | null }> {
  const { db, team } = await authorizeTeam(input, "webhooks.signing_secret");
  return db.transaction(async (tx) => {
    const [hook] = await tx
      .select({ id: webhooks.id, name: webhooks.name })
      .from(webhooks)
      .where(and(eq(webhooks.id, input.webhookId), eq(webhooks.teamId, team.id)))
      .for("update");
    if (!hook) throw new AppError("not_found", "This webhook no longer exists.");
    const own = and(eq(webhookSigningSecrets.webhookId, hook.id), eq(webhookSigningSecrets.teamId, team.id));
    // Secrets past their overlap sign nothing any more: drop their ciphertext.
    await tx.delete(webhookSigningSecrets).where(and(own, lte(webhookSigningSecrets.retiresAt, sql`now()`)));
    const [retired] = await tx
      .update(webhookSigningSecrets)
      .set({ retiresAt: sql`now() + ${`${SIGNING_ROTATION_OVERLAP_HOURS} hours`}::interval` })
      .where(and(own, isNull(webhookSigningSecrets.retiresAt)))
      .returning({ version: webhookSigningSecrets.version, retiresAt: webhookSigningSecrets.retiresAt });
    const [last] = await tx.select({ v: max(webhookSigningSecrets.version) }).from(webhookSigningSecrets).where(own);
    const version = (last?.v ?? 0) + 1;
    const signingSecret = await insertSigningSecretTx(tx, team.id, hook.id, version);
    const previousValidUntil = retired?.retiresAt ? retired.retiresAt.toISOString() : null;
    await recordCallAudit(tx, input, team.id, {
      action: "webhook.signing_secret_rotated",
      target: { type: "webhook", id: hook.id, name: hook.name, version },
      metadata: { previousVersion: retired?.version ?? null, previousValidUntil },
    });
    return { name: hook.name, signingSecret, previousValidUntil };
  });
}

/**
 * The keys that sign a delivery now: the current one and any rotated out less than 24 hours ago, newest
 * first. A webhook made before signing existed gets its first secret here (an Owner/Admin sees it by
 * rotating), so every delivery is signed.
 */
export async function liveSigningKeys(teamId: string, webhookId: string): Promise<TSigningKeyRef[]> {
  const db = await getDb();
  const select = () =>
    db
      .select({ teamId: webhookSigningSecrets.teamId, webhookId: webhookSigningSecrets.webhookId, version: webhookSigningSecrets.version, ciphertext: webhookSigningSecrets.ciphertext, retiresAt: webhookSigningSecrets.retiresAt })
      .from(webhookSigningSecrets)
      .where(
        and(
          eq(webhookSigningSecrets.webhookId, webhookId),
          eq(webhookSigningSecrets.teamId, teamId),
          or(isNull(webhookSigningSecrets.retiresAt), gt(webhookSigningSecrets.retiresAt, sql`now()`)),
        ),
      )
      .orderBy(desc(webhookSigningSecrets.version));
  let rows = await select();
  if (!rows.some((r) => r.retiresAt === null)) {
    await ensureCurrentSigningSecret(db, teamId, webhookId);
    rows = await select();
  }
  return rows.map(({ retiresAt: _retiresAt, ...k }) => k);
}

async function ensureCurrentSigningSecret(db: Database, teamId: string, webhookId: string) {
  await db.transaction(async (tx) => {
    const [hook] = await tx
      .select({ id: webhooks.id })
      .from(webhooks)
      .where(and(eq(webhooks.id, webhookId), eq(webhooks.teamId, teamId)))
      .for("update");
    if (!hook) return;
    const [current] = await tx
      .select({ id: webhookSigningSecrets.id })
      .from(webhookSigningSecrets)
      .where(and(eq(webhookSigningSecrets.webhookId, webhookId), eq(webhookSigningSecrets.teamId, teamId), isNull(webhookSigningSecrets.retiresAt)));
    if (current) return;
    const [last] = await tx
      .select({ v: max(webhookSigningSecrets.version) })
      .from(webhookSigningSecrets)
      .where(and(eq(webhookSigningSecrets.webhookId, webhookId), eq(webhookSigningSecrets.teamId, teamId)));
    await insertSigningSecretTx(tx, teamId, webhookId, (last?.v ?? 0) + 1);
  });
}

/** Per webhook of a team: when its previous signing secret stops signing (null: no rotation in progress). */
export async function signingOverlaps(db: Executor, teamId: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ webhookId: webhookSigningSecrets.webhookId, until: max(webhookSigningSecrets.retiresAt) })
    .from(webhookSigningSecrets)
    .where(and(eq(webhookSigningSecrets.teamId, teamId), gt(webhookSigningSecrets.retiresAt, sql`now()`)))
    .groupBy(webhookSigningSecrets.webhookId);
  return new Map(rows.filter((r) => r.until).map((r) => [r.webhookId, new Date(r.until as unknown as string).toISOString()]));
}

import "server-only";
// Bulk import of secrets from a .env or JSON file (Owners and Admins). The preview says, per name, what
// would happen (new / already exists / invalid and why) and never carries a value. The import itself
// re-parses the same text (the preview is not trusted) and writes everything in one transaction: every
// new secret and chosen rotation with its audit event, or nothing.
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { secrets, secretValues, type TVisibility } from "@/db/schema";
import { requireTeamPermission } from "@/lib/authz";
import { encryptSecretValue } from "@/lib/crypto";
import { AppError } from "@/lib/errors";
import { parseSecretsFile, type TImportFormat } from "@/lib/secret-import/parse";
import { recordAudit, type TActor, type TRequestMeta } from "./audit";
import { isUniqueViolation } from "./pg-errors";

export type TImportState = "new" | "exists" | "invalid";
export type TImportPreviewEntry = { name: string; state: TImportState; reason: string | null; visibility: TVisibility | null };
export type TImportPreview = { format: TImportFormat; entries: TImportPreviewEntry[] };
export type TImportResult = { created: number; rotated: number; skipped: number; invalid: number };

function parseOrThrow(text: string, fileName: string | null) {
  const parsed = parseSecretsFile(text, fileName);
  if (parsed.error) throw new AppError("validation", parsed.error, { text: [parsed.error] });
  return parsed;
}

async function existingByLowerName(db: Parameters<typeof recordAudit>[0], teamId: string, names: string[], lock: boolean) {
  if (names.length === 0) return new Map<string, { id: string; name: string; version: number; visibility: TVisibility }>();
  const q = db
    .select({ id: secrets.id, name: secrets.name, version: secrets.version, visibility: secrets.visibility })
    .from(secrets)
    .where(and(eq(secrets.teamId, teamId), inArray(sql`lower(${secrets.name})`, names.map((n) => n.toLowerCase()))));
  const rows = lock ? await q.for("update") : await q;
  return new Map(rows.map((r) => [r.name.toLowerCase(), r]));
}

export async function previewImport(actor: TActor, teamSlug: string, text: string, fileName: string | null): Promise<TImportPreview> {
  const db = await getDb();
  const { team } = await requireTeamPermission(db, actor.id, teamSlug, "secrets.write");
  const parsed = parseOrThrow(text, fileName);
  const valid = parsed.entries.filter((e) => !e.problem);
  const existing = await existingByLowerName(db, team.id, valid.map((e) => e.name), false);
  return {
    format: parsed.format,
    entries: parsed.entries.map((e) => {
      if (e.problem) return { name: e.name.slice(0, 80), state: "invalid", reason: e.problem, visibility: null };
      const found = existing.get(e.name.toLowerCase());
      return found
        ? { name: found.name, state: "exists", reason: null, visibility: found.visibility }
        : { name: e.name, state: "new", reason: null, visibility: null };
    }),
  };
}

export async function importSecrets(input: {
  actor: TActor;
  teamSlug: string;
  text: string;
  fileName: string | null;
  visibility: TVisibility;
  /** Names (any case) of existing secrets to rotate to the file's value; other existing names are skipped. */
  rotate: string[];
  meta?: TRequestMeta;
}): Promise<TImportResult> {
  const db = await getDb();
  const { team } = await requireTeamPermission(db, input.actor.id, input.teamSlug, "secrets.write");
  const parsed = parseOrThrow(input.text, input.fileName);
  const valid = parsed.entries.filter((e) => !e.problem);
  const invalid = parsed.entries.length - valid.length;
  if (valid.length === 0) throw new AppError("validation", "Nothing to import: every entry is invalid.", { text: ["Nothing to import: every entry is invalid."] });
  const rotate = new Set(input.rotate.map((n) => n.toLowerCase()));
  const result: TImportResult = { created: 0, rotated: 0, skipped: 0, invalid };
  try {
    await db.transaction(async (tx) => {
      const existing = await existingByLowerName(tx, team.id, valid.map((e) => e.name), true);
      for (const e of valid) {
        const found = existing.get(e.name.toLowerCase());
        if (found && !rotate.has(found.name.toLowerCase())) {
          result.skipped++;
          continue;
        }
        if (found) {
          const version = found.version + 1;
          const sealed = encryptSecretValue(e.value, { teamId: team.id, secretId: found.id, version });
          await tx
            .update(secrets)
            .set({ version, fingerprint: sealed.fingerprint, updatedAt: sql`now()`, updatedBy: input.actor.id })
            .where(and(eq(secrets.id, found.id), eq(secrets.teamId, team.id)));
          const updated = await tx
            .update(secretValues)
            .set({ version, ciphertext: sealed.ciphertext })
            .where(and(eq(secretValues.secretId, found.id), eq(secretValues.teamId, team.id)))
            .returning({ secretId: secretValues.secretId });
          if (updated.length !== 1) throw new Error("secret_values row missing for an existing secret");
          await recordAudit(tx, {
            teamId: team.id,
            actor: input.actor,
            action: "secret.rotated",
            targetType: "secret",
            targetId: found.id,
            targetName: found.name,
            version,
            metadata: { via: "import" },
            meta: input.meta,
          });
          result.rotated++;
          continue;
        }
        const id = crypto.randomUUID();
        const sealed = encryptSecretValue(e.value, { teamId: team.id, secretId: id, version: 1 });
        await tx.insert(secrets).values({
          id,
          teamId: team.id,
          name: e.name,
          visibility: input.visibility,
          version: 1,
          fingerprint: sealed.fingerprint,
          createdBy: input.actor.id,
          updatedBy: input.actor.id,
        });
        await tx.insert(secretValues).values({ secretId: id, teamId: team.id, version: 1, ciphertext: sealed.ciphertext });
        await recordAudit(tx, {
          teamId: team.id,
          actor: input.actor,
          action: "secret.created",
          targetType: "secret",
          targetId: id,
          targetName: e.name,
          version: 1,
          metadata: { visibility: input.visibility, via: "import" },
          meta: input.meta,
        });
        result.created++;
      }
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError("conflict", "Someone added a secret with one of these names while you were importing. Nothing was imported; check the preview again.");
    }
    throw err;
  }
  return result;
}

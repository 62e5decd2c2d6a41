import "server-only";
// Bulk import of secrets from a .env or JSON file (Owners and Admins). The preview says, per name, what
// would happen (new / already exists / invalid and why) and never carries a value. The import itself
// re-parses the same text (the preview is not trusted) and writes everything in one transaction: every
// new secret and chosen rotation with its audit event, or nothing.
import { and, eq, sql } from "drizzle-orm";
import { type Executor } from "@/db/client";
import { secrets, type TVisibility } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { parseSecretsFile } from "@/lib/secret-import/parse";
import { isUniqueViolation } from "@/db/errors";
import { insertSecretsTx, writeNewVersionTx } from "./secrets";
import { authorizeTeam, type TTeamCall } from "./team-scope";
import type { TActor } from "@/lib/types/actor";
import type { TImportPreview, TImportPreviewEntry, TImportResult } from "@/lib/types/secret-import";

function parseOrThrow(text: string, fileName: string | null) {
  const parsed = parseSecretsFile(text, fileName);
  if (parsed.error) throw new AppError("validation", parsed.error, { text: [parsed.error] });
  return parsed;
}

async function existingByLowerName(db: Executor, teamId: string, names: string[], lock: boolean) {
  if (names.length === 0) return new Map<string, { id: string; name: string; version: number; visibility: TVisibility }>();
  const q = db
    .select({ id: secrets.id, name: secrets.name, version: secrets.version, visibility: secrets.visibility })
    .from(secrets)
    // One array parameter (= ANY), not one bind parameter per name: 10,000 names stay one small statement.
    .where(and(eq(secrets.teamId, teamId), sql`lower(${secrets.name}) = ANY(${sql.param(names.map((n) => n.toLowerCase()))}::text[])`));
  const rows = lock ? await q.for("update") : await q;
  return new Map(rows.map((r) => [r.name.toLowerCase(), r]));
}

export async function previewImport(actor: TActor, teamSlug: string, text: string, fileName: string | null): Promise<TImportPreview> {
  const { db, team } = await authorizeTeam({ actor, teamSlug }, "secrets.write");
  const parsed = parseOrThrow(text, fileName);
  const valid = parsed.entries.filter((e) => !e.problem);
  const existing = await existingByLowerName(db, team.id, valid.map((e) => e.name), false);
  return {
    format: parsed.format,
    entries: parsed.entries.map((e): TImportPreviewEntry => {
      const line = e.line ?? null;
      if (e.problem) return { name: e.name.slice(0, 80), line, state: "invalid", reason: e.problem, visibility: null };
      const found = existing.get(e.name.toLowerCase());
      return found
        ? { name: found.name, line, state: "exists", reason: null, visibility: found.visibility }
        : { name: e.name, line, state: "new", reason: null, visibility: null };
    }),
  };
}

export async function importSecrets(input: TTeamCall & {
  text: string;
  fileName: string | null;
  visibility: TVisibility;
  /** Names (any case) of existing secrets to rotate to the file's value; other existing names are skipped. */
  rotate: string[];
  /** Hears how many of `total` entries are written, after each chunk (the import's progress bar). */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}): Promise<TImportResult> {
  const { db, team } = await authorizeTeam(input, "secrets.write");
  const parsed = parseOrThrow(input.text, input.fileName);
  const valid = parsed.entries.filter((e) => !e.problem);
  const invalid = parsed.entries.length - valid.length;
  if (valid.length === 0) throw new AppError("validation", "Nothing to import: every entry is invalid.", { text: ["Nothing to import: every entry is invalid."] });
  const rotate = new Set(input.rotate.map((n) => n.toLowerCase()));
  const result: TImportResult = { created: 0, rotated: 0, skipped: 0, invalid };
  try {
    await db.transaction(async (tx) => {
      const existing = await existingByLowerName(tx, team.id, valid.map((e) => e.name), true);
      const ctx = { teamId: team.id, actor: input.actor, meta: input.meta, source: "import" as const };
      const created: { name: string; value: string; visibility: TVisibility }[] = [];
      const rotations: { found: { id: string; name: string; version: number }; value: string }[] = [];
      for (const e of valid) {
        const found = existing.get(e.name.toLowerCase());
        if (found && !rotate.has(found.name.toLowerCase())) result.skipped++;
        else if (found) rotations.push({ found, value: e.value });
        else created.push({ name: e.name, value: e.value, visibility: input.visibility });
      }
      const total = created.length + rotations.length;
      await input.onProgress?.(0, total);
      // New secrets go in chunks of multi-row INSERTs (10,000 lines in about the time of one such statement).
      await insertSecretsTx(tx, ctx, created, { via: "import" }, (n) => input.onProgress?.(n, total));
      result.created = created.length;
      for (const r of rotations) {
        await writeNewVersionTx(tx, ctx, r.found, r.value, { via: "import" });
        result.rotated++;
        if (result.rotated % 100 === 0) await input.onProgress?.(created.length + result.rotated, total);
      }
      await input.onProgress?.(total, total);
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError("conflict", "Someone added a secret with one of these names while you were importing. Nothing was imported; check the preview again.");
    }
    throw err;
  }
  return result;
}

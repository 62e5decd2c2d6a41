"use server";
// Server actions of the bulk import dialog. The file's text travels to the server (the only place it is
// parsed); the answers carry names, states and counts, never a value.
import { taintValue } from "@/lib/crypto";
import { importSecrets, previewImport } from "@/lib/dal/secret-import";
import { runTeamAction } from "@/lib/team-action";
import { ZImportSecretsInput as ZImportInput, ZPreviewImportInput as ZPreviewInput } from "@/lib/validation/secret-import";

const secretsPath = (slug: string) => `/teams/${slug}/settings/secrets`;

/** The text holds values: React must never serialize it back (tainted for as long as this call's input lives). */
function taintText(input: unknown) {
  const text = (input as { text?: unknown } | null)?.text;
  if (typeof text === "string" && typeof input === "object" && input) taintValue(text, input);
}

export async function previewImportAction(teamSlug: unknown, input: unknown) {
  taintText(input);
  return runTeamAction("previewImport", teamSlug, ZPreviewInput, input, (ctx, data) =>
    previewImport(ctx.actor, ctx.teamSlug, data.text, data.fileName),
  );
}

export async function importSecretsAction(teamSlug: unknown, input: unknown) {
  taintText(input);
  return runTeamAction(
    "importSecrets",
    teamSlug,
    ZImportInput,
    input,
    (ctx, data) =>
      importSecrets({
        actor: ctx.actor,
        teamSlug: ctx.teamSlug,
        text: data.text,
        fileName: data.fileName,
        visibility: data.visibility,
        rotate: data.rotate,
        meta: ctx.meta,
      }),
    secretsPath,
  );
}

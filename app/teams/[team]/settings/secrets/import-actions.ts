"use server";
// Server actions of the bulk import dialog. The file's text travels to the server (the only place it is
// parsed); the answers carry names, states and counts, never a value.
import { z } from "zod";
import { taintValue } from "@/lib/crypto";
import { importSecrets, previewImport } from "@/lib/dal/secret-import";
import { runTeamAction } from "@/lib/team-action";
import { ZVisibility } from "@/lib/validation/secrets";

const secretsPath = (slug: string) => `/teams/${slug}/settings/secrets`;

const ZImportText = z.string({ error: "Upload a file or paste its contents." }).max(600 * 1024, "The file is larger than 512 KiB.");
const ZFileName = z.string().max(255).nullable().default(null);

const ZPreviewInput = z.object({ text: ZImportText, fileName: ZFileName });
const ZImportInput = z.object({
  text: ZImportText,
  fileName: ZFileName,
  visibility: ZVisibility.default("masked"),
  rotate: z.array(z.string().max(80)).max(1000).default([]),
});

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

// Zod schemas of the bulk import (server side: the preview and import actions and the streaming route).
import { z } from "zod";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ENTRIES } from "./secret-rules";
import { ZVisibility } from "./secrets";

// Characters, not bytes: the byte limit itself is the parser's (it says "larger than 4 MiB").
const ZImportText = z
  .string({ error: "Upload a file or paste its contents." })
  .max(IMPORT_MAX_BYTES + 64 * 1024, "The file is larger than 4 MiB.");
const ZFileName = z.string().max(255).nullable().default(null);

export const ZPreviewImportInput = z.object({ text: ZImportText, fileName: ZFileName });
export const ZImportSecretsInput = z.object({
  text: ZImportText,
  fileName: ZFileName,
  visibility: ZVisibility.default("masked"),
  rotate: z.array(z.string().max(80)).max(IMPORT_MAX_ENTRIES).default([]),
});
export type TImportSecretsInput = z.infer<typeof ZImportSecretsInput>;

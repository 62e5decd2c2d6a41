// Zod schemas for secrets, shared by the dialogs (instant feedback) and the server actions (the check).
import { z } from "zod";

export const SECRET_NAME_MAX = 64;
export const SECRET_VALUE_MAX_BYTES = 64 * 1024;

export const ZSecretName = z
  .string({ error: "Enter a name." })
  .trim()
  .min(1, "Enter a name.")
  .max(SECRET_NAME_MAX, `Names are at most ${SECRET_NAME_MAX} characters.`)
  .regex(/^[A-Za-z0-9_]+$/, "Use only letters, digits and underscores (_).")
  .regex(/^[^0-9]/, "A name cannot start with a digit.");

export const byteLength = (s: string) => new TextEncoder().encode(s).length;

export const ZSecretValue = z
  .string({ error: "Enter a secret value." })
  .refine((v) => v.trim().length > 0, "Enter a secret value.")
  .refine((v) => byteLength(v) <= SECRET_VALUE_MAX_BYTES, "The secret is larger than 64 KiB.");

export const ZVisibility = z.enum(["masked", "restricted"], { error: "Choose Masked or Restricted." });

export const ZCreateSecretInput = z.object({
  name: ZSecretName,
  value: ZSecretValue,
  visibility: ZVisibility,
});
export type TCreateSecretInput = z.infer<typeof ZCreateSecretInput>;

export const ZRotateSecretInput = z.object({
  secretId: z.uuid({ error: "Unknown secret." }),
  value: ZSecretValue,
  expectedVersion: z.coerce.number().int().positive(),
});
export type TRotateSecretInput = z.infer<typeof ZRotateSecretInput>;

export const ZDeleteSecretInput = z.object({
  secretId: z.uuid({ error: "Unknown secret." }),
  expectedVersion: z.coerce.number().int().positive(),
});

export const SECRET_SORTS = ["name", "-name", "updated", "-updated", "version", "-version"] as const;
export const ZListSecretsQuery = z.object({
  q: z.string().trim().max(SECRET_NAME_MAX).catch("").default(""),
  sort: z.enum(SECRET_SORTS).catch("name").default("name"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  pageSize: z.coerce.number().int().min(5).max(100).catch(25).default(25),
  /** Only this visibility (the webhook secret picker asks Editors' lists for Masked only). */
  visibility: z.enum(["masked", "restricted"]).optional().catch(undefined),
});
export type TListSecretsQuery = z.infer<typeof ZListSecretsQuery>;

/** Why an uploaded file cannot be a secret value, or null when it can. Runs in the browser and on the server. */
export function checkUploadedValue(fileName: string, text: string, size: number): string | null {
  if (size > SECRET_VALUE_MAX_BYTES) return "The file is larger than 64 KiB.";
  if (size === 0 || text.trim().length === 0) return "The file is empty.";
  if (/\.json$/i.test(fileName)) {
    try {
      JSON.parse(text);
    } catch {
      return "The file is not valid JSON.";
    }
  }
  return null;
}

export const ZTeamName = z
  .string({ error: "Enter a team name." })
  .trim()
  .min(2, "Team names are at least 2 characters.")
  .max(64, "Team names are at most 64 characters.");

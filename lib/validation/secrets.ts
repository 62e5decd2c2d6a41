// Zod schemas for secrets: the server actions' check. The rules themselves live in ./secret-rules.ts (no zod),
// which the dialogs import for instant feedback.
import { z } from "zod";
import { candidateValueProblem, SECRET_NAME_MAX, secretDescriptionProblem, secretNameProblem, secretValueProblem } from "./secret-rules";

export { byteLength, checkUploadedValue, SECRET_DESCRIPTION_MAX, SECRET_NAME_MAX, SECRET_VALUE_MAX_BYTES } from "./secret-rules";

/** The name as typed, trimmed; refused (never shortened) when a rule fails. */
export const ZSecretName = z
  .string({ error: "Enter a name." })
  .superRefine((v, ctx) => {
    const problem = secretNameProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((v) => v.trim());

export const ZSecretValue = z.string({ error: "Enter a secret value." }).superRefine((v, ctx) => {
  const problem = secretValueProblem(v);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Optional plain text (a missing or blank field is no description: null), trimmed; refused, never cut, when too long. */
export const ZSecretDescription = z
  .string({ error: "Enter the description as text." })
  .nullish()
  .superRefine((v, ctx) => {
    const problem = v ? secretDescriptionProblem(v) : null;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((v) => v?.trim() || null);

export const ZVisibility = z.enum(["masked", "restricted"], { error: "Choose Masked or Restricted." });

export const ZCreateSecretInput = z.object({
  name: ZSecretName,
  value: ZSecretValue,
  visibility: ZVisibility,
  description: ZSecretDescription,
});
export type TCreateSecretInput = z.infer<typeof ZCreateSecretInput>;

export const ZRotateSecretInput = z.object({
  secretId: z.uuid({ error: "Unknown secret." }),
  value: ZSecretValue,
  expectedVersion: z.coerce.number().int().positive(),
});
export type TRotateSecretInput = z.infer<typeof ZRotateSecretInput>;

export const ZCheckSecretValueInput = z.object({
  secretId: z.uuid({ error: "Unknown secret." }),
  candidate: z.string({ error: "Enter a candidate value." }).superRefine((v, ctx) => {
    const problem = candidateValueProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
});

export const ZDeleteSecretInput = z.object({
  secretId: z.uuid({ error: "Unknown secret." }),
  expectedVersion: z.coerce.number().int().positive(),
});

/** Edit details: what can change about a secret without touching its value (Owners and Admins). */
export const ZUpdateSecretDetailsInput = z.object({
  secretId: z.uuid({ error: "Unknown secret." }),
  description: ZSecretDescription,
});
export type TUpdateSecretDetailsInput = z.infer<typeof ZUpdateSecretDetailsInput>;

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

export const ZTeamName = z
  .string({ error: "Enter a team name." })
  .trim()
  .min(2, "Team names are at least 2 characters.")
  .max(64, "Team names are at most 64 characters.");

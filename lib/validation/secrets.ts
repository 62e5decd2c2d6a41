// Zod schemas for secrets: the server actions' check. The rules themselves live in ./secret-rules.ts (no zod),
// which the dialogs import for instant feedback.
import { z } from "zod";
import {
  candidateValueProblem,
  expiresOnProblem,
  rotateEveryDaysProblem,
  SECRET_NAME_MAX,
  secretDescriptionProblem,
  secretNameProblem,
  secretValueProblem,
} from "./secret-rules";
import { refuseWith } from "./refine";

export { byteLength, checkUploadedValue, SECRET_DESCRIPTION_MAX, SECRET_NAME_MAX, SECRET_VALUE_MAX_BYTES } from "./secret-rules";

/** The name as typed, trimmed; refused (never shortened) when a rule fails. */
export const ZSecretName = z
  .string({ error: "Enter a name." })
  .superRefine(refuseWith(secretNameProblem))
  .transform((v) => v.trim());

export const ZSecretValue = z.string({ error: "Enter a secret value." }).superRefine(refuseWith(secretValueProblem));

/** A blank optional text field is none (null); otherwise trimmed. */
const trimmedOrNull = (v: string | null | undefined) => v?.trim() || null;

/** Optional plain text (a missing or blank field is no description: null), trimmed; refused, never cut, when too long. */
export const ZSecretDescription = z
  .string({ error: "Enter the description as text." })
  .nullish()
  .superRefine(refuseWith((v) => (v ? secretDescriptionProblem(v) : null)))
  .transform(trimmedOrNull);

/** "Expires on": a calendar date 'YYYY-MM-DD' (UTC), or blank / null for none. */
const ZExpiresOn = z
  .string({ error: "Enter a date (YYYY-MM-DD)." })
  .nullable()
  .superRefine(refuseWith((v) => (v ? expiresOnProblem(v) : null)))
  .transform(trimmedOrNull);

/** "Rotate every (days)": a whole number 1..3650 (a form's text or a number), or blank / null for none. */
const ZRotateEveryDays = z
  .union([z.string(), z.number(), z.null()], { error: "Enter a whole number of days." })
  .superRefine(refuseWith((v) => (v === null ? null : rotateEveryDaysProblem(String(v)))))
  .transform((v) => (v === null || String(v).trim() === "" ? null : Number(String(v).trim())));

/** "Stop serving after expiry": a checkbox ("on" when ticked) or a boolean; missing or null is off. */
const ZStopServing = z
  .union([z.boolean(), z.enum(["on", "true", "false", "off"]), z.null()], { error: "Choose whether to stop serving after expiry." })
  .transform((v) => v === true || v === "on" || v === "true");

/** The lifecycle policy as a form or a caller sends it; each field optional (missing: none on create, unchanged on rotate/edit). */
const lifecycleFields = {
  expiresOn: ZExpiresOn.optional(),
  rotateEveryDays: ZRotateEveryDays.optional(),
  stopServingAfterExpiry: ZStopServing.optional(),
};

/** Which secret a change is for. */
const ZSecretId = z.uuid({ error: "Unknown secret." });

export const ZVisibility = z.enum(["masked", "restricted"], { error: "Choose Masked or Restricted." });

export const ZCreateSecretInput = z.object({
  name: ZSecretName,
  value: ZSecretValue,
  visibility: ZVisibility,
  description: ZSecretDescription,
  ...lifecycleFields,
});
export type TCreateSecretInput = z.infer<typeof ZCreateSecretInput>;

export const ZRotateSecretInput = z.object({
  secretId: ZSecretId,
  value: ZSecretValue,
  expectedVersion: z.coerce.number().int().positive(),
  // A rotation may set the policy at the same time (the Rotate dialog shows it); it restarts the period anyway.
  ...lifecycleFields,
});
export type TRotateSecretInput = z.infer<typeof ZRotateSecretInput>;

export const ZCheckSecretValueInput = z.object({
  secretId: ZSecretId,
  candidate: z.string({ error: "Enter a candidate value." }).superRefine(refuseWith(candidateValueProblem)),
});

export const ZDeleteSecretInput = z.object({
  secretId: ZSecretId,
  expectedVersion: z.coerce.number().int().positive(),
});

/** Edit details: what can change about a secret without touching its value (Owners and Admins). */
export const ZUpdateSecretDetailsInput = z.object({
  secretId: ZSecretId,
  description: ZSecretDescription.optional(),
  ...lifecycleFields,
});
export type TUpdateSecretDetailsInput = z.infer<typeof ZUpdateSecretDetailsInput>;

const SECRET_SORTS = ["name", "-name", "updated", "-updated", "version", "-version"] as const;
export const ZListSecretsQuery = z.object({
  q: z.string().trim().max(SECRET_NAME_MAX).catch("").default(""),
  sort: z.enum(SECRET_SORTS).catch("name").default("name"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  pageSize: z.coerce.number().int().min(5).max(100).catch(25).default(25),
  /** Only this visibility (the webhook secret picker asks Editors' lists for Masked only). */
  visibility: z.enum(["masked", "restricted"]).optional().catch(undefined),
  /** Only secrets that are due: expired, expiring within 14 days, or due for rotation (`due=1`). */
  due: z.preprocess((v) => (v === "1" || v === "true" || v === true ? true : undefined), z.literal(true).optional()),
});
export type TListSecretsQuery = z.infer<typeof ZListSecretsQuery>;

export const ZTeamName = z
  .string({ error: "Enter a team name." })
  .trim()
  .min(2, "Team names are at least 2 characters.")
  .max(64, "Team names are at most 64 characters.");

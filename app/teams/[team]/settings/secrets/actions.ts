"use server";
// Server actions of the Team secrets page. Each validates its input, authenticates, and leaves
// authorization to the DAL, which checks the role and scopes every statement by team. Results carry
// names and versions only; a submitted value is tainted so React refuses to send it back.
import { z } from "zod";
import { taintValue } from "@/lib/crypto";
import { checkSecretValue } from "@/lib/dal/secret-check";
import { updateSecretDetails } from "@/lib/dal/secret-details";
import { createSecret, deleteSecret, rotateSecret } from "@/lib/dal/secrets";
import type { ActionResult } from "@/lib/errors";
import { validationFailure } from "@/lib/server-action";
import { runTeamAction } from "@/lib/team-action";
import { dalAction, teamScope, type TTeamScope } from "../dal-action";
import {
  checkUploadedValue,
  SECRET_VALUE_MAX_BYTES,
  ZCheckSecretValueInput,
  ZCreateSecretInput,
  ZDeleteSecretInput,
  ZRotateSecretInput,
  ZUpdateSecretDetailsInput,
} from "@/lib/validation/secrets";
import type { TCheckResult } from "@/lib/types/secrets";

const secretsPath = (slug: string) => `/teams/${slug}/settings/secrets`;

/** The value from the pasted text, or from the uploaded file when one was chosen (its problem is the file's). */
async function readValue(formData: FormData): Promise<{ value: string } | { fileError: string }> {
  const file = formData.get("file");
  if (file instanceof File && file.size > 0) {
    if (file.size > SECRET_VALUE_MAX_BYTES) return { fileError: "The file is larger than 64 KiB." };
    const text = await file.text();
    const problem = checkUploadedValue(file.name, text, file.size);
    return problem ? { fileError: problem } : { value: text };
  }
  const value = formData.get("value");
  // A textarea's value has LF line breaks, but multipart form encoding sends them as CRLF: undo that, so
  // a pasted value is stored as it was shown (and fingerprints match the same content uploaded as a file).
  return { value: typeof value === "string" ? value.replace(/\r\n/g, "\n") : "" };
}

/**
 * A refused file, together with every other field's problem (all errors at once, each on its own field).
 * The other fields are checked with a placeholder value: the file's text is never part of the answer.
 */
function fileFailure(schema: z.ZodType, input: Record<string, unknown>, fileError: string): ActionResult<never> {
  const rest = schema.safeParse({ ...input, value: "x" });
  const others = rest.success ? {} : (z.flattenError(rest.error).fieldErrors as Record<string, string[]>);
  return validationFailure({ file: [fileError], ...others });
}

type TSecretRef = { name: string; version: number };

/**
 * The expiry and rotation fields a form sent: each only when present (missing: none on create, unchanged on
 * rotate). An unticked checkbox sends nothing, so a form that shows the fields carries a hidden `lifecycle`
 * marker, and then a missing "Stop serving after expiry" means off.
 */
function lifecycleFields(formData: FormData): Record<string, FormDataEntryValue | undefined> {
  const field = (k: string) => (formData.has(k) ? formData.get(k)! : undefined);
  return {
    expiresOn: field("expiresOn"),
    rotateEveryDays: field("rotateEveryDays"),
    stopServingAfterExpiry: field("stopServingAfterExpiry") ?? (formData.has("lifecycle") ? "off" : undefined),
  };
}

/**
 * Create and Rotate: the value (pasted, or the uploaded file's text) beside the form's other fields and its
 * expiry and rotation fields. A refused file answers with every field's problem; the value is tainted before
 * the write; the answer is the secret's name and version only.
 */
async function writeValue<S extends z.ZodType<object>>(
  where: string,
  teamSlug: unknown,
  formData: FormData,
  schema: S,
  fields: (formData: FormData) => Record<string, unknown>,
  write: (args: TTeamScope & z.infer<S>) => Promise<TSecretRef>,
): Promise<ActionResult<TSecretRef>> {
  if (!(formData instanceof FormData)) return validationFailure({ value: ["Enter a secret value."] });
  const read = await readValue(formData);
  const input = { ...fields(formData), ...lifecycleFields(formData) };
  if ("fileError" in read) return fileFailure(schema, input, read.fileError);
  taintValue(read.value, formData);
  return runTeamAction(where, teamSlug, schema, { ...input, value: read.value }, async (ctx, data) => {
    const s = await write({ ...teamScope(ctx), ...data });
    return { name: s.name, version: s.version };
  }, secretsPath);
}

export async function createSecretAction(teamSlug: unknown, formData: FormData): Promise<ActionResult<TSecretRef>> {
  return writeValue("createSecret", teamSlug, formData, ZCreateSecretInput, (fd) => ({ name: fd.get("name"), visibility: fd.get("visibility"), description: fd.get("description") }), createSecret);
}

export async function rotateSecretAction(teamSlug: unknown, formData: FormData): Promise<ActionResult<TSecretRef>> {
  return writeValue("rotateSecret", teamSlug, formData, ZRotateSecretInput, (fd) => ({ secretId: fd.get("secretId"), expectedVersion: fd.get("expectedVersion") }), rotateSecret);
}

export const deleteSecretAction = dalAction("deleteSecret", ZDeleteSecretInput, deleteSecret, secretsPath);

/**
 * Check value: does the pasted candidate match the stored value? Answers matches (with the version) or not,
 * never anything derived from either value. The candidate is tainted like a new value, and the result
 * carries no input: a refusal names the field, never what was typed. Nothing to revalidate (a check changes
 * no secret; its audit event is read fresh by the audit page).
 */
export async function checkSecretValueAction(teamSlug: unknown, formData: FormData): Promise<ActionResult<TCheckResult>> {
  if (!(formData instanceof FormData)) return validationFailure({ candidate: ["Enter a candidate value."] });
  const raw = formData.get("candidate");
  // Line breaks as the textarea showed them (multipart sends CRLF), exactly as values are stored.
  const candidate = typeof raw === "string" ? raw.replace(/\r\n/g, "\n") : "";
  taintValue(candidate, formData);
  return runTeamAction("checkSecretValue", teamSlug, ZCheckSecretValueInput, { secretId: formData.get("secretId"), candidate }, (ctx, data) =>
    checkSecretValue({ ...teamScope(ctx), ...data }),
  );
}

/**
 * Edit details (Owners and Admins): description, expiry date, rotation period, stop serving after expiry (each
 * optional: missing is unchanged). Names the fields that changed; never echoes their text.
 */
export const updateSecretDetailsAction = dalAction("updateSecretDetails", ZUpdateSecretDetailsInput, updateSecretDetails, secretsPath);

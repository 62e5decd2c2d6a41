"use server";
// Server actions of the Team secrets page. Each validates its input, authenticates, and leaves
// authorization to the DAL, which checks the role and scopes every statement by team. Results carry
// names and versions only; a submitted value is tainted so React refuses to send it back.
import { taintValue } from "@/lib/crypto";
import { createSecret, deleteSecret, rotateSecret } from "@/lib/dal/secrets";
import type { ActionResult } from "@/lib/errors";
import { validationFailure } from "@/lib/server-action";
import { runTeamAction } from "@/lib/team-action";
import {
  checkUploadedValue,
  SECRET_VALUE_MAX_BYTES,
  ZCreateSecretInput,
  ZDeleteSecretInput,
  ZRotateSecretInput,
} from "@/lib/validation/secrets";

const secretsPath = (slug: string) => `/teams/${slug}/settings/secrets`;

/** The value from the pasted text, or from the uploaded file when one was chosen. */
async function readValue(formData: FormData): Promise<{ value: string } | { error: string }> {
  const file = formData.get("file");
  if (file instanceof File && file.size > 0) {
    if (file.size > SECRET_VALUE_MAX_BYTES) return { error: "The file is larger than 64 KiB." };
    const text = await file.text();
    const problem = checkUploadedValue(file.name, text, file.size);
    return problem ? { error: problem } : { value: text };
  }
  const value = formData.get("value");
  // A textarea's value has LF line breaks, but multipart form encoding sends them as CRLF: undo that, so
  // a pasted value is stored as it was shown (and fingerprints match the same content uploaded as a file).
  return { value: typeof value === "string" ? value.replace(/\r\n/g, "\n") : "" };
}

type TSecretRef = { name: string; version: number };

export async function createSecretAction(teamSlug: unknown, formData: FormData): Promise<ActionResult<TSecretRef>> {
  if (!(formData instanceof FormData)) return validationFailure({ value: ["Enter a secret value."] });
  const read = await readValue(formData);
  if ("error" in read) return validationFailure({ value: [read.error] });
  taintValue(read.value, formData);
  const input = { name: formData.get("name"), value: read.value, visibility: formData.get("visibility") };
  return runTeamAction("createSecret", teamSlug, ZCreateSecretInput, input, async (ctx, data) => {
    const s = await createSecret({ actor: ctx.actor, teamSlug: ctx.teamSlug, meta: ctx.meta, ...data });
    return { name: s.name, version: s.version };
  }, secretsPath);
}

export async function rotateSecretAction(teamSlug: unknown, formData: FormData): Promise<ActionResult<TSecretRef>> {
  if (!(formData instanceof FormData)) return validationFailure({ value: ["Enter a secret value."] });
  const read = await readValue(formData);
  if ("error" in read) return validationFailure({ value: [read.error] });
  taintValue(read.value, formData);
  const input = { secretId: formData.get("secretId"), value: read.value, expectedVersion: formData.get("expectedVersion") };
  return runTeamAction("rotateSecret", teamSlug, ZRotateSecretInput, input, async (ctx, data) => {
    const s = await rotateSecret({ actor: ctx.actor, teamSlug: ctx.teamSlug, meta: ctx.meta, ...data });
    return { name: s.name, version: s.version };
  }, secretsPath);
}

export async function deleteSecretAction(
  teamSlug: unknown,
  input: { secretId: unknown; expectedVersion: unknown },
): Promise<ActionResult<{ name: string }>> {
  return runTeamAction("deleteSecret", teamSlug, ZDeleteSecretInput, input, (ctx, data) =>
    deleteSecret({ actor: ctx.actor, teamSlug: ctx.teamSlug, meta: ctx.meta, ...data }), secretsPath);
}

"use server";
// Server actions of the Team secrets page. Each validates its input, authenticates, and leaves
// authorization to the DAL, which checks the role and scopes every statement by team. Results carry
// names and versions only; a submitted value is tainted so React refuses to send it back.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { taintValue } from "@/lib/crypto";
import { createSecret, deleteSecret, rotateSecret } from "@/lib/dal/secrets";
import type { ActionResult } from "@/lib/errors";
import { requestMeta } from "@/lib/request-meta";
import { toActionResult, validationFailure } from "@/lib/server-action";
import { actorOf, currentUser } from "@/lib/session";
import {
  checkUploadedValue,
  SECRET_VALUE_MAX_BYTES,
  ZCreateSecretInput,
  ZDeleteSecretInput,
  ZRotateSecretInput,
} from "@/lib/validation/secrets";

const ZTeamSlug = z.string().min(1).max(80);
const UNAUTHENTICATED = { ok: false, code: "unauthenticated", message: "Your session has ended. Sign in again." } as const;
const UNKNOWN_TEAM = { ok: false, code: "not_found", message: "Team not found." } as const;

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
  return { value: typeof value === "string" ? value : "" };
}

type TSecretRef = { name: string; version: number };

export async function createSecretAction(teamSlug: unknown, formData: FormData): Promise<ActionResult<TSecretRef>> {
  const slug = ZTeamSlug.safeParse(teamSlug);
  if (!slug.success) return UNKNOWN_TEAM;
  const read = await readValue(formData);
  if ("error" in read) return validationFailure({ value: [read.error] });
  taintValue(read.value, formData);
  const parsed = ZCreateSecretInput.safeParse({
    name: formData.get("name"),
    value: read.value,
    visibility: formData.get("visibility"),
  });
  if (!parsed.success) return validationFailure(z.flattenError(parsed.error).fieldErrors);
  const user = await currentUser();
  if (!user) return UNAUTHENTICATED;
  const meta = await requestMeta();
  const result = await toActionResult("createSecret", async () => {
    const s = await createSecret({ actor: actorOf(user), teamSlug: slug.data, meta, ...parsed.data });
    return { name: s.name, version: s.version };
  });
  if (result.ok) revalidatePath(`/teams/${slug.data}/settings/secrets`);
  return result;
}

export async function rotateSecretAction(teamSlug: unknown, formData: FormData): Promise<ActionResult<TSecretRef>> {
  const slug = ZTeamSlug.safeParse(teamSlug);
  if (!slug.success) return UNKNOWN_TEAM;
  const read = await readValue(formData);
  if ("error" in read) return validationFailure({ value: [read.error] });
  taintValue(read.value, formData);
  const parsed = ZRotateSecretInput.safeParse({
    secretId: formData.get("secretId"),
    value: read.value,
    expectedVersion: formData.get("expectedVersion"),
  });
  if (!parsed.success) return validationFailure(z.flattenError(parsed.error).fieldErrors);
  const user = await currentUser();
  if (!user) return UNAUTHENTICATED;
  const meta = await requestMeta();
  const result = await toActionResult("rotateSecret", async () => {
    const s = await rotateSecret({ actor: actorOf(user), teamSlug: slug.data, meta, ...parsed.data });
    return { name: s.name, version: s.version };
  });
  if (result.ok) revalidatePath(`/teams/${slug.data}/settings/secrets`);
  return result;
}

export async function deleteSecretAction(
  teamSlug: unknown,
  input: { secretId: unknown; expectedVersion: unknown },
): Promise<ActionResult<{ name: string }>> {
  const slug = ZTeamSlug.safeParse(teamSlug);
  if (!slug.success) return UNKNOWN_TEAM;
  const parsed = ZDeleteSecretInput.safeParse(input ?? {});
  if (!parsed.success) return validationFailure(z.flattenError(parsed.error).fieldErrors);
  const user = await currentUser();
  if (!user) return UNAUTHENTICATED;
  const meta = await requestMeta();
  const result = await toActionResult("deleteSecret", () =>
    deleteSecret({ actor: actorOf(user), teamSlug: slug.data, meta, ...parsed.data }),
  );
  if (result.ok) revalidatePath(`/teams/${slug.data}/settings/secrets`);
  return result;
}

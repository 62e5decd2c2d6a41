"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { acceptInvitation } from "@/lib/dal/invitations";
import type { ActionResult } from "@/lib/errors";
import { requestMeta } from "@/lib/request-meta";
import { toActionResult } from "@/lib/server-action";
import { currentUser } from "@/lib/session";
import { sendVerificationMail } from "@/lib/verification-mail";

export async function acceptInvitationAction(token: unknown): Promise<ActionResult> {
  const parsed = z.string().max(200).safeParse(token);
  if (!parsed.success) return { ok: false, code: "not_found", message: "This invitation link is not valid." };
  const user = await currentUser();
  if (!user) return { ok: false, code: "unauthenticated", message: "Sign in to accept this invitation." };
  const meta = await requestMeta();
  const result = await toActionResult("acceptInvitation", () => acceptInvitation({ user, token: parsed.data, meta }));
  if (!result.ok) return result;
  redirect(`/teams/${result.data.teamSlug}/settings/secrets`);
}

/** acceptInvitationAction for `<form action>` without scripts: the token comes in the POST body; a success redirects. */
export async function acceptInvitationFormAction(_prev: ActionResult | null, formData: FormData): Promise<ActionResult | null> {
  return acceptInvitationAction(formData.get("token"));
}

/** Sends (again) the verification email the invitation waits for. Rate-limited in the DAL. */
export async function resendVerificationFormAction(_prev: ActionResult | null, _formData: FormData): Promise<ActionResult | null> {
  const user = await currentUser();
  if (!user) return { ok: false, code: "unauthenticated", message: "Sign in first." };
  const meta = await requestMeta();
  const sent = await toActionResult("resendVerification", () => sendVerificationMail(user.id, meta));
  if (!sent.ok) return sent;
  return sent.data
    ? { ok: true, data: undefined }
    : { ok: false, code: "unexpected", message: "The email could not be sent. Try again later." };
}

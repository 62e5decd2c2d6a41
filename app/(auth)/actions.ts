"use server";
// Sign-up, sign-in and sign-out. Results never echo what was typed; sign-in failures never say whether the
// email has an account.
import { AuthError, CredentialsSignin } from "next-auth";
import { z } from "zod";
import { signIn, signOut } from "@/auth";
import { revokeUserSession } from "@/lib/dal/sessions";
import { isVerificationRequired } from "@/lib/dal/email-verification";
import { createUser } from "@/lib/dal/users";
import { sendVerificationMail } from "@/lib/verification-mail";
import { currentSessionId } from "@/lib/session";
import type { ActionResult } from "@/lib/errors";
import { toActionResult, validationFailure } from "@/lib/server-action";
import { ZSignInInput, ZSignUpInput } from "@/lib/validation/auth";

/** Only same-origin paths: an open redirect after sign-in would be a phishing aid. */
function safeNext(raw: unknown): string {
  return typeof raw === "string" && /^\/(?!\/|\\)[^\s]*$/.test(raw) ? raw : "/teams";
}

async function signInWithPassword(email: string, password: string, redirectTo: string): Promise<ActionResult> {
  try {
    await signIn("credentials", { email, password, redirectTo });
  } catch (err) {
    if (err instanceof CredentialsSignin && err.code === "rate_limited") {
      return {
        ok: false,
        code: "rate_limited",
        message: "Too many failed sign-in attempts. Wait 15 minutes and try again.",
      };
    }
    if (err instanceof AuthError) {
      return { ok: false, code: "unauthenticated", message: "Incorrect email or password." };
    }
    throw err; // the redirect on success
  }
  return { ok: true, data: undefined };
}

export async function signUpAction(formData: FormData): Promise<ActionResult> {
  const parsed = ZSignUpInput.safeParse({
    name: formData.get("name"),
    email: formData.get("email"),
    password: formData.get("password"),
  });
  if (!parsed.success) return validationFailure(z.flattenError(parsed.error).fieldErrors);
  const created = await toActionResult("signUp", () => createUser(parsed.data));
  if (!created.ok) return created;
  // With mail configured the new address is verified by a mailed link before it can accept an invitation.
  if (isVerificationRequired()) await toActionResult("sendVerification", () => sendVerificationMail(created.data.id, undefined));
  return signInWithPassword(parsed.data.email, parsed.data.password, safeNext(formData.get("next")));
}

export async function signInAction(formData: FormData): Promise<ActionResult> {
  const parsed = ZSignInInput.safeParse({ email: formData.get("email"), password: formData.get("password") });
  if (!parsed.success) return validationFailure(z.flattenError(parsed.error).fieldErrors);
  return signInWithPassword(parsed.data.email, parsed.data.password, safeNext(formData.get("next")));
}

/** signInAction for `<form action>` without scripts (useActionState's shape); a success redirects. */
export async function signInFormAction(_prev: ActionResult | null, formData: FormData): Promise<ActionResult | null> {
  return signInAction(formData);
}

/** signUpAction for `<form action>` without scripts (useActionState's shape); a success redirects. */
export async function signUpFormAction(_prev: ActionResult | null, formData: FormData): Promise<ActionResult | null> {
  return signUpAction(formData);
}

export async function signOutAction(): Promise<void> {
  const sid = await currentSessionId();
  if (sid) await revokeUserSession(sid);
  await signOut({ redirectTo: "/sign-in" });
}

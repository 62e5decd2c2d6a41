"use server";
// Confirms an email verification link. A POST from the page's form, never the GET of opening the link, so a
// mail scanner that fetches links does not use it up.
import { redirect } from "next/navigation";
import { verifyEmail } from "@/lib/dal/email-verification";
import { AppError } from "@/lib/errors";
import { requestMeta } from "@/lib/request-meta";

export async function verifyEmailAction(formData: FormData): Promise<void> {
  const token = String(formData.get("token") ?? "").slice(0, 200);
  let ok = false;
  try {
    await verifyEmail({ token, meta: await requestMeta() });
    ok = true;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
  }
  redirect(`/verify-email/${encodeURIComponent(token)}?result=${ok ? "verified" : "invalid"}`);
}

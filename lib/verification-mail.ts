import "server-only";
// Creates a verification link for the account and mails it. Returns whether it was sent; the link and token
// are never returned, logged or shown.
import { appOrigin } from "@/lib/app-origin";
import { createEmailVerification, EMAIL_VERIFICATION_TTL_HOURS } from "@/lib/dal/email-verification";
import { sendMail } from "@/lib/mail";
import type { TRequestMeta } from "@/lib/types/actor";

export async function sendVerificationMail(userId: string, meta?: TRequestMeta): Promise<boolean> {
  const v = await createEmailVerification({ userId, meta });
  const link = `${await appOrigin()}/verify-email/${v.token}`;
  return sendMail(
    v.email,
    "Verify your email address for Team Secrets",
    `Open this link to verify that this address is yours:\n\n${link}\n\nThe link works once and expires in ${EMAIL_VERIFICATION_TTL_HOURS} hours. If you did not create an account, ignore this email.`,
  );
}

import "server-only";
// Outgoing mail through SMTP when SMTP_URL is set (e.g. smtps://user:pass@smtp.example.com:465).
// Without it nothing is sent and callers tell the user so. Never logs a link or token.
import nodemailer from "nodemailer";
import { env } from "@/lib/env";
import { logError } from "@/lib/log";

export { isMailConfigured } from "@/lib/env";

export async function sendMail(to: string, subject: string, text: string): Promise<boolean> {
  const url = env().SMTP_URL;
  if (!url) return false;
  try {
    const transport = nodemailer.createTransport(url);
    await transport.sendMail({ from: env().SMTP_FROM, to, subject, text });
    return true;
  } catch (err) {
    logError("mail", err);
    return false;
  }
}

import "server-only";
// Outgoing mail through SMTP when SMTP_URL is set (e.g. smtps://user:pass@smtp.example.com:465).
// Without it nothing is sent and callers tell the user so. Never logs a link or token.
import nodemailer from "nodemailer";
import { logError } from "@/lib/log";

/**
 * Mail goes out only with SMTP_URL set, and in production only with APP_URL set too: a mailed link must not
 * be built from a request's Host header, which a caller controls.
 */
export const isMailConfigured = () => !!process.env.SMTP_URL && (!!process.env.APP_URL || process.env.NODE_ENV !== "production");

export async function sendMail(to: string, subject: string, text: string): Promise<boolean> {
  const url = process.env.SMTP_URL;
  if (!url) return false;
  try {
    const transport = nodemailer.createTransport(url);
    await transport.sendMail({ from: process.env.SMTP_FROM ?? "Team Secrets <no-reply@localhost>", to, subject, text });
    return true;
  } catch (err) {
    logError("mail", err);
    return false;
  }
}

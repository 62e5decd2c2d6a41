// Zod schemas for sign-up and sign-in, shared by the forms and the server actions.
import { z } from "zod";

export const PASSWORD_MIN = 12;

export const ZEmail = z
  .string({ error: "Enter your email address." })
  .trim()
  .toLowerCase()
  .max(254, "That email address is too long.")
  .pipe(z.email({ error: "Enter a valid email address." }));

export const ZSignUpInput = z.object({
  name: z.string({ error: "Enter your name." }).trim().min(1, "Enter your name.").max(100, "Names are at most 100 characters."),
  email: ZEmail,
  password: z
    .string({ error: "Choose a password." })
    .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
    .max(256, "Passwords are at most 256 characters."),
});

export const ZSignInInput = z.object({
  email: ZEmail,
  password: z.string({ error: "Enter your password." }).min(1, "Enter your password.").max(256),
});

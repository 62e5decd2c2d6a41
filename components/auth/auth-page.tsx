// The frame the sign-in and sign-up pages share: the heading, a notice, the form (carrying `next` through the
// post, so the user comes back where they were going), what the page adds below it, and the link to the other page.
import Link from "next/link";
import type { ComponentProps, ReactNode } from "react";
import { FormAlert } from "@/components/ui/field";
import { AuthForm, type TAuthField } from "./auth-form";

/** The Email field of sign-in and sign-up. */
export const EMAIL_FIELD: TAuthField = { name: "email", label: "Email", type: "email", autoComplete: "email" };

export function AuthPage({
  title,
  notice,
  next,
  form,
  children,
  other,
}: {
  title: string;
  notice?: string | null;
  next: string;
  form: Omit<ComponentProps<typeof AuthForm>, "hidden">;
  children?: ReactNode;
  other: { prompt: string; href: string; label: string };
}) {
  return (
    <>
      <h1 className="text-2xl font-bold">{title}</h1>
      {notice ? (
        <div className="mt-4">
          <FormAlert message={notice} />
        </div>
      ) : null}
      <div className="mt-6">
        <AuthForm {...form} hidden={next ? { next } : undefined} />
      </div>
      {children}
      <p className="mt-6 text-sm text-slate-600">
        {other.prompt}{" "}
        <Link href={other.href} className="font-semibold text-indigo-700">
          {other.label}
        </Link>
      </p>
    </>
  );
}

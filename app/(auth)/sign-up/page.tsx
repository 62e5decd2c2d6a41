import { redirect } from "next/navigation";
import type { TSearchParams } from "@/app/page-props";
import { AuthPage, EMAIL_FIELD } from "@/components/auth/auth-page";
import { currentUser } from "@/lib/session";
import { PASSWORD_MIN } from "@/lib/validation/auth";
import { signUpAction, signUpFormAction } from "../actions";

export const metadata = { title: "Create account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const sp = await searchParams;
  const next = typeof sp.next === "string" ? sp.next : "";
  if (await currentUser()) redirect("/teams");
  const fields = [
    { name: "name", label: "Name", type: "text", autoComplete: "name" },
    EMAIL_FIELD,
    { name: "password", label: "Password", type: "password", autoComplete: "new-password", hint: `At least ${PASSWORD_MIN} characters.` },
  ];
  return (
    <AuthPage
      title="Create your account"
      next={next}
      form={{ action: signUpAction, formAction: signUpFormAction, submitLabel: "Create account", fields }}
      other={{ prompt: "Already have an account?", href: next ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in", label: "Sign in" }}
    />
  );
}

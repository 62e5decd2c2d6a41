import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth/auth-form";
import { currentUser } from "@/lib/session";
import { PASSWORD_MIN } from "@/lib/validation/auth";
import { signUpAction, signUpFormAction } from "../actions";

export const metadata = { title: "Create account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const next = typeof sp.next === "string" ? sp.next : "";
  if (await currentUser()) redirect("/teams");
  return (
    <>
      <h1 className="text-2xl font-bold">Create your account</h1>
      <div className="mt-6">
        <AuthForm
          action={signUpAction}
          formAction={signUpFormAction}
          submitLabel="Create account"
          hidden={next ? { next } : undefined}
          fields={[
            { name: "name", label: "Name", type: "text", autoComplete: "name" },
            { name: "email", label: "Email", type: "email", autoComplete: "email" },
            { name: "password", label: "Password", type: "password", autoComplete: "new-password", hint: `At least ${PASSWORD_MIN} characters.` },
          ]}
        />
      </div>
      <p className="mt-6 text-sm text-slate-600">
        Already have an account?{" "}
        <Link href={next ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in"} className="font-semibold text-indigo-700">
          Sign in
        </Link>
      </p>
    </>
  );
}

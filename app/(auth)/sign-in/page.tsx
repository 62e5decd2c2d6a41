import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth/auth-form";
import { FormAlert } from "@/components/ui/field";
import { signIn } from "@/auth";
import { oauthProviders } from "@/auth";
import { currentUser } from "@/lib/session";
import { signInAction, signInFormAction } from "../actions";

export const metadata = { title: "Sign in" };

const OAUTH_ERRORS: Record<string, string> = {
  OAuthAccountNotLinked: "That email already has an account here. Sign in with your password.",
  AccessDenied: "Sign-in was refused.",
  EmailNotVerified: "Your identity provider has not verified this email address, so it cannot be used here.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (await currentUser()) redirect("/teams");
  const sp = await searchParams;
  const next = typeof sp.next === "string" ? sp.next : typeof sp.callbackUrl === "string" ? sp.callbackUrl : "";
  const error = typeof sp.error === "string" ? (OAUTH_ERRORS[sp.error] ?? "Sign-in failed. Please try again.") : null;
  const providers = oauthProviders().map((p) => {
    const o = typeof p === "function" ? p() : p;
    return { id: o.id, name: o.name };
  });
  return (
    <>
      <h1 className="text-2xl font-bold">Sign in</h1>
      {error ? (
        <div className="mt-4">
          <FormAlert message={error} />
        </div>
      ) : null}
      <div className="mt-6">
        <AuthForm
          action={signInAction}
          formAction={signInFormAction}
          submitLabel="Sign in"
          hidden={next ? { next } : undefined}
          fields={[
            { name: "email", label: "Email", type: "email", autoComplete: "email" },
            { name: "password", label: "Password", type: "password", autoComplete: "current-password" },
          ]}
        />
      </div>
      {providers.length > 0 ? (
        <div className="mt-6 space-y-2 border-t border-slate-200 pt-6">
          {providers.map((p) => (
            <form
              key={p.id}
              action={async () => {
                "use server";
                await signIn(p.id, { redirectTo: "/teams" });
              }}
            >
              <button type="submit" className="w-full rounded-md bg-white px-3 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50">
                Continue with {p.name}
              </button>
            </form>
          ))}
        </div>
      ) : null}
      <p className="mt-6 text-sm text-slate-600">
        No account yet?{" "}
        <Link href="/sign-up" className="font-semibold text-indigo-700">
          Create one
        </Link>
      </p>
    </>
  );
}

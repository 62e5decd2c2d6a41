import { redirect } from "next/navigation";
import type { TSearchParams } from "@/app/page-props";
import { AuthPage, EMAIL_FIELD } from "@/components/auth/auth-page";
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

export default async function SignInPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  if (await currentUser()) redirect("/teams");
  const sp = await searchParams;
  const next = typeof sp.next === "string" ? sp.next : typeof sp.callbackUrl === "string" ? sp.callbackUrl : "";
  const error = typeof sp.error === "string" ? (OAUTH_ERRORS[sp.error] ?? "Sign-in failed. Please try again.") : null;
  const providers = oauthProviders().map((p) => {
    const o = typeof p === "function" ? p() : p;
    return { id: o.id, name: o.name };
  });
  const password = { name: "password", label: "Password", type: "password", autoComplete: "current-password" };
  return (
    <AuthPage
      title="Sign in"
      notice={error}
      next={next}
      form={{ action: signInAction, formAction: signInFormAction, submitLabel: "Sign in", fields: [EMAIL_FIELD, password] }}
      other={{ prompt: "No account yet?", href: "/sign-up", label: "Create one" }}
    >
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
    </AuthPage>
  );
}

import Link from "next/link";
import type { TPageProps } from "@/app/page-props";
import { verifyEmailAction } from "./actions";

export const metadata = { title: "Verify email" };

// The link from a verification email. Opening it changes nothing; the button posts the token once.
export default async function VerifyEmailPage({ params, searchParams }: TPageProps<{ token: string }>) {
  const { token } = await params;
  const { result } = await searchParams;
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-6 py-12">
      <Link href="/" className="mb-8 text-sm font-semibold text-indigo-700">
        Team Secrets
      </Link>
      {result === "verified" ? (
        <>
          <h1 className="text-2xl font-bold">Email address verified</h1>
          <p className="mt-3 text-slate-700" role="status">
            You can now accept invitations sent to this address.
          </p>
          <Link href="/teams" className="mt-6 font-semibold text-indigo-700">
            Continue
          </Link>
        </>
      ) : result === "invalid" ? (
        <>
          <h1 className="text-2xl font-bold">Link not valid</h1>
          <p className="mt-3 text-slate-700" role="alert">
            This verification link is not valid, was already used, or has expired. Sign in and send a new one from your invitation.
          </p>
        </>
      ) : (
        <>
          <h1 className="text-2xl font-bold">Verify your email address</h1>
          <form action={verifyEmailAction} className="mt-6">
            <input type="hidden" name="token" value={decodeURIComponent(token)} />
            <button type="submit" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-on-accent">
              Verify email address
            </button>
          </form>
        </>
      )}
    </main>
  );
}

import Link from "next/link";
import { AcceptInvitation } from "@/components/members/accept-invitation";
import { ResendVerification } from "@/components/members/resend-verification";
import { ROLE_LABELS } from "@/lib/authz/policy";
import { emailVerificationStatus } from "@/lib/dal/email-verification";
import { describeInvitation, EMAIL_NOT_VERIFIED, invitationRefusal } from "@/lib/dal/invitations";
import { currentUser } from "@/lib/session";

export const metadata = { title: "Invitation" };

// An invitation link. Signed out: sign in or sign up first and come back. Signed in as the invited
// email: see team and role and accept. Anything else: a clear page, never a membership.
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const user = await currentUser();
  const view = await describeInvitation(token, user);
  const verification = user ? await emailVerificationStatus(user.id) : null;
  const mustVerify = !!verification && verification.required && !verification.verified;
  const here = `/invite/${encodeURIComponent(token)}`;
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-6 py-12">
      <Link href="/" className="mb-8 text-sm font-semibold text-indigo-700">
        Team Secrets
      </Link>
      {view.status !== "valid" ? (
        <>
          <h1 className="text-2xl font-bold">Invitation unavailable</h1>
          <p className="mt-3 text-slate-700" role="alert">
            {invitationRefusal(view.status)}
          </p>
          {view.status === "already_member" && view.teamSlug ? (
            <Link href={`/teams/${view.teamSlug}/settings/secrets`} className="mt-6 font-semibold text-indigo-700">
              Open {view.teamName}
            </Link>
          ) : view.status === "wrong_email" ? (
            <p className="mt-6 text-sm text-slate-600">You are signed in as {user?.email}.</p>
          ) : null}
        </>
      ) : !user ? (
        <>
          <h1 className="text-2xl font-bold">You are invited to a team</h1>
          <p className="mt-3 text-slate-700">Sign in, or create an account with the email address the invitation was sent to, to accept it.</p>
          <div className="mt-6 flex gap-3">
            <Link href={`/sign-in?next=${encodeURIComponent(here)}`} className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-on-accent">
              Sign in
            </Link>
            <Link href={`/sign-up?next=${encodeURIComponent(here)}`} className="rounded-md px-4 py-2 text-sm font-semibold ring-1 ring-slate-300">
              Create account
            </Link>
          </div>
        </>
      ) : (
        <>
          <h1 className="text-2xl font-bold">Join {view.teamName}</h1>
          <p className="mt-3 text-slate-700">
            You are invited to <strong>{view.teamName}</strong> as <strong>{view.role ? ROLE_LABELS[view.role] : ""}</strong>.
          </p>
          {mustVerify ? (
            <div className="mt-6 space-y-3">
              <p className="text-slate-700" role="alert">
                {EMAIL_NOT_VERIFIED}
              </p>
              <ResendVerification />
            </div>
          ) : (
            <div className="mt-6">
              <AcceptInvitation token={token} />
            </div>
          )}
        </>
      )}
    </main>
  );
}

import { notFound, redirect } from "next/navigation";
import { NewTokenDialog } from "@/components/tokens/new-token-dialog";
import { TokensTable } from "@/components/tokens/tokens-table";
import { RoleNotice } from "@/components/ui/role-notice";
import { listAccessTokens } from "@/lib/dal/access-tokens";
import { findTeamAccess } from "@/lib/dal/teams";
import { AppError } from "@/lib/errors";
import { actorOf, currentUser } from "@/lib/session";

export const metadata = { title: "Access tokens" };

export default async function TokensPage({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(`/teams/${team}/settings/tokens`)}`);
  const access = await findTeamAccess(user.id, team);
  if (!access) notFound();
  const canManage = access.can.canManageTokens;
  let tokens = null;
  if (canManage) {
    try {
      tokens = await listAccessTokens(actorOf(user), team);
    } catch (err) {
      if (err instanceof AppError) notFound();
      throw err;
    }
  }
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="max-w-3xl">
          <h1 className="text-2xl font-bold tracking-tight">Access tokens</h1>
          <p className="mt-1 text-sm text-slate-600">
            A token lets software read the secrets chosen for it, and nothing else, through the{" "}
            <a href="/openapi.json" className="font-medium text-indigo-700 underline">
              secrets API
            </a>{" "}
            or <code className="rounded bg-slate-100 px-1 text-xs">npx team-secrets run -- your command</code>. It is shown once;
            every read is recorded in the audit log. Revoking takes effect on the next request.
          </p>
        </div>
        {canManage ? <NewTokenDialog teamSlug={team} /> : null}
      </div>
      {tokens ? (
        <TokensTable teamSlug={team} tokens={tokens} />
      ) : (
        <RoleNotice>
          Only Owners and Admins can see and create this team&apos;s access tokens. Ask one of them for a token for your
          deployment or script.
        </RoleNotice>
      )}
    </div>
  );
}

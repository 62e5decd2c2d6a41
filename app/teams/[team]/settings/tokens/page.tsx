import { HydrationBoundary } from "@tanstack/react-query";
import { PageHeader } from "@/components/shared/page-header";
import { NewTokenDialog } from "@/components/tokens/new-token-dialog";
import { TokensTable } from "@/components/tokens/tokens-table";
import { RoleNotice } from "@/components/ui/role-notice";
import { listAccessTokens } from "@/lib/dal/access-tokens";
import { tokensKeys } from "@/lib/queries/keys";
import { openSettingsPage } from "../settings-page";

export const metadata = { title: "Access tokens" };

export default async function TokensPage({ params }: { params: Promise<{ team: string }> }) {
  const page = await openSettingsPage(params, "tokens");
  const { team } = page;
  const canManage = page.access.can.canManageTokens;
  if (canManage) await page.prefetch(tokensKeys.list(team), () => listAccessTokens(page.actor, team));
  return (
    <div className="space-y-6">
      <PageHeader title="Access tokens" actions={canManage ? <NewTokenDialog teamSlug={team} /> : null}>
        <p className="mt-1 text-sm text-slate-600">
          A token lets software read the secrets chosen for it, and nothing else, through the{" "}
          <a href="/openapi.json" className="font-medium text-indigo-700 underline">
            secrets API
          </a>{" "}
          or <code className="rounded bg-slate-100 px-1 text-xs">npx team-secrets run -- your command</code>. It is shown once;
          every read is recorded in the audit log. Revoking takes effect on the next request.
        </p>
      </PageHeader>
      {canManage ? (
        <HydrationBoundary state={page.dehydrated()}>
          <TokensTable teamSlug={team} />
        </HydrationBoundary>
      ) : (
        <RoleNotice>
          Only Owners and Admins can see and create this team&apos;s access tokens. Ask one of them for a token for your
          deployment or script.
        </RoleNotice>
      )}
    </div>
  );
}

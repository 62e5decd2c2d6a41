import { HydrationBoundary } from "@tanstack/react-query";
import { InviteMemberDialog } from "@/components/members/invite-member-dialog";
import { InvitationsList, MembersTable } from "@/components/members/members-table";
import { PageHeader } from "@/components/shared/page-header";
import { RoleNotice } from "@/components/ui/role-notice";
import { listInvitations } from "@/lib/dal/invitations";
import { listMembers } from "@/lib/dal/members";
import { membersKeys } from "@/lib/queries/keys";
import { openSettingsPage } from "../settings-page";

export const metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ team: string }> }) {
  const page = await openSettingsPage(params, "members");
  const { team, actor } = page;
  const { canInvite, canInviteOwner } = page.access.can;
  await Promise.all([
    page.prefetch(membersKeys.list(team), () => listMembers(actor, team)),
    canInvite ? page.prefetch(membersKeys.invitations(team), () => listInvitations(actor, team)) : null,
  ]);
  return (
    <div className="space-y-8">
      <PageHeader title="Members" actions={canInvite ? <InviteMemberDialog teamSlug={team} canInviteOwner={canInviteOwner} /> : null}>
        {canInvite ? (
          <p className="mt-1 text-sm text-slate-600">Owners manage everyone; Admins manage Editors. A team always keeps at least one Owner.</p>
        ) : (
          <div className="mt-2">
            <RoleNotice>You can see who is in this team. Owners and Admins invite and remove members and change roles.</RoleNotice>
          </div>
        )}
      </PageHeader>
      <HydrationBoundary state={page.dehydrated()}>
        <MembersTable teamSlug={team} teamName={page.access.team.name} />
        {canInvite ? (
          <section aria-labelledby="pending-invitations" className="space-y-3">
            <h2 id="pending-invitations" className="text-lg font-semibold">
              Pending invitations
            </h2>
            <InvitationsList teamSlug={team} />
          </section>
        ) : null}
      </HydrationBoundary>
    </div>
  );
}

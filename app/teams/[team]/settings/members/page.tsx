import { notFound, redirect } from "next/navigation";
import { InviteMemberDialog } from "@/components/members/invite-member-dialog";
import { RoleNotice } from "@/components/ui/role-notice";
import { InvitationsList, MembersTable } from "@/components/members/members-table";
import { listInvitations } from "@/lib/dal/invitations";
import { listMembers } from "@/lib/dal/members";
import { findTeamAccess } from "@/lib/dal/teams";
import { AppError } from "@/lib/errors";
import { actorOf, currentUser } from "@/lib/session";

export const metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(`/teams/${team}/settings/members`)}`);
  const access = await findTeamAccess(user.id, team);
  if (!access) notFound();
  const actor = actorOf(user);
  let data;
  try {
    data = await listMembers(actor, team);
  } catch (err) {
    if (err instanceof AppError) notFound();
    throw err;
  }
  const { canInvite, canInviteOwner } = access.can;
  const invitations = canInvite ? await listInvitations(actor, team) : [];
  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">Members</h1>
          {canInvite ? (
            <p className="mt-1 text-sm text-slate-600">Owners manage everyone; Admins manage Editors. A team always keeps at least one Owner.</p>
          ) : (
            <div className="mt-2">
              <RoleNotice>You can see who is in this team. Owners and Admins invite and remove members and change roles.</RoleNotice>
            </div>
          )}
        </div>
        {canInvite ? <InviteMemberDialog teamSlug={team} canInviteOwner={canInviteOwner} /> : null}
      </div>
      <MembersTable teamSlug={team} teamName={access.team.name} members={data.members} />
      {canInvite ? (
        <section aria-labelledby="pending-invitations" className="space-y-3">
          <h2 id="pending-invitations" className="text-lg font-semibold">
            Pending invitations
          </h2>
          <InvitationsList teamSlug={team} invitations={invitations} />
        </section>
      ) : null}
    </div>
  );
}

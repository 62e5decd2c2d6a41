"use client";
// Members of a team, and its pending invitations. Controls appear only where the server said the viewer may
// act (assignableRoles, canRemove, canRevoke); the server checks again on every action. Lists come from
// TanStack Query (hydrated from the page's prefetch); each change refetches them.
import { useRouter } from "next/navigation";
import { useState } from "react";
import {
  changeMemberRoleAction,
  leaveTeamAction,
  removeMemberAction,
  revokeInvitationAction,
  transferOwnershipAction,
} from "@/app/teams/[team]/settings/members/actions";
import { ConfirmDialog } from "@/components/shared/confirm-dialog";
import { QueryError } from "@/components/shared/query-error";
import { useTeamMutation } from "@/components/shared/use-team-mutation";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { RowHeader, Table, TableBody, TableHeader, Td } from "@/components/ui/table";
import { ROLE_LABELS, type TRole } from "@/lib/authz/policy";
import { membersKeys } from "@/lib/queries/keys";
import type { TMemberDTO } from "@/lib/types/members";
import { useInvitations, useMembers } from "./queries";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

const COLUMNS = ["Name", "Email", "Role", "Joined", "Last active", { key: "actions", label: "Actions", align: "right" }] as const;

function RoleCell({ teamSlug, member }: { teamSlug: string; member: TMemberDTO }) {
  const action = useTeamMutation((input: { userId: string; role: TRole }) => changeMemberRoleAction(teamSlug, input), {
    invalidates: [membersKeys.all(teamSlug)],
  });
  if (member.assignableRoles.length === 0) return <span>{ROLE_LABELS[member.role]}</span>;
  const options = Array.from(new Set<TRole>([member.role, ...member.assignableRoles]));
  return (
    <div>
      <select
        aria-label={`Role for ${member.email}`}
        value={member.role}
        disabled={action.pending}
        onChange={(e) => action.run({ userId: member.userId, role: e.target.value as TRole })}
        className={`${inputClass} w-32 py-1`}
      >
        {options.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </select>
      {action.failure ? (
        <p role="alert" className="mt-1 max-w-56 text-xs text-red-700">
          {action.failure.message}
        </p>
      ) : null}
    </div>
  );
}

export function MembersTable({ teamSlug, teamName }: { teamSlug: string; teamName: string }) {
  const router = useRouter();
  const [status, setStatus] = useState("");
  const { data, error } = useMembers(teamSlug);
  if (!data) return <QueryError error={error} />;
  const { members } = data;
  const self = members.find((m) => m.isSelf);
  const invalidates = [membersKeys.all(teamSlug)];
  return (
    <div className="space-y-3">
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-emerald-700">
        {status}
      </p>
      <Table label="Members">
        <TableHeader columns={COLUMNS} />
        <TableBody>
          {members.map((m) => (
            <tr key={m.userId}>
              <RowHeader>
                {m.name}
                {m.isSelf ? <span className="ml-1 text-xs font-normal text-slate-500">(you)</span> : null}
              </RowHeader>
              <Td className="text-slate-700">{m.email}</Td>
              <Td>
                <RoleCell teamSlug={teamSlug} member={m} />
              </Td>
              <Td className="text-slate-600">
                <time dateTime={m.joinedAt}>{dateFormat.format(new Date(m.joinedAt))}</time>
              </Td>
              <Td className="text-slate-600">
                {m.lastActiveAt ? <time dateTime={m.lastActiveAt}>{dateTimeFormat.format(new Date(m.lastActiveAt))}</time> : "Never"}
              </Td>
              <Td>
                <div className="flex justify-end gap-2">
                  {m.canTransferOwnership ? (
                    <ConfirmDialog
                      trigger={
                        <Button variant="secondary" size="sm" aria-label={`Transfer ownership to ${m.email}`}>
                          Transfer ownership
                        </Button>
                      }
                      title={`Transfer ownership to ${m.email}?`}
                      description={`${m.email} becomes an Owner of ${teamName} and you become an Admin.`}
                      confirmLabel="Transfer ownership"
                      action={() => transferOwnershipAction(teamSlug, { userId: m.userId })}
                      invalidates={invalidates}
                      onDone={() => setStatus(`${m.email} is now an Owner.`)}
                    />
                  ) : null}
                  {m.canRemove ? (
                    <ConfirmDialog
                      trigger={
                        <Button variant="ghost" size="sm" className="text-red-700" aria-label={`Remove ${m.email}`}>
                          Remove
                        </Button>
                      }
                      title={`Remove ${m.email}?`}
                      description={`${m.email} loses access to ${teamName} and its secrets immediately, including in sessions that are open now.`}
                      confirmLabel="Remove"
                      action={() => removeMemberAction(teamSlug, { userId: m.userId })}
                      invalidates={invalidates}
                      onDone={() => setStatus(`${m.email} was removed.`)}
                    />
                  ) : null}
                </div>
              </Td>
            </tr>
          ))}
        </TableBody>
      </Table>
      {self ? (
        <div className="flex justify-end">
          <ConfirmDialog
            trigger={
              <Button variant="secondary" size="sm">
                Leave team
              </Button>
            }
            title={`Leave ${teamName}?`}
            description="You lose access to this team and its secrets. An Owner or Admin must invite you again to come back."
            confirmLabel="Leave team"
            action={() => leaveTeamAction(teamSlug)}
            // Nothing here to refetch: the team is no longer the viewer's.
            invalidates={[]}
            onDone={() => router.push("/teams")}
          />
        </div>
      ) : null}
    </div>
  );
}

export function InvitationsList({ teamSlug }: { teamSlug: string }) {
  const { data: invitations, error } = useInvitations(teamSlug);
  if (!invitations) return <QueryError error={error} />;
  if (invitations.length === 0) return <p className="text-sm text-slate-600">No pending invitations.</p>;
  return (
    <ul className="divide-y divide-slate-100 rounded-lg bg-white shadow-xs ring-1 ring-slate-200">
      {invitations.map((i) => (
        <li key={i.id} className="flex items-center justify-between gap-4 px-4 py-3 text-sm">
          <div>
            <span className="font-medium text-slate-900">{i.email}</span>
            <span className="ml-2 text-slate-600">{ROLE_LABELS[i.role]}</span>
            <span className={`ml-2 text-xs ${i.isExpired ? "text-red-700" : "text-slate-500"}`}>
              {i.isExpired ? "Expired" : `Expires ${dateTimeFormat.format(new Date(i.expiresAt))}`}
              {i.invitedBy ? ` · invited by ${i.invitedBy}` : ""}
            </span>
          </div>
          {i.canRevoke ? (
            <ConfirmDialog
              trigger={
                <Button variant="ghost" size="sm" aria-label={`Revoke invitation for ${i.email}`}>
                  Revoke
                </Button>
              }
              title={`Revoke the invitation for ${i.email}?`}
              description="The link stops working immediately."
              confirmLabel="Revoke"
              action={() => revokeInvitationAction(teamSlug, { invitationId: i.id })}
              invalidates={[membersKeys.invitations(teamSlug)]}
            />
          ) : null}
        </li>
      ))}
    </ul>
  );
}

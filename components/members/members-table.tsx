"use client";
// Members of a team. Controls appear only where the server said the viewer may act (assignableRoles,
// canRemove); the server checks again on every action.
import { useRouter } from "next/navigation";
import { useState } from "react";
import {
  changeMemberRoleAction,
  leaveTeamAction,
  removeMemberAction,
  revokeInvitationAction,
  transferOwnershipAction,
} from "@/app/teams/[team]/settings/members/actions";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { ROLE_LABELS, type TRole } from "@/lib/authz/policy";
import { ConfirmDialog } from "./confirm-dialog";
import { useServerAction } from "./use-action";
import type { TInvitationDTO, TMemberDTO } from "@/lib/types/members";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

function RoleCell({ teamSlug, member }: { teamSlug: string; member: TMemberDTO }) {
  const action = useServerAction((input: { userId: string; role: TRole }) => changeMemberRoleAction(teamSlug, input));
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

export function MembersTable({ teamSlug, teamName, members }: { teamSlug: string; teamName: string; members: TMemberDTO[] }) {
  const router = useRouter();
  const [status, setStatus] = useState("");
  const self = members.find((m) => m.isSelf);
  return (
    <div className="space-y-3">
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-emerald-700">
        {status}
      </p>
      <div tabIndex={0} role="region" aria-label="Members, scrollable" className="relative overflow-x-auto rounded-lg bg-white shadow-xs ring-1 ring-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-600">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Members</caption>
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th scope="col" className="px-4 py-3 font-semibold">Name</th>
              <th scope="col" className="px-4 py-3 font-semibold">Email</th>
              <th scope="col" className="px-4 py-3 font-semibold">Role</th>
              <th scope="col" className="px-4 py-3 font-semibold">Joined</th>
              <th scope="col" className="px-4 py-3 font-semibold">Last active</th>
              <th scope="col" className="px-4 py-3 text-right font-semibold">Actions</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {members.map((m) => (
              <tr key={m.userId}>
                <th scope="row" className="px-4 py-3 text-left font-medium text-slate-900">
                  {m.name}
                  {m.isSelf ? <span className="ml-1 text-xs font-normal text-slate-500">(you)</span> : null}
                </th>
                <td className="px-4 py-3 text-slate-700">{m.email}</td>
                <td className="px-4 py-3">
                  <RoleCell teamSlug={teamSlug} member={m} />
                </td>
                <td className="px-4 py-3 text-slate-600">
                  <time dateTime={m.joinedAt}>{dateFormat.format(new Date(m.joinedAt))}</time>
                </td>
                <td className="px-4 py-3 text-slate-600">
                  {m.lastActiveAt ? <time dateTime={m.lastActiveAt}>{dateTimeFormat.format(new Date(m.lastActiveAt))}</time> : "Never"}
                </td>
                <td className="px-4 py-3">
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
                        onDone={() => setStatus(`${m.email} was removed.`)}
                      />
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {self ? (
        <div className="flex justify-end">
          <ConfirmDialog
            trigger={<Button variant="secondary" size="sm">Leave team</Button>}
            title={`Leave ${teamName}?`}
            description="You lose access to this team and its secrets. An Owner or Admin must invite you again to come back."
            confirmLabel="Leave team"
            action={() => leaveTeamAction(teamSlug)}
            onDone={() => router.push("/teams")}
          />
        </div>
      ) : null}
    </div>
  );
}

export function InvitationsList({ teamSlug, invitations }: { teamSlug: string; invitations: TInvitationDTO[] }) {
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
          {!i.canRevoke ? null : (
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
          />
          )}
        </li>
      ))}
    </ul>
  );
}

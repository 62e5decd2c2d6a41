"use server";
// Server actions of the Members page. Authorization (who may invite, change or remove whom, and the
// last-Owner rule) lives in the DAL, inside the transaction that makes the change.
import { z } from "zod";
import { appOrigin } from "@/lib/app-origin";
import { createInvitation, revokeInvitation } from "@/lib/dal/invitations";
import { changeMemberRole, leaveTeam, removeMember, transferOwnership } from "@/lib/dal/members";
import { isMailConfigured, sendMail } from "@/lib/mail";
import { runTeamAction } from "@/lib/team-action";
import { dalAction, teamScope } from "../dal-action";
import { ZChangeRoleInput, ZInvitationRef, ZInviteInput, ZMemberRef } from "@/lib/validation/members";

const membersPath = (slug: string) => `/teams/${slug}/settings/members`;

export async function inviteMemberAction(teamSlug: unknown, input: unknown) {
  return runTeamAction("inviteMember", teamSlug, ZInviteInput, input, async (ctx, data) => {
    const inv = await createInvitation({ ...teamScope(ctx), ...data });
    const link = `${await appOrigin()}/invite/${inv.token}`;
    const mailed = isMailConfigured()
      ? await sendMail(
          data.email,
          `You are invited to ${inv.teamName} on Team Secrets`,
          `${ctx.user.name || ctx.user.email} invited you to the team "${inv.teamName}".\n\nAccept the invitation: ${link}\n\nThe link works once and expires on ${new Date(inv.expiresAt).toUTCString()}.`,
        )
      : false;
    return { link, mailed, mailConfigured: isMailConfigured(), expiresAt: inv.expiresAt, email: data.email };
  }, membersPath);
}

export const revokeInvitationAction = dalAction("revokeInvitation", ZInvitationRef, revokeInvitation, membersPath);
export const changeMemberRoleAction = dalAction("changeMemberRole", ZChangeRoleInput, changeMemberRole, membersPath);
export const removeMemberAction = dalAction("removeMember", ZMemberRef, removeMember, membersPath);
export const transferOwnershipAction = dalAction("transferOwnership", ZMemberRef, transferOwnership, membersPath);

export async function leaveTeamAction(teamSlug: unknown) {
  return runTeamAction("leaveTeam", teamSlug, z.object({}), {}, async (ctx) => {
    await leaveTeam(teamScope(ctx));
    return null;
  }, () => "/teams");
}

"use client";
// Invite member: email + role; shows the single-use invitation link once, with a copy button.
import { UserPlus } from "lucide-react";
import { useState, type FormEvent } from "react";
import { inviteMemberAction } from "@/app/teams/[team]/settings/members/actions";
import { ShownOnceBody } from "@/components/shared/shown-once";
import { useDialogMutation } from "@/components/shared/use-dialog-mutation";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogFormFooter, DialogTrigger } from "@/components/ui/dialog";
import { FieldError, FormAlert, Input, inputClass, Label } from "@/components/ui/field";
import { Field } from "@/components/ui/form-field";
import type { TRole } from "@/lib/authz/policy";
import { membersKeys } from "@/lib/queries/keys";

type Created = { link: string; mailed: boolean; mailConfigured: boolean; expiresAt: string; email: string };

export function InviteMemberDialog({ teamSlug, canInviteOwner }: { teamSlug: string; canInviteOwner: boolean }) {
  const [created, setCreated] = useState<Created | null>(null);
  const action = useDialogMutation((input: { email: string; role: TRole }) => inviteMemberAction(teamSlug, input), {
    invalidates: [membersKeys.invitations(teamSlug)],
    onReset: () => setCreated(null),
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    action.run({ email: String(fd.get("email") ?? ""), role: String(fd.get("role") ?? "editor") as TRole }, setCreated);
  }

  const f = action.failure;
  return (
    <Dialog open={action.open} onOpenChange={action.onOpenChange}>
      <DialogTrigger asChild>
        <Button>
          <UserPlus className="size-4" aria-hidden />
          Invite member
        </Button>
      </DialogTrigger>
      <DialogContent title="Invite member" description="The invitation link works once and expires in 7 days.">
        {created ? (
          <ShownOnceBody
            label="Invitation link"
            value={created.link}
            copyLabel="Copy link"
            status={
              <>
                {created.mailed
                  ? "We also emailed this link to the invitee."
                  : created.mailConfigured
                    ? "The email could not be sent: share this link yourself."
                    : "Email is not configured, so the link was not mailed: share it yourself."}{" "}
                It is shown only once.
              </>
            }
          >
            {!created.mailConfigured ? (
              <p role="note" className="text-sm font-medium text-amber-800">
                This is a bearer link: without email configured, addresses cannot be verified, so whoever holds the link can create an
                account for {created.email} and join. Send it only over a channel you trust.
              </p>
            ) : null}
          </ShownOnceBody>
        ) : (
          <form method="post" onSubmit={onSubmit} noValidate>
            <fieldset disabled={action.pending} className="space-y-4">
              <Field id="invite-email" label="Email" errors={f?.fieldErrors?.email}>
                {(control) => <Input {...control} name="email" type="email" autoComplete="off" className="mt-1.5" />}
              </Field>
              <div>
                <Label htmlFor="invite-role">Role</Label>
                <select id="invite-role" name="role" defaultValue="editor" className={`${inputClass} mt-1.5`}>
                  <option value="editor">Editor — sees secrets masked, changes nothing</option>
                  <option value="admin">Admin — manages secrets and Editors</option>
                  {canInviteOwner ? <option value="owner">Owner — manages everything</option> : null}
                </select>
                <FieldError id="invite-role-error" messages={f?.fieldErrors?.role} />
              </div>
              {f && !f.fieldErrors?.email && !f.fieldErrors?.role ? <FormAlert message={f.message} /> : null}
              <DialogFormFooter submit="Create invitation" pendingSubmit="Creating…" pending={action.pending} />
            </fieldset>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

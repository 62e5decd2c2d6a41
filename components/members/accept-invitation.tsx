"use client";
// Accept an invitation. A form posting to the server action, so it also works before hydration or without
// scripts (the token travels in the POST body); with scripts the same action runs through the form's action.
import { useActionState } from "react";
import { acceptInvitationFormAction } from "@/app/invite/[token]/actions";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/field";

export function AcceptInvitation({ token }: { token: string }) {
  const [result, formAction, pending] = useActionState(acceptInvitationFormAction, null);
  const error = result && !result.ok ? result.message : null;
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="token" value={token} />
      <FormAlert message={error} />
      <Button type="submit" disabled={pending}>
        {pending ? "Joining…" : "Accept invitation"}
      </Button>
    </form>
  );
}

"use client";
// "Rotate signing secret NAME" (Owners/Admins): rotates at once — the previous secret keeps signing for 24
// hours, so nothing breaks while the receiver is updated — and shows the new secret once in a dialog.
import { KeyRound } from "lucide-react";
import { useState } from "react";
import { rotateSigningSecretAction } from "@/app/teams/[team]/settings/webhooks/actions";
import { ShownOnceBody } from "@/components/shared/shown-once";
import { useTeamMutation } from "@/components/shared/use-team-mutation";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { webhooksKeys } from "@/lib/queries/keys";
import { SIGNING_SECRET_HINT } from "./webhook-dialog";

const timeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

export function RotateSigningSecret({ teamSlug, webhookId, name }: { teamSlug: string; webhookId: string; name: string }) {
  const rotate = useTeamMutation((input: { webhookId: string }) => rotateSigningSecretAction(teamSlug, input), {
    invalidates: [webhooksKeys.all(teamSlug)],
  });
  const [shown, setShown] = useState<{ signingSecret: string; previousValidUntil: string | null } | null>(null);
  return (
    <>
      <Button
        variant="ghost"
        size="icon"
        aria-label={`Rotate signing secret ${name}`}
        title="Rotate signing secret"
        disabled={rotate.pending}
        onClick={() => rotate.run({ webhookId }, (data) => setShown({ signingSecret: data.signingSecret, previousValidUntil: data.previousValidUntil }))}
      >
        <KeyRound className="size-4" aria-hidden />
      </Button>
      {rotate.failure ? (
        <p role="alert" className="max-w-40 text-xs text-red-700">
          {rotate.failure.message}
        </p>
      ) : null}
      <Dialog
        open={shown !== null}
        onOpenChange={(open) => {
          if (!open) {
            setShown(null);
            rotate.reset();
          }
        }}
      >
        {shown ? (
          <DialogContent
            title={`New signing secret for ${name}`}
            description={
              shown.previousValidUntil
                ? `Until ${timeFormat.format(new Date(shown.previousValidUntil))} deliveries are signed with both the previous and this secret; after that with this one only.`
                : "Deliveries are signed with this secret from now on."
            }
          >
            <ShownOnceBody label="Signing secret" value={shown.signingSecret} copyLabel="Copy signing secret" hint={SIGNING_SECRET_HINT} />
          </DialogContent>
        ) : null}
      </Dialog>
    </>
  );
}

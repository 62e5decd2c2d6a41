"use client";
// Edit details (Owners and Admins): what can change about a secret without touching its value — its
// description. The value, name and visibility stay as they are, so no version check is involved. Checked in
// the browser with the same rule the server applies; the server's refusals land on the same field.
import { FileText } from "lucide-react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { updateSecretDetailsAction } from "@/app/teams/[team]/settings/secrets/actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/field";
import type { TSecretDTO } from "@/lib/dal/secrets";
import { secretDescriptionProblem } from "@/lib/validation/secret-rules";
import { DescriptionField } from "./description-field";
import { useSecretMutation } from "./use-secret-mutation";

type TDetailsInput = { secretId: string; description: string };

export function EditSecretDetailsDialog({
  teamSlug,
  secret,
  onSaved,
}: {
  teamSlug: string;
  secret: Pick<TSecretDTO, "id" | "name" | "description">;
  onSaved: (name: string, changed: boolean) => void;
}) {
  const [open, setOpen] = useState(false);
  const [clientError, setClientError] = useState<string | null>(null);
  const descriptionRef = useRef<HTMLTextAreaElement>(null);
  const mutation = useSecretMutation(teamSlug, (input: TDetailsInput) => updateSecretDetailsAction(teamSlug, input), (data) => {
    setOpen(false);
    onSaved(data.name, data.changed.length > 0);
  });
  const failure = mutation.data && !mutation.data.ok ? mutation.data : null;
  const pending = mutation.isPending;
  const descriptionErrors = clientError ? [clientError] : failure?.fieldErrors?.description;

  useEffect(() => {
    if (failure?.fieldErrors?.description) descriptionRef.current?.focus();
  }, [failure]);

  function onOpenChange(next: boolean) {
    if (pending) return;
    if (!next) {
      mutation.reset();
      setClientError(null);
    }
    setOpen(next);
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const description = String(new FormData(e.currentTarget).get("description") ?? "");
    const problem = secretDescriptionProblem(description);
    setClientError(problem);
    if (problem) {
      mutation.reset();
      descriptionRef.current?.focus();
      return;
    }
    mutation.mutate({ secretId: secret.id, description });
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="icon" aria-label={`Edit ${secret.name}`} title={`Edit details of ${secret.name}`}>
          <FileText className="size-4" aria-hidden />
        </Button>
      </DialogTrigger>
      <DialogContent title={`Edit ${secret.name}`} description="Details describe the secret; its value is not changed here (use Rotate for that).">
        <form method="post" onSubmit={onSubmit} noValidate>
          <fieldset disabled={pending} className="space-y-4">
            <DescriptionField
              id={`edit-${secret.id}-description`}
              defaultValue={secret.description ?? ""}
              errors={descriptionErrors}
              fieldRef={descriptionRef}
              onEdit={() => clientError && setClientError(null)}
              autoFocus
            />
            {failure && !failure.fieldErrors?.description ? <FormAlert message={failure.message} /> : null}
            <div className="flex justify-end gap-2 pt-2">
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button type="submit">{pending ? "Saving…" : "Save details"}</Button>
            </div>
          </fieldset>
        </form>
      </DialogContent>
    </Dialog>
  );
}

"use client";
// Rotate: a new value becomes version n+1 and the previous ciphertext is destroyed. The expected version
// travels with the save, so a rotation or deletion by someone else since the dialog opened is refused.
import { Pencil } from "lucide-react";
import { useState, type FormEvent } from "react";
import { rotateSecretAction } from "@/app/teams/[team]/settings/secrets/actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/field";
import { SecretValueField } from "./secret-value-field";
import type { TSecretDTO } from "@/lib/dal/secrets";
import { useSecretMutation } from "./use-secret-mutation";
import { ConsumerList } from "./used-by";

export function RotateSecretDialog({
  teamSlug,
  secret,
  onRotated,
}: {
  teamSlug: string;
  secret: { id: string; name: string; version: number; usedBy: TSecretDTO["usedBy"] };
  onRotated: (name: string, version: number) => void;
}) {
  const [open, setOpen] = useState(false);
  // The version seen when the dialog opened, not whatever the table shows after a refetch.
  const [expectedVersion, setExpectedVersion] = useState(secret.version);
  const mutation = useSecretMutation(teamSlug, (fd: FormData) => rotateSecretAction(teamSlug, fd), (data) => {
    setOpen(false);
    onRotated(data.name, data.version);
  });
  const failure = mutation.data && !mutation.data.ok ? mutation.data : null;
  const pending = mutation.isPending;

  function onOpenChange(next: boolean) {
    if (pending) return;
    if (next) setExpectedVersion(secret.version);
    else mutation.reset();
    setOpen(next);
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    mutation.mutate(new FormData(e.currentTarget));
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="icon" aria-label={`Rotate ${secret.name}`} title={`Rotate ${secret.name}`}>
          <Pencil className="size-4" aria-hidden />
        </Button>
      </DialogTrigger>
      <DialogContent
        title={`Rotate ${secret.name}`}
        description={`Saving makes version ${expectedVersion + 1} and permanently destroys the current value (version ${expectedVersion}). Software that uses ${secret.name} gets the new value from then on.`}
      >
        <form onSubmit={onSubmit} noValidate>
          <input type="hidden" name="secretId" value={secret.id} />
          <input type="hidden" name="expectedVersion" value={expectedVersion} />
          <fieldset disabled={pending} className="space-y-4">
            {secret.usedBy.length > 0 ? (
              <div className="rounded-md bg-slate-50 p-3 ring-1 ring-slate-200">
                <p className="mb-2 text-sm text-slate-700">
                  {secret.usedBy.some((c) => c.kind === "webhook")
                    ? "The next delivery of these webhooks sends the new value; these tokens read it on their next request:"
                    : "These access tokens read the new value on their next request:"}
                </p>
                <ConsumerList consumers={secret.usedBy} />
              </div>
            ) : (
              <p className="text-sm text-slate-600">Nothing uses {secret.name} yet.</p>
            )}
            <SecretValueField errors={failure?.fieldErrors?.value} autoFocus />
            {failure && !failure.fieldErrors?.value ? <FormAlert message={failure.message} /> : null}
            <div className="flex justify-end gap-2 pt-2">
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button type="submit">{pending ? "Rotating…" : "Rotate secret"}</Button>
            </div>
          </fieldset>
        </form>
      </DialogContent>
    </Dialog>
  );
}

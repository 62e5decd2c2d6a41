"use client";
// Delete: names the secret, says it is immediate and permanent, and needs an explicit confirm. A secret in
// use cannot be deleted, so then the dialog offers no Delete at all: it lists the consumers, with links.
import { Trash2 } from "lucide-react";
import { useState } from "react";
import { deleteSecretAction } from "@/app/teams/[team]/settings/secrets/actions";
import { AlertDialog, AlertDialogCancel, AlertDialogContent, AlertDialogTrigger } from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/field";
import { useSecretMutation } from "./use-secret-mutation";
import { ConsumerList } from "./used-by";
import type { TSecretDTO } from "@/lib/types/secrets";

export function DeleteSecretDialog({
  teamSlug,
  secret,
  onDeleted,
}: {
  teamSlug: string;
  secret: { id: string; name: string; version: number; usedBy: TSecretDTO["usedBy"] };
  onDeleted: (name: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [expectedVersion, setExpectedVersion] = useState(secret.version);
  const mutation = useSecretMutation(
    teamSlug,
    (input: { secretId: string; expectedVersion: number }) => deleteSecretAction(teamSlug, input),
    (data) => {
      setOpen(false);
      onDeleted(data.name);
    },
  );
  const failure = mutation.data && !mutation.data.ok ? mutation.data : null;
  const pending = mutation.isPending;
  const inUse = secret.usedBy.length > 0;

  function onOpenChange(next: boolean) {
    if (pending) return;
    if (next) setExpectedVersion(secret.version);
    else mutation.reset();
    setOpen(next);
  }

  return (
    <AlertDialog open={open} onOpenChange={onOpenChange}>
      <AlertDialogTrigger asChild>
        <Button variant="ghost" size="icon" aria-label={`Delete ${secret.name}`} title={`Delete ${secret.name}`} className="hover:text-red-700">
          <Trash2 className="size-4" aria-hidden />
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent
        title={`Delete ${secret.name}?`}
        description={
          inUse ? (
            <div className="space-y-2">
              <p className="[overflow-wrap:anywhere]">
                <strong className="font-mono">{secret.name}</strong> is in use and cannot be deleted. Remove it from these first:
              </p>
              <ConsumerList consumers={secret.usedBy} />
            </div>
          ) : (
            <p className="[overflow-wrap:anywhere]">
              <strong className="font-mono">{secret.name}</strong> and every stored version of its value will be deleted immediately
              and permanently. Software that uses it will no longer get it. This cannot be undone.
            </p>
          )
        }
      >
        <div className="space-y-4">
          {failure ? <FormAlert message={failure.message} /> : null}
          <div className="flex justify-end gap-2">
            <AlertDialogCancel asChild>
              <Button variant="secondary" disabled={pending}>
                {inUse ? "Close" : "Cancel"}
              </Button>
            </AlertDialogCancel>
            {inUse ? null : (
              <Button variant="danger" disabled={pending} onClick={() => mutation.mutate({ secretId: secret.id, expectedVersion })}>
                {pending ? "Deleting…" : "Delete"}
              </Button>
            )}
          </div>
        </div>
      </AlertDialogContent>
    </AlertDialog>
  );
}

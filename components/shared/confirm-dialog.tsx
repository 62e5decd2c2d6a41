"use client";
// A confirmation (Radix AlertDialog: focus starts on Cancel, a click outside does not confirm) whose confirm
// button runs a server action through useDialogMutation. It stays open, with the message, when the action is
// refused, and cannot close while it runs. Without an action (the change cannot succeed, e.g. a secret in
// use) it only explains, with a Close button.
import type { QueryKey } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { AlertDialog, AlertDialogCancel, AlertDialogContent, AlertDialogTrigger } from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/field";
import type { ActionResult } from "@/lib/errors";
import { useDialogMutation } from "./use-dialog-mutation";

export function ConfirmDialog<T>({
  trigger,
  title,
  description,
  confirmLabel,
  pendingLabel,
  action,
  invalidates,
  onOpen,
  onDone,
  defaultOpen = false,
}: {
  trigger: ReactNode;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  /** The confirm button's text while the action runs (default: unchanged). */
  pendingLabel?: string;
  action: (() => Promise<ActionResult<T>>) | null;
  invalidates: readonly QueryKey[];
  /** Runs as the dialog opens (to note what the user saw, e.g. the version a delete expects). */
  onOpen?: () => void;
  onDone?: (data: T) => void;
  /** Mounted open (a deferred dialog, opened by its trigger): onOpen does not run, the caller's initial state is what it notes. */
  defaultOpen?: boolean;
}) {
  const mutation = useDialogMutation(() => action!(), { invalidates, defaultOpen, onOpen });
  const { pending, failure } = mutation;
  return (
    <AlertDialog open={mutation.open} onOpenChange={mutation.onOpenChange}>
      <AlertDialogTrigger asChild>{trigger}</AlertDialogTrigger>
      <AlertDialogContent title={title} description={description}>
        <div className="space-y-4">
          {failure ? <FormAlert message={failure.message} /> : null}
          <div className="flex justify-end gap-2">
            <AlertDialogCancel asChild>
              <Button variant="secondary" disabled={pending}>
                {action ? "Cancel" : "Close"}
              </Button>
            </AlertDialogCancel>
            {action ? (
              <Button
                variant="danger"
                disabled={pending}
                onClick={() =>
                  mutation.run(undefined, (data) => {
                    mutation.setOpen(false);
                    onDone?.(data);
                  })
                }
              >
                {pending && pendingLabel ? pendingLabel : confirmLabel}
              </Button>
            ) : null}
          </div>
        </div>
      </AlertDialogContent>
    </AlertDialog>
  );
}

"use client";
// A confirmation (Radix AlertDialog) whose confirm button runs a server action; stays open, with the
// message, when the action is refused.
import { useState, type ReactNode } from "react";
import { AlertDialog, AlertDialogCancel, AlertDialogContent, AlertDialogTrigger } from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/field";
import type { ActionResult } from "@/lib/errors";
import { useServerAction } from "./use-action";

export function ConfirmDialog<T>({
  trigger,
  title,
  description,
  confirmLabel,
  action,
  onDone,
}: {
  trigger: ReactNode;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  action: () => Promise<ActionResult<T>>;
  onDone?: (data: T) => void;
}) {
  const [open, setOpen] = useState(false);
  const run = useServerAction(action);
  return (
    <AlertDialog
      open={open}
      onOpenChange={(next) => {
        if (run.pending) return;
        setOpen(next);
        if (!next) run.reset();
      }}
    >
      <AlertDialogTrigger asChild>{trigger}</AlertDialogTrigger>
      <AlertDialogContent title={title} description={description}>
        <div className="space-y-4">
          {run.failure ? <FormAlert message={run.failure.message} /> : null}
          <div className="flex justify-end gap-2">
            <AlertDialogCancel asChild>
              <Button variant="secondary" disabled={run.pending}>
                Cancel
              </Button>
            </AlertDialogCancel>
            <Button
              variant="danger"
              disabled={run.pending}
              onClick={() =>
                run.run(undefined, (data) => {
                  setOpen(false);
                  onDone?.(data);
                })
              }
            >
              {confirmLabel}
            </Button>
          </div>
        </div>
      </AlertDialogContent>
    </AlertDialog>
  );
}

"use client";
// A dialog whose form runs one server action (STYLE "Components"): it cannot close while the action runs,
// closing forgets the action's answer (and whatever `onReset` clears), and with `onSaved` a success closes
// the dialog before the caller hears of it. The open state and the mutation are returned together.
import type { QueryKey } from "@tanstack/react-query";
import { useState } from "react";
import type { ActionResult } from "@/lib/errors";
import { useTeamMutation } from "./use-team-mutation";

export function useDialogMutation<TIn, TOut>(
  action: (input: TIn) => Promise<ActionResult<TOut>>,
  options: {
    invalidates: readonly QueryKey[];
    /** Mounted open (a deferred dialog, opened by its trigger). */
    defaultOpen?: boolean;
    /** While the action runs the dialog stays open, unless this is true (its answer is already shown). */
    closableWhilePending?: boolean;
    /** Runs as the dialog opens (to note what the user saw, e.g. the version a write expects). */
    onOpen?: () => void;
    /** Runs as the dialog closes, after the answer is forgotten: clears the dialog's own state. */
    onReset?: () => void;
    /** A success: the dialog closes, then this runs (options-level, so it runs even if the row unmounts). */
    onSaved?: (data: TOut) => void;
    onSettled?: () => void;
  },
) {
  const [open, setOpen] = useState(options.defaultOpen ?? false);
  const { onSaved } = options;
  const mutation = useTeamMutation(action, {
    invalidates: options.invalidates,
    onSettled: options.onSettled,
    onSuccess: onSaved
      ? (data) => {
          setOpen(false);
          onSaved(data);
        }
      : undefined,
  });

  function onOpenChange(next: boolean) {
    if (mutation.pending && !options.closableWhilePending) return;
    if (next) options.onOpen?.();
    else {
      mutation.reset();
      options.onReset?.();
    }
    setOpen(next);
  }

  return { ...mutation, open, setOpen, onOpenChange };
}

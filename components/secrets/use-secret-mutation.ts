"use client";
// Runs a secrets server action through TanStack Query and refreshes the table on success. A rejected or
// thrown call becomes a typed failure so dialogs always have a message to show.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ActionResult } from "@/lib/errors";
import { secretsKeys } from "@/lib/queries/keys";

export function useSecretMutation<TIn, TOut>(
  teamSlug: string,
  action: (input: TIn) => Promise<ActionResult<TOut>>,
  onSuccess: (data: TOut) => void,
) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: secretsKeys.all(teamSlug) });
  const mutation = useMutation({
    mutationFn: async (input: TIn): Promise<ActionResult<TOut>> => {
      try {
        return await action(input);
      } catch {
        return { ok: false, code: "unexpected", message: "Could not reach the server. Nothing was changed; please try again." };
      }
    },
    onSuccess: async (result) => {
      if (result.ok) {
        await refresh();
        onSuccess(result.data);
      }
    },
  });
  return {
    ...mutation,
    // A stale write means the table is out of date too, but refreshing it while the dialog is open would
    // re-render (or remove) the row that owns the dialog and take the "someone changed it" message with it:
    // refresh when the dialog closes instead.
    reset: () => {
      if (mutation.data && !mutation.data.ok && mutation.data.code === "stale") void refresh();
      mutation.reset();
    },
  };
}

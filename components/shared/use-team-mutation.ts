"use client";
// The one way a settings page runs a server action: through TanStack Query's useMutation. A thrown call
// (network, server down) becomes a typed failure, so dialogs always have a message to show; on success the
// query keys the change makes stale are invalidated — and refetched — before the caller's callbacks run, so a
// dialog closes onto the updated list. (The action's revalidatePath refreshes the server-rendered frame, such
// as the tabs' counts, in the same response.)
import { useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";
import type { ActionResult } from "@/lib/errors";

/** What a call that never reached the server (network, server down) answers. */
export const UNREACHABLE = {
  ok: false,
  code: "unexpected",
  message: "Could not reach the server. Nothing was changed; please try again.",
} as const satisfies ActionResult<never>;

export function useTeamMutation<TIn, TOut>(
  action: (input: TIn) => Promise<ActionResult<TOut>>,
  options: {
    /** What the change makes stale: each key and everything under it is refetched. */
    invalidates: readonly QueryKey[];
    onSuccess?: (data: TOut, input: TIn) => void;
    /** After every answer, success or refusal (e.g. to put focus back on the field). */
    onSettled?: () => void;
  },
) {
  const queryClient = useQueryClient();
  const refresh = () => Promise.all(options.invalidates.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
  const mutation = useMutation({
    mutationFn: async (input: TIn): Promise<ActionResult<TOut>> => {
      try {
        return await action(input);
      } catch {
        return UNREACHABLE;
      }
    },
    // Options-level, so it runs even when the change unmounts the component (a removed row's dialog).
    onSuccess: async (result, input) => {
      if (!result.ok) return;
      await refresh();
      options.onSuccess?.(result.data, input);
    },
    onSettled: () => options.onSettled?.(),
  });
  const result = mutation.data ?? null;
  return {
    /** Runs the action; `onDone` gets the data of a successful result, after the refetch. */
    run(input: TIn, onDone?: (data: TOut) => void) {
      void mutation.mutateAsync(input).then(
        (r) => {
          if (r.ok) onDone?.(r.data);
        },
        () => undefined,
      );
    },
    pending: mutation.isPending,
    result,
    failure: result && !result.ok ? result : null,
    // A stale write means the list is out of date too, but refreshing it while the dialog is open would
    // re-render (or remove) the row that owns the dialog and take the "someone changed it" message with it:
    // refresh when the dialog closes instead.
    reset() {
      if (result && !result.ok && result.code === "stale") void refresh();
      mutation.reset();
    },
  };
}

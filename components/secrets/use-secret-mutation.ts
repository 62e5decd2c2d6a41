"use client";
// Runs a secrets server action through TanStack Query and refreshes the table on success. A rejected or
// thrown call becomes a typed failure so dialogs always have a message to show.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ActionResult } from "@/lib/errors";
import { secretsKeys } from "@/lib/query-keys";

export function useSecretMutation<TIn, TOut>(
  teamSlug: string,
  action: (input: TIn) => Promise<ActionResult<TOut>>,
  onSuccess: (data: TOut) => void,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: TIn): Promise<ActionResult<TOut>> => {
      try {
        return await action(input);
      } catch {
        return { ok: false, code: "unexpected", message: "Could not reach the server. Nothing was changed; please try again." };
      }
    },
    onSuccess: async (result) => {
      // A stale write means the table is out of date too: refresh it either way.
      if (result.ok || result.code === "stale") {
        await queryClient.invalidateQueries({ queryKey: secretsKeys.all(teamSlug) });
      }
      if (result.ok) onSuccess(result.data);
    },
  });
}

"use client";
// Runs a server action, keeps its typed failure for display, and refreshes the server-rendered page on
// success. A thrown call (network, server down) becomes a generic failure.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/errors";

export function useServerAction<TIn, TOut>(action: (input: TIn) => Promise<ActionResult<TOut>>) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<ActionResult<TOut> | null>(null);
  function run(input: TIn, onSuccess?: (data: TOut) => void) {
    startTransition(async () => {
      let r: ActionResult<TOut>;
      try {
        r = await action(input);
      } catch {
        r = { ok: false, code: "unexpected", message: "Could not reach the server. Nothing was changed; please try again." };
      }
      setResult(r);
      if (r.ok) {
        onSuccess?.(r.data);
        router.refresh();
      }
    });
  }
  const failure = result && !result.ok ? result : null;
  return { run, pending, result, failure, reset: () => setResult(null) };
}

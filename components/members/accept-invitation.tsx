"use client";
import { useState, useTransition } from "react";
import { acceptInvitationAction } from "@/app/invite/[token]/actions";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/field";

export function AcceptInvitation({ token }: { token: string }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-3">
      <FormAlert message={error} />
      <Button
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const r = await acceptInvitationAction(token).catch(() => ({ ok: false as const, message: "Could not reach the server. Please try again." }));
            if (r && !r.ok) setError(r.message);
          })
        }
      >
        {pending ? "Joining…" : "Accept invitation"}
      </Button>
    </div>
  );
}

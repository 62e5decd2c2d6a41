"use client";
// "Send verification email" on an invitation that waits for the account's address to be verified.
import { useActionState } from "react";
import { resendVerificationFormAction } from "@/app/invite/[token]/actions";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/field";

export function ResendVerification() {
  const [result, formAction, pending] = useActionState(resendVerificationFormAction, null);
  return (
    <form action={formAction} className="space-y-3">
      {result?.ok ? (
        <p role="status" className="text-sm text-slate-700">
          Sent. Open the link in that email, then come back to this page.
        </p>
      ) : (
        <FormAlert message={result && !result.ok ? result.message : null} />
      )}
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Sending…" : "Send verification email"}
      </Button>
    </form>
  );
}

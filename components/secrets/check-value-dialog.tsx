"use client";
// Check value: paste a candidate and learn only whether it is the stored value ("Matches the current value
// (version n)" or "Does not match"), announced in a status region that exists before any answer. The field
// is a textarea (multi-line values such as PEM keys or JSON can be checked), obfuscated while typed,
// uncontrolled, and gone when the dialog closes. An answer is cleared as soon as the candidate changes, so it
// never stands beside a value it was not about. Nothing the server returns contains the candidate.
import { useId, useRef, useState, type FormEvent } from "react";
import { checkSecretValueAction } from "@/app/teams/[team]/settings/secrets/actions";
import { useDialogMutation } from "@/components/shared/use-dialog-mutation";
import { Button } from "@/components/ui/button";
import { Dialog, DialogCloseButton, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { FieldError, FormAlert, inputClass, Label } from "@/components/ui/field";
import { submitOnModEnter } from "@/components/ui/form-field";
import { cn } from "@/lib/cn";
import { candidateValueProblem } from "@/lib/validation/secret-rules";
import { checkValueTrigger } from "./dialog-triggers";
import { SECRET_INPUT_PROPS } from "./secret-input-props";

export function CheckValueDialog({ teamSlug, secret, defaultOpen = false }: { teamSlug: string; secret: { id: string; name: string }; defaultOpen?: boolean }) {
  const id = useId();
  const [revealed, setRevealed] = useState(false);
  const [clientError, setClientError] = useState<string | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  // A check changes no list: nothing to invalidate.
  const mutation = useDialogMutation((fd: FormData) => checkSecretValueAction(teamSlug, fd), {
    invalidates: [],
    defaultOpen,
    onSettled: () => field.current?.focus(),
    onReset: () => {
      setClientError(null);
      setRevealed(false);
    },
  });
  const { pending, failure } = mutation;
  const result = mutation.result?.ok ? mutation.result.data : null;
  const fieldErrors = clientError ? [clientError] : failure?.fieldErrors?.candidate;
  const fieldId = `${id}-candidate`;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const problem = candidateValueProblem(field.current?.value ?? "");
    setClientError(problem);
    if (problem) {
      mutation.reset();
      field.current?.focus();
      return;
    }
    // Cleared first, so the same answer twice is still announced as a new one.
    mutation.reset();
    mutation.run(new FormData(e.currentTarget));
  }

  function onInput() {
    // The answer was about the previous candidate.
    if (mutation.result) mutation.reset();
    setClientError(null);
  }

  return (
    <Dialog open={mutation.open} onOpenChange={mutation.onOpenChange}>
      <DialogTrigger asChild>{checkValueTrigger(secret.name)}</DialogTrigger>
      <DialogContent
        title={`Check ${secret.name}`}
        description="Paste a value to learn whether it is the one stored here, for example the copy in your password manager. The stored value is never shown: the answer is only whether they match."
      >
        <form method="post" onSubmit={onSubmit} noValidate>
          <input type="hidden" name="secretId" value={secret.id} />
          <fieldset disabled={pending} className="space-y-4">
            <div>
              <Label htmlFor={fieldId}>Candidate value</Label>
              <textarea
                ref={field}
                id={fieldId}
                name="candidate"
                rows={3}
                autoFocus
                {...SECRET_INPUT_PROPS}
                aria-invalid={fieldErrors?.length ? true : undefined}
                aria-describedby={[hintId, fieldErrors?.length ? errorId : undefined].filter(Boolean).join(" ")}
                onInput={onInput}
                onKeyDown={submitOnModEnter}
                className={cn(inputClass, "mt-1.5 resize-y font-mono", !revealed && "secret-obfuscated")}
              />
              <div className="mt-1 flex justify-end">
                <Button variant="ghost" size="sm" aria-controls={fieldId} onClick={() => setRevealed((r) => !r)}>
                  {revealed ? "Hide candidate" : "Reveal candidate"}
                </Button>
              </div>
              <FieldError id={errorId} messages={fieldErrors} />
              <p id={hintId} className="mt-1 text-xs text-slate-600">
                Compared exactly, including spaces and line breaks. Checks are rate limited, and each is recorded in the audit
                log (without the candidate).
              </p>
            </div>
            <p
              role="status"
              className={cn(
                "min-h-5 text-sm font-medium",
                result?.matches ? "text-emerald-700" : "text-slate-900",
              )}
            >
              {result ? (result.matches ? `Matches the current value (version ${result.version})` : "Does not match") : null}
            </p>
            {failure && !failure.fieldErrors?.candidate ? <FormAlert message={failure.message} /> : null}
            <div className="flex justify-end gap-2">
              <DialogCloseButton>Close</DialogCloseButton>
              <Button type="submit">Check</Button>
            </div>
          </fieldset>
        </form>
      </DialogContent>
    </Dialog>
  );
}

"use client";
// Edit details (Owners and Admins): what can change about a secret without touching its value — its
// description, expiry date, rotation period and "Stop serving after expiry". The value, name and visibility stay
// as they are, so no version check is involved. Checked in the browser with the rules the server applies; the
// server's refusals land on the same fields.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { updateSecretDetailsAction } from "@/app/teams/[team]/settings/secrets/actions";
import { Dialog, DialogContent, DialogFormFooter, DialogTrigger } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/field";
import { secretDescriptionProblem } from "@/lib/validation/secret-rules";
import { DescriptionField } from "./description-field";
import { LifecycleFields, lifecycleInput, lifecycleProblems, type TLifecycleErrors } from "./lifecycle-fields";
import { useDialogMutation } from "@/components/shared/use-dialog-mutation";
import { secretsKeys } from "@/lib/queries/keys";
import type { TSecretDTO } from "@/lib/types/secrets";
import { editDetailsTrigger } from "./dialog-triggers";

type TDetailsInput = { secretId: string; description: string } & ReturnType<typeof lifecycleInput>;
type TErrors = { description?: string[] } & TLifecycleErrors;
const ORDER = ["description", "expiresOn", "rotateEveryDays", "stopServingAfterExpiry"] as const;

export function EditSecretDetailsDialog({
  teamSlug,
  secret,
  onSaved,
  defaultOpen = false,
}: {
  teamSlug: string;
  secret: Pick<TSecretDTO, "id" | "name" | "description" | "expiresOn" | "rotateEveryDays" | "stopServingAfterExpiry">;
  onSaved: (name: string, changed: boolean) => void;
  defaultOpen?: boolean;
}) {
  const [clientErrors, setClientErrors] = useState<TErrors | null>(null);
  const descriptionRef = useRef<HTMLTextAreaElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const mutation = useDialogMutation((input: TDetailsInput) => updateSecretDetailsAction(teamSlug, input), {
    invalidates: [secretsKeys.all(teamSlug)],
    defaultOpen,
    onReset: () => setClientErrors(null),
    onSaved: (data) => onSaved(data.name, data.changed.length > 0),
  });
  const failure = mutation.failure;
  const pending = mutation.pending;
  const errors: TErrors = clientErrors ?? (failure?.fieldErrors as TErrors | undefined) ?? {};
  const hasFieldErrors = ORDER.some((f) => errors[f]?.length);

  function focusFirst(e: TErrors) {
    const first = ORDER.find((f) => e[f]?.length);
    if (first === "description") descriptionRef.current?.focus();
    else if (first) (formRef.current?.elements.namedItem(first) as HTMLElement | null)?.focus();
  }

  useEffect(() => {
    if (failure?.fieldErrors) focusFirst(failure.fieldErrors as TErrors);
  }, [failure]);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const description = String(new FormData(form).get("description") ?? "");
    const found: TErrors = { ...lifecycleProblems(form) };
    const problem = secretDescriptionProblem(description);
    if (problem) found.description = [problem];
    if (ORDER.some((f) => found[f]?.length)) {
      mutation.reset();
      setClientErrors(found);
      focusFirst(found);
      return;
    }
    setClientErrors(null);
    mutation.run({ secretId: secret.id, description, ...lifecycleInput(form) });
  }

  return (
    <Dialog open={mutation.open} onOpenChange={mutation.onOpenChange}>
      <DialogTrigger asChild>{editDetailsTrigger(secret.name)}</DialogTrigger>
      <DialogContent title={`Edit ${secret.name}`} description="Details describe the secret; its value is not changed here (use Rotate for that).">
        <form ref={formRef} method="post" onSubmit={onSubmit} noValidate>
          <fieldset disabled={pending} className="space-y-4">
            <DescriptionField
              id={`edit-${secret.id}-description`}
              defaultValue={secret.description ?? ""}
              errors={errors.description}
              fieldRef={descriptionRef}
              onEdit={() => clientErrors?.description && setClientErrors((c) => (c ? { ...c, description: undefined } : c))}
              autoFocus
            />
            <LifecycleFields
              idPrefix={`edit-${secret.id}`}
              defaults={secret}
              errors={errors}
              onEdit={(f) => clientErrors?.[f] && setClientErrors((c) => (c ? { ...c, [f]: undefined } : c))}
            />
            {failure && !hasFieldErrors ? <FormAlert message={failure.message} /> : null}
            <DialogFormFooter submit="Save details" pendingSubmit="Saving…" pending={pending} />
          </fieldset>
        </form>
      </DialogContent>
    </Dialog>
  );
}

"use client";
// New secret: name and visibility (both fixed afterwards, and the dialog says so) and a value (typed,
// pasted, chosen or dropped as a file). What the browser can check — name rules, an empty or oversized value,
// a file that is empty or not JSON — is checked before submitting, every problem at once, each on its own
// field; the server checks again and its errors land the same way. Focus goes to the first invalid field.
// Nothing the user typed is ever shortened: a 70-character name is refused with a message, not cut.
import { useEffect, useRef, useState, type FormEvent, type Ref } from "react";
import { createSecretAction } from "@/app/teams/[team]/settings/secrets/actions";
import { Dialog, DialogContent, DialogFormFooter, DialogTrigger } from "@/components/ui/dialog";
import { FieldError, FormAlert, Input } from "@/components/ui/field";
import { Field } from "@/components/ui/form-field";
import { secretDescriptionProblem, secretNameProblem } from "@/lib/validation/secret-rules";
import { DescriptionField } from "./description-field";
import { LifecycleFields, lifecycleProblems } from "./lifecycle-fields";
import { SecretValueField, type TSecretValueHandle } from "./secret-value-field";
import { useDialogMutation } from "@/components/shared/use-dialog-mutation";
import { secretsKeys } from "@/lib/queries/keys";
import { newSecretTrigger } from "./dialog-triggers";

const VISIBILITY_OPTIONS = [
  { value: "masked", label: "Masked", hint: "Every member sees its fingerprint; Editors can use it in webhooks." },
  { value: "restricted", label: "Restricted", hint: "Editors see only that it exists; only Owners and Admins see its fingerprint and can use it." },
] as const;

type TFieldErrors = Partial<Record<"name" | "description" | "value" | "file" | "expiresOn" | "rotateEveryDays" | "stopServingAfterExpiry" | "visibility", string[]>>;
const FIELD_ORDER = ["name", "value", "file", "description", "expiresOn", "rotateEveryDays", "visibility"] as const;

export function NewSecretDialog({
  teamSlug,
  onCreated,
  trigger,
  triggerRef,
  defaultOpen = false,
}: {
  teamSlug: string;
  onCreated: (name: string) => void;
  trigger?: React.ReactNode;
  triggerRef?: Ref<HTMLButtonElement>;
  defaultOpen?: boolean;
}) {
  const [clientErrors, setClientErrors] = useState<TFieldErrors | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const descriptionRef = useRef<HTMLTextAreaElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const visibilityRef = useRef<HTMLInputElement>(null);
  const valueField = useRef<TSecretValueHandle>(null);
  const mutation = useDialogMutation((fd: FormData) => createSecretAction(teamSlug, fd), {
    invalidates: [secretsKeys.all(teamSlug)],
    defaultOpen,
    onReset: () => setClientErrors(null),
    onSaved: (data) => onCreated(data.name),
  });
  const failure = mutation.failure;
  const pending = mutation.pending;
  const errors: TFieldErrors = clientErrors ?? (failure?.fieldErrors as TFieldErrors | undefined) ?? {};

  function focusFirst(e: TFieldErrors) {
    const first = FIELD_ORDER.find((k) => e[k]?.length);
    if (first === "name") nameRef.current?.focus();
    else if (first === "description") descriptionRef.current?.focus();
    else if (first === "expiresOn" || first === "rotateEveryDays") (formRef.current?.elements.namedItem(first) as HTMLElement | null)?.focus();
    else if (first === "value" || first === "file") valueField.current?.focus(first);
    else if (first === "visibility") visibilityRef.current?.focus();
  }

  // A server refusal moves focus like a client one: to the first field it names (a duplicate name → Name).
  useEffect(() => {
    if (failure?.fieldErrors) focusFirst(failure.fieldErrors as TFieldErrors);
  }, [failure]);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    const found: TFieldErrors = {};
    const nameProblem = secretNameProblem(String(fd.get("name") ?? ""));
    if (nameProblem) found.name = [nameProblem];
    const descriptionProblem = secretDescriptionProblem(String(fd.get("description") ?? ""));
    if (descriptionProblem) found.description = [descriptionProblem];
    Object.assign(found, lifecycleProblems(e.currentTarget));
    const valueProblem = valueField.current?.problem();
    if (valueProblem) found[valueProblem.field] = [valueProblem.message];
    if (Object.keys(found).length > 0) {
      mutation.reset();
      setClientErrors(found);
      focusFirst(found);
      return;
    }
    setClientErrors(null);
    mutation.run(fd);
  }

  const fieldMessages = FIELD_ORDER.some((k) => errors[k]?.length);
  return (
    <Dialog open={mutation.open} onOpenChange={mutation.onOpenChange}>
      <DialogTrigger asChild>
        {trigger ?? newSecretTrigger(triggerRef)}
      </DialogTrigger>
      <DialogContent
        title="New secret"
        description="The name and the visibility cannot be changed later. The value is encrypted and never shown again."
      >
        <form ref={formRef} method="post" onSubmit={onSubmit} noValidate>
          <fieldset disabled={pending} className="space-y-4">
            <Field
              id="new-secret-name"
              label="Name"
              hint="Letters, digits and _ ; not starting with a digit; at most 64 characters."
              hintClassName="mt-1 text-xs text-slate-600"
              errors={errors.name}
            >
              {(control) => (
                <Input
                  {...control}
                  ref={nameRef}
                  name="name"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="STRIPE_API_KEY"
                  className="mt-1.5 font-mono"
                  onChange={() => {
                    // The name's message goes once the name is edited; the next submit checks it again.
                    if (clientErrors?.name) setClientErrors((e) => (e ? { ...e, name: undefined } : e));
                  }}
                />
              )}
            </Field>
            <SecretValueField handle={valueField} errors={errors.value} fileErrors={errors.file} />
            <DescriptionField
              id="new-secret-description"
              errors={errors.description}
              fieldRef={descriptionRef}
              onEdit={() => {
                if (clientErrors?.description) setClientErrors((e) => (e ? { ...e, description: undefined } : e));
              }}
            />
            <LifecycleFields
              idPrefix="new-secret"
              errors={errors}
              onEdit={(f) => {
                if (clientErrors?.[f]) setClientErrors((e) => (e ? { ...e, [f]: undefined } : e));
              }}
            />
            <fieldset aria-describedby="new-secret-visibility-warning">
              <legend className="text-sm font-medium text-slate-900">Visibility</legend>
              <p id="new-secret-visibility-warning" className="mt-1 text-xs font-medium text-amber-800">
                Visibility is permanent: it cannot be changed after the secret is created.
              </p>
              <div className="mt-2 space-y-2">
                {VISIBILITY_OPTIONS.map((o) => (
                  <div key={o.value} className="flex gap-2 text-sm">
                    <input
                      ref={o.value === "masked" ? visibilityRef : undefined}
                      type="radio"
                      id={`new-secret-visibility-${o.value}`}
                      name="visibility"
                      value={o.value}
                      defaultChecked={o.value === "masked"}
                      aria-describedby={`new-secret-visibility-${o.value}-hint`}
                      className="mt-1"
                      onKeyDown={(e) => {
                        // Enter submits from every single-line control of the dialog, radios included.
                        if (e.key === "Enter") {
                          e.preventDefault();
                          e.currentTarget.form?.requestSubmit();
                        }
                      }}
                    />
                    <div>
                      <label htmlFor={`new-secret-visibility-${o.value}`} className="font-medium">
                        {o.label}
                      </label>
                      <p id={`new-secret-visibility-${o.value}-hint`} className="text-xs text-slate-600">
                        {o.hint}
                      </p>
                    </div>
                  </div>
                ))}
              </div>
              <FieldError id="new-secret-visibility-error" messages={errors.visibility} />
            </fieldset>
            {failure && !fieldMessages ? <FormAlert message={failure.message} /> : null}
            <DialogFormFooter submit="Add secret" pendingSubmit="Adding…" pending={pending} />
          </fieldset>
        </form>
      </DialogContent>
    </Dialog>
  );
}

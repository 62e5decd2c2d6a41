"use client";
// New secret: name (immutable), value (typed, pasted or uploaded) and visibility (fixed afterwards).
import { Plus } from "lucide-react";
import { useState, type FormEvent } from "react";
import { createSecretAction } from "@/app/teams/[team]/settings/secrets/actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { FieldError, FormAlert, Input, Label } from "@/components/ui/field";
import { ZSecretName } from "@/lib/validation/secrets";
import { SecretValueField } from "./secret-value-field";
import { useSecretMutation } from "./use-secret-mutation";

const VISIBILITY_OPTIONS = [
  { value: "masked", label: "Masked", hint: "Every member sees its fingerprint; Editors can use it." },
  { value: "restricted", label: "Restricted", hint: "Editors see that it exists, nothing more; only Owners and Admins can use it." },
] as const;

export function NewSecretDialog({
  teamSlug,
  onCreated,
  trigger,
}: {
  teamSlug: string;
  onCreated: (name: string) => void;
  trigger?: React.ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [nameError, setNameError] = useState<string | null>(null);
  const mutation = useSecretMutation(teamSlug, (fd: FormData) => createSecretAction(teamSlug, fd), (data) => {
    setOpen(false);
    onCreated(data.name);
  });
  const failure = mutation.data && !mutation.data.ok ? mutation.data : null;
  const pending = mutation.isPending;

  function onOpenChange(next: boolean) {
    if (pending) return; // never close mid-save
    setOpen(next);
    if (!next) {
      mutation.reset();
      setNameError(null);
    }
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    const name = ZSecretName.safeParse(fd.get("name"));
    setNameError(name.success ? null : (name.error.issues[0]?.message ?? "Invalid name."));
    if (!name.success) return;
    mutation.mutate(fd);
  }

  const nameErrors = nameError ? [nameError] : failure?.fieldErrors?.name;
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        {trigger ?? (
          <Button>
            <Plus className="size-4" aria-hidden />
            New secret
          </Button>
        )}
      </DialogTrigger>
      <DialogContent title="New secret" description="The name cannot be changed later. The value is encrypted and never shown again.">
        <form onSubmit={onSubmit} noValidate>
          <fieldset disabled={pending} className="space-y-4">
            <div>
              <Label htmlFor="new-secret-name">Name</Label>
              <Input
                id="new-secret-name"
                name="name"
                autoComplete="off"
                spellCheck={false}
                maxLength={64}
                placeholder="STRIPE_API_KEY"
                className="mt-1.5 font-mono"
                aria-invalid={nameErrors ? true : undefined}
                aria-describedby={["new-secret-name-hint", nameErrors ? "new-secret-name-error" : ""].join(" ").trim()}
              />
              <p id="new-secret-name-hint" className="mt-1 text-xs text-slate-500">
                Letters, digits and _ ; not starting with a digit; at most 64 characters.
              </p>
              <FieldError id="new-secret-name-error" messages={nameErrors} />
            </div>
            <SecretValueField errors={failure?.fieldErrors?.value} />
            <fieldset>
              <legend className="text-sm font-medium text-slate-900">Visibility</legend>
              <div className="mt-2 space-y-2">
                {VISIBILITY_OPTIONS.map((o) => (
                  <div key={o.value} className="flex gap-2 text-sm">
                    <input
                      type="radio"
                      id={`new-secret-visibility-${o.value}`}
                      name="visibility"
                      value={o.value}
                      defaultChecked={o.value === "masked"}
                      aria-describedby={`new-secret-visibility-${o.value}-hint`}
                      className="mt-1"
                    />
                    <div>
                      <label htmlFor={`new-secret-visibility-${o.value}`} className="font-medium">
                        {o.label}
                      </label>
                      <p id={`new-secret-visibility-${o.value}-hint`} className="text-xs text-slate-500">
                        {o.hint}
                      </p>
                    </div>
                  </div>
                ))}
              </div>
              <FieldError id="new-secret-visibility-error" messages={failure?.fieldErrors?.visibility} />
            </fieldset>
            {failure && !["name", "value", "visibility"].some((k) => failure.fieldErrors?.[k]) ? <FormAlert message={failure.message} /> : null}
            <div className="flex justify-end gap-2 pt-2">
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button type="submit">{pending ? "Adding…" : "Add secret"}</Button>
            </div>
          </fieldset>
        </form>
      </DialogContent>
    </Dialog>
  );
}

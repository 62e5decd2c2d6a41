"use client";
// Sign-up and sign-in forms. With scripts running they submit through a transition (onSubmit), so a failed
// attempt keeps what was typed in the browser without the server ever sending it back. Without scripts (or
// before hydration) the same form posts to the server action natively — `<form action={serverAction}>` is
// a multipart POST, never a GET that would put the password in the URL — and the page comes back with the
// action's result (fields empty: the server never echoes them).
import { useActionState, useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormAlert, Input } from "@/components/ui/field";
import { Field } from "@/components/ui/form-field";
import type { ActionResult } from "@/lib/errors";

export type TAuthField = { name: string; label: string; type: string; autoComplete: string; hint?: string };

export function AuthForm({
  fields,
  submitLabel,
  action,
  formAction,
  hidden,
}: {
  fields: TAuthField[];
  submitLabel: string;
  /** Called from the browser with scripts running. */
  action: (fd: FormData) => Promise<ActionResult>;
  /** The same server action in useActionState's shape: the native (no-JS) POST target. */
  formAction: (prev: ActionResult | null, fd: FormData) => Promise<ActionResult | null>;
  hidden?: Record<string, string>;
}) {
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<ActionResult | null>(null);
  const [nativeResult, nativeAction, nativePending] = useActionState(formAction, null);
  const shown = result ?? nativeResult;
  const failure = shown && !shown.ok ? shown : null;
  const busy = pending || nativePending;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    startTransition(async () => setResult(await action(fd)));
  }

  return (
    <form action={nativeAction} onSubmit={onSubmit} noValidate className="space-y-4">
      {hidden && Object.entries(hidden).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      <fieldset disabled={busy} className="space-y-4">
        {fields.map((f) => (
          <Field key={f.name} id={f.name} label={f.label} hint={f.hint} errors={failure?.fieldErrors?.[f.name]}>
            {(control) => <Input {...control} name={f.name} type={f.type} autoComplete={f.autoComplete} required className="mt-1.5" />}
          </Field>
        ))}
        {failure && !failure.fieldErrors ? <FormAlert message={failure.message} /> : null}
        <Button type="submit" className="w-full">
          {busy ? "Please wait…" : submitLabel}
        </Button>
      </fieldset>
    </form>
  );
}

"use client";
// Sign-up and sign-in forms. With scripts running they submit through a transition (onSubmit), so a failed
// attempt keeps what was typed in the browser without the server ever sending it back. Without scripts (or
// before hydration) the same form posts to the server action natively — `<form action={serverAction}>` is
// a multipart POST, never a GET that would put the password in the URL — and the page comes back with the
// action's result (fields empty: the server never echoes them).
import { useActionState, useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FieldError, FormAlert, Input, Label } from "@/components/ui/field";
import type { ActionResult } from "@/lib/errors";

type Field = { name: string; label: string; type: string; autoComplete: string; hint?: string };

export function AuthForm({
  fields,
  submitLabel,
  action,
  formAction,
  hidden,
}: {
  fields: Field[];
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
        {fields.map((f) => {
          const errors = failure?.fieldErrors?.[f.name];
          const hintId = f.hint ? `${f.name}-hint` : undefined;
          const errorId = `${f.name}-error`;
          return (
            <div key={f.name}>
              <Label htmlFor={f.name}>{f.label}</Label>
              <Input
                id={f.name}
                name={f.name}
                type={f.type}
                autoComplete={f.autoComplete}
                required
                className="mt-1.5"
                aria-invalid={errors ? true : undefined}
                aria-describedby={[hintId, errors ? errorId : undefined].filter(Boolean).join(" ") || undefined}
              />
              {f.hint ? (
                <p id={hintId} className="mt-1 text-xs text-slate-500">
                  {f.hint}
                </p>
              ) : null}
              <FieldError id={errorId} messages={errors} />
            </div>
          );
        })}
        {failure && !failure.fieldErrors ? <FormAlert message={failure.message} /> : null}
        <Button type="submit" className="w-full">
          {busy ? "Please wait…" : submitLabel}
        </Button>
      </fieldset>
    </form>
  );
}

"use client";
// Sign-up and sign-in forms. Submitted through a transition rather than <form action>, so a failed attempt
// keeps what was typed in the browser without the server ever sending it back.
import { useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FieldError, FormAlert, Input, Label } from "@/components/ui/field";
import type { ActionResult } from "@/lib/errors";

type Field = { name: string; label: string; type: string; autoComplete: string; hint?: string };

export function AuthForm({
  fields,
  submitLabel,
  action,
  hidden,
}: {
  fields: Field[];
  submitLabel: string;
  action: (fd: FormData) => Promise<ActionResult>;
  hidden?: Record<string, string>;
}) {
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<ActionResult | null>(null);
  const failure = result && !result.ok ? result : null;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    startTransition(async () => setResult(await action(fd)));
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {hidden && Object.entries(hidden).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      <fieldset disabled={pending} className="space-y-4">
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
          {pending ? "Please wait…" : submitLabel}
        </Button>
      </fieldset>
    </form>
  );
}

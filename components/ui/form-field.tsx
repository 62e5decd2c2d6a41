// A labelled form field (label, control, hint, error message wired with aria-invalid / aria-describedby) and
// the keys of multi-line fields. Apart from field.tsx's primitives so pages that only need those (the Team
// secrets page's first load) do not carry it: the dialogs that use it load on first use.
import type { KeyboardEvent, ReactNode } from "react";
import { FieldError, Label } from "./field";

/** What ties a control to its label, hint and error message; a Field hands it to the control it renders. */
export type TFieldControl = { id: string; "aria-invalid": true | undefined; "aria-describedby": string | undefined };

/**
 * A labelled control, then its hint (`${id}-hint`) and its error message (`${id}-error` unless `errorId` says
 * otherwise). The control is aria-invalid while there are messages, and described by the hint, then the message.
 */
export function Field({
  id,
  label,
  hint,
  hintClassName = "mt-1 text-xs text-slate-500",
  errors,
  errorId = `${id}-error`,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  hintClassName?: string;
  errors?: string[] | null;
  errorId?: string;
  className?: string;
  children: (control: TFieldControl) => ReactNode;
}) {
  const invalid = !!errors?.length;
  const hintId = hint ? `${id}-hint` : undefined;
  const describedBy = [hintId, invalid ? errorId : undefined].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className}>
      <Label htmlFor={id}>{label}</Label>
      {children({ id, "aria-invalid": invalid || undefined, "aria-describedby": describedBy })}
      {hint ? (
        <p id={hintId} className={hintClassName}>
          {hint}
        </p>
      ) : null}
      <FieldError id={errorId} messages={errors} />
    </div>
  );
}

/** A multi-line field's keys: Enter is a line break there, Ctrl/Cmd+Enter submits the form. */
export function submitOnModEnter(e: KeyboardEvent<HTMLTextAreaElement>) {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    e.currentTarget.form?.requestSubmit();
  }
}


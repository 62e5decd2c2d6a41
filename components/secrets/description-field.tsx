"use client";
// The optional Description of a secret (New secret and Edit details): plain text that every member of the
// team sees, so the hint says it must not hold anything secret. It shows how many characters are used of the
// 500 allowed; a longer text is refused with a message on submit, never cut (no maxLength).
import { useState, type Ref } from "react";
import { inputClass } from "@/components/ui/field";
import { Field, submitOnModEnter } from "@/components/ui/form-field";
import { cn } from "@/lib/cn";
import { charLength, SECRET_DESCRIPTION_MAX } from "@/lib/validation/secret-rules";

export function DescriptionField({
  id,
  defaultValue = "",
  errors,
  fieldRef,
  onEdit,
  autoFocus,
}: {
  id: string;
  defaultValue?: string;
  errors?: string[];
  fieldRef?: Ref<HTMLTextAreaElement>;
  /** Called on every edit (a dialog clears the field's message then). */
  onEdit?: () => void;
  autoFocus?: boolean;
}) {
  const [used, setUsed] = useState(() => charLength(defaultValue.trim()));
  const over = used > SECRET_DESCRIPTION_MAX;
  const hint = (
    <>
      <span>Optional. Plain text, not secret: every member of the team sees it.</span>
      <span className={cn("shrink-0 tabular-nums", over && "font-medium text-red-700")}>
        {used.toLocaleString("en")} / {SECRET_DESCRIPTION_MAX} characters
      </span>
    </>
  );
  return (
    <Field id={id} label="Description" hint={hint} hintClassName="mt-1 flex justify-between gap-3 text-xs text-slate-600" errors={errors}>
      {(control) => (
        <textarea
          {...control}
          ref={fieldRef}
          name="description"
          rows={3}
          defaultValue={defaultValue}
          autoFocus={autoFocus}
          spellCheck
          placeholder="What it is for, who owns it, where to get a new one"
          // Enter is a line break here; Ctrl/Cmd+Enter saves, as in the value field.
          onKeyDown={submitOnModEnter}
          onInput={(e) => {
            setUsed(charLength(e.currentTarget.value.trim()));
            onEdit?.();
          }}
          className={cn(inputClass, "mt-1.5 resize-y")}
        />
      )}
    </Field>
  );
}

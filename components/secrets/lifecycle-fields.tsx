"use client";
// The expiry and rotation policy of a secret, on New secret, Rotate and Edit details: "Expires on" (a date),
// "Rotate every (days)" and "Stop serving after expiry" (off by default: expiry alone never blocks a consumer).
// A hidden marker tells the server the form showed these fields, so an unticked checkbox means off rather than
// "unchanged". The browser checks them with the server's own rules; a date or number the browser could not
// parse (its value is then empty) is refused too, never taken as "none".
import { FieldError, Input } from "@/components/ui/field";
import { Field } from "@/components/ui/form-field";
import { expiresOnProblem, rotateEveryDaysProblem } from "@/lib/validation/secret-rules";
import { ROTATE_EVERY_MAX_DAYS } from "@/lib/secret-lifecycle";

const HINT = "mt-1 text-xs text-slate-600";

/** The date and the period, laid out alike; ids are `<idPrefix>-<slug>`, messages `<idPrefix>-<field>-error`. */
const POLICY_FIELDS = [
  { field: "expiresOn", slug: "expires-on", label: "Expires on", hint: "Optional. Counted in UTC: expired from the start of that day.",
    input: { type: "date", min: "2000-01-01", max: "9999-12-31" } },
  { field: "rotateEveryDays", slug: "rotate-every", label: "Rotate every (days)", hint: "Optional. Counted from the last rotation; rotating starts the period again.",
    input: { type: "number", inputMode: "numeric", min: 1, max: ROTATE_EVERY_MAX_DAYS, step: 1 } },
] as const;

export type TLifecycleErrors = Partial<Record<"expiresOn" | "rotateEveryDays" | "stopServingAfterExpiry", string[]>>;
export type TLifecycleValues = { expiresOn?: string | null; rotateEveryDays?: number | null; stopServingAfterExpiry?: boolean };

/** The problems of the lifecycle fields of `form`, checked in the browser before submitting. */
export function lifecycleProblems(form: HTMLFormElement): TLifecycleErrors {
  const found: TLifecycleErrors = {};
  const date = form.elements.namedItem("expiresOn") as HTMLInputElement | null;
  const days = form.elements.namedItem("rotateEveryDays") as HTMLInputElement | null;
  const dateProblem = date ? (date.validity.badInput ? "Enter a date (YYYY-MM-DD)." : expiresOnProblem(date.value)) : null;
  if (dateProblem) found.expiresOn = [dateProblem];
  const daysProblem = days
    ? days.validity.badInput
      ? `Enter a whole number of days from 1 to ${ROTATE_EVERY_MAX_DAYS.toLocaleString("en")}.`
      : rotateEveryDaysProblem(days.value)
    : null;
  if (daysProblem) found.rotateEveryDays = [daysProblem];
  return found;
}

/** The policy as the Edit details action takes it (all fields given: blank clears). */
export function lifecycleInput(form: HTMLFormElement) {
  const fd = new FormData(form);
  return {
    expiresOn: String(fd.get("expiresOn") ?? ""),
    rotateEveryDays: String(fd.get("rotateEveryDays") ?? ""),
    stopServingAfterExpiry: fd.get("stopServingAfterExpiry") === "on",
  };
}

export function LifecycleFields({
  idPrefix,
  defaults = {},
  errors = {},
  onEdit,
}: {
  idPrefix: string;
  defaults?: TLifecycleValues;
  errors?: TLifecycleErrors;
  /** Called when a field changes (a dialog clears that field's message). */
  onEdit?: (field: keyof TLifecycleErrors) => void;
}) {
  const id = (f: string) => `${idPrefix}-${f}`;
  return (
    <fieldset className="space-y-3 rounded-md p-3 ring-1 ring-slate-200">
      <legend className="px-1 text-sm font-medium text-slate-900">Expiry and rotation</legend>
      <input type="hidden" name="lifecycle" value="1" />
      <div className="grid gap-3 sm:grid-cols-2">
        {POLICY_FIELDS.map((p) => (
          <Field key={p.field} id={id(p.slug)} label={p.label} hint={p.hint} hintClassName={HINT} errors={errors[p.field]} errorId={id(`${p.field}-error`)}>
            {(control) => (
              <Input {...control} {...p.input} name={p.field} defaultValue={defaults[p.field] ?? ""} className="mt-1.5" onChange={() => onEdit?.(p.field)} />
            )}
          </Field>
        ))}
      </div>
      <div className="flex gap-2 text-sm">
        <input
          type="checkbox"
          id={id("stop-serving")}
          name="stopServingAfterExpiry"
          defaultChecked={defaults.stopServingAfterExpiry ?? false}
          className="mt-1"
          aria-describedby={id("stop-serving-hint")}
        />
        <div>
          <label htmlFor={id("stop-serving")} className="font-medium">
            Stop serving after expiry
          </label>
          <p id={id("stop-serving-hint")} className="text-xs text-slate-600">
            Once the expiry date has passed, access tokens and webhooks get an error instead of the value. Off: expiry
            only shows as a status and never blocks software by itself.
          </p>
        </div>
      </div>
      <FieldError id={id("stopServingAfterExpiry-error")} messages={errors.stopServingAfterExpiry} />
    </fieldset>
  );
}

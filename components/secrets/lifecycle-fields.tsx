"use client";
// The expiry and rotation policy of a secret, on New secret, Rotate and Edit details: "Expires on" (a date),
// "Rotate every (days)" and "Stop serving after expiry" (off by default: expiry alone never blocks a consumer).
// A hidden marker tells the server the form showed these fields, so an unticked checkbox means off rather than
// "unchanged". The browser checks them with the server's own rules; a date or number the browser could not
// parse (its value is then empty) is refused too, never taken as "none".
import { FieldError, Input, Label } from "@/components/ui/field";
import { expiresOnProblem, rotateEveryDaysProblem } from "@/lib/validation/secret-rules";
import { ROTATE_EVERY_MAX_DAYS } from "@/lib/secret-lifecycle";

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
  const describedBy = (f: keyof TLifecycleErrors, hint: string) => [id(hint), errors[f]?.length ? id(`${f}-error`) : ""].join(" ").trim();
  return (
    <fieldset className="space-y-3 rounded-md p-3 ring-1 ring-slate-200">
      <legend className="px-1 text-sm font-medium text-slate-900">Expiry and rotation</legend>
      <input type="hidden" name="lifecycle" value="1" />
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <Label htmlFor={id("expires-on")}>Expires on</Label>
          <Input
            id={id("expires-on")}
            name="expiresOn"
            type="date"
            min="2000-01-01"
            max="9999-12-31"
            defaultValue={defaults.expiresOn ?? ""}
            className="mt-1.5"
            onChange={() => onEdit?.("expiresOn")}
            aria-invalid={errors.expiresOn?.length ? true : undefined}
            aria-describedby={describedBy("expiresOn", "expires-on-hint")}
          />
          <p id={id("expires-on-hint")} className="mt-1 text-xs text-slate-600">
            Optional. Counted in UTC: expired from the start of that day.
          </p>
          <FieldError id={id("expiresOn-error")} messages={errors.expiresOn} />
        </div>
        <div>
          <Label htmlFor={id("rotate-every")}>Rotate every (days)</Label>
          <Input
            id={id("rotate-every")}
            name="rotateEveryDays"
            type="number"
            inputMode="numeric"
            min={1}
            max={ROTATE_EVERY_MAX_DAYS}
            step={1}
            defaultValue={defaults.rotateEveryDays ?? ""}
            className="mt-1.5"
            onChange={() => onEdit?.("rotateEveryDays")}
            aria-invalid={errors.rotateEveryDays?.length ? true : undefined}
            aria-describedby={describedBy("rotateEveryDays", "rotate-every-hint")}
          />
          <p id={id("rotate-every-hint")} className="mt-1 text-xs text-slate-600">
            Optional. Counted from the last rotation; rotating starts the period again.
          </p>
          <FieldError id={id("rotateEveryDays-error")} messages={errors.rotateEveryDays} />
        </div>
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

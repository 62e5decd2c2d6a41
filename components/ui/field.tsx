// Form field pieces: errors are tied to inputs with aria-describedby and announced with role="alert".
import type { ComponentProps } from "react";
import { cn } from "@/lib/cn";

export const inputClass =
  "block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-xs ring-1 ring-inset ring-slate-300 " +
  "placeholder:text-slate-500 focus:ring-2 focus:ring-inset focus:ring-indigo-600 disabled:bg-slate-50 disabled:text-slate-500 " +
  "aria-invalid:ring-red-500";

export function Label({ className, ...props }: ComponentProps<"label">) {
  return <label className={cn("block text-sm font-medium text-slate-900", className)} {...props} />;
}

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cn(inputClass, className)} {...props} />;
}

export function FieldError({ id, messages }: { id: string; messages?: string[] | string | null }) {
  const list = typeof messages === "string" ? [messages] : (messages ?? []);
  if (list.length === 0) return null;
  return (
    <p id={id} role="alert" className="mt-1.5 text-sm text-red-700">
      {list.join(" ")}
    </p>
  );
}

/** A select's options, one per value, each shown as its value. */
export function Options({ values }: { values: readonly (string | number)[] }) {
  return values.map((v) => (
    <option key={v} value={v}>
      {v}
    </option>
  ));
}

export function FormAlert({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-inset ring-red-200">
      {message}
    </div>
  );
}

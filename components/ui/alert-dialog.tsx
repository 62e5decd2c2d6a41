"use client";
// Radix AlertDialog: for destructive confirmations; focus starts on Cancel, and a click outside does not confirm.
import { AlertDialog as A } from "radix-ui";
import type { ComponentProps, ReactNode } from "react";

export const AlertDialog = A.Root;
export const AlertDialogTrigger = A.Trigger;
export const AlertDialogCancel = A.Cancel;

export function AlertDialogContent({
  title,
  description,
  children,
  ...props
}: ComponentProps<typeof A.Content> & { title: ReactNode; description: ReactNode }) {
  return (
    <A.Portal>
      <A.Overlay className="fixed inset-0 z-40 bg-black/50" />
      <A.Content
        className="fixed left-1/2 top-1/2 z-50 w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-xl bg-white p-6 shadow-xl ring-1 ring-slate-900/10 focus:outline-none"
        {...props}
      >
        <A.Title className="text-lg font-semibold text-slate-900 [overflow-wrap:anywhere]">{title}</A.Title>
        <A.Description asChild>
          <div className="mt-2 text-sm text-slate-600">{description}</div>
        </A.Description>
        <div className="mt-5">{children}</div>
      </A.Content>
    </A.Portal>
  );
}

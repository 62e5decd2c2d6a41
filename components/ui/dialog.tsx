"use client";
// Radix Dialog with the app's styling: focus trap, Escape, aria-labelledby/-describedby come from Radix.
import { Dialog as D } from "radix-ui";
import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/lib/cn";
import { Button } from "./button";

export const Dialog = D.Root;
export const DialogTrigger = D.Trigger;
const DialogClose = D.Close;

export function DialogContent({
  title,
  description,
  children,
  className,
  ...props
}: ComponentProps<typeof D.Content> & { title: ReactNode; description?: ReactNode }) {
  return (
    <D.Portal>
      <D.Overlay className="fixed inset-0 z-40 bg-black/50 backdrop-blur-[1px]" />
      <D.Content
        className={cn(
          "fixed left-1/2 top-1/2 z-50 max-h-[90vh] w-[calc(100vw-2rem)] max-w-lg -translate-x-1/2 -translate-y-1/2 overflow-y-auto",
          "rounded-xl bg-white p-6 shadow-xl ring-1 ring-slate-900/10 focus:outline-none",
          className,
        )}
        {...(description ? {} : { "aria-describedby": undefined })}
        {...props}
      >
        <D.Title className="text-lg font-semibold text-slate-900 [overflow-wrap:anywhere]">{title}</D.Title>
        {description ? <D.Description className="mt-1 text-sm text-slate-600">{description}</D.Description> : null}
        <div className="mt-4">{children}</div>
      </D.Content>
    </D.Portal>
  );
}

/** A dialog's closing row: its buttons, right-aligned. */
export function DialogFooter({ className, ...props }: ComponentProps<"div">) {
  return <div className={cn("flex justify-end gap-2", className)} {...props} />;
}

/** A button that closes the dialog (Cancel, Close, Done). */
export function DialogCloseButton({ children, ...props }: ComponentProps<typeof Button>) {
  return (
    <DialogClose asChild>
      <Button variant="secondary" {...props}>
        {children}
      </Button>
    </DialogClose>
  );
}

/** A form dialog's closing row: Cancel, and the submit button (its text changes while the action runs). */
export function DialogFormFooter({ submit, pendingSubmit, pending = false, disabled }: { submit: string; pendingSubmit?: string; pending?: boolean; disabled?: boolean }) {
  return (
    <DialogFooter className="pt-2">
      <DialogCloseButton>Cancel</DialogCloseButton>
      <Button type="submit" disabled={disabled}>
        {pending && pendingSubmit ? pendingSubmit : submit}
      </Button>
    </DialogFooter>
  );
}

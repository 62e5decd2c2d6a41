"use client";
// Confirmations ("Secret X added.") shown where the user is — fixed at the bottom of the viewport, whatever
// was scrolled — and announced by one polite live region that exists before any message arrives (a region
// inserted together with its text is not read out). Each message goes away by itself after a few seconds, or
// with its Dismiss button. Hand-written rather than sonner: the Team secrets page has a 130 kB first-load
// budget and this is the whole of what the page needs (≈0.5 kB).
import { X } from "lucide-react";
import { useEffect, useSyncExternalStore } from "react";

type TToast = { id: number; message: string };

const DISMISS_AFTER_MS = 6000;
let toasts: TToast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

/** Shows and announces a confirmation. */
export function notify(message: string): void {
  toasts = [...toasts.slice(-2), { id: nextId++, message }];
  emit();
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

function ToastItem({ toast }: { toast: TToast }) {
  useEffect(() => {
    const t = setTimeout(() => dismissToast(toast.id), DISMISS_AFTER_MS);
    return () => clearTimeout(t);
  }, [toast.id]);
  return (
    <div className="pointer-events-auto flex items-start gap-3 rounded-lg bg-slate-900 px-4 py-3 text-sm text-slate-50 shadow-lg ring-1 ring-black/10">
      <p className="min-w-0 flex-1 [overflow-wrap:anywhere]">{toast.message}</p>
      <button type="button" onClick={() => dismissToast(toast.id)} className="-m-1 rounded p-1 hover:bg-slate-700" aria-label="Dismiss">
        <X className="size-4" aria-hidden />
      </button>
    </div>
  );
}

export function Toaster() {
  const list = useSyncExternalStore(subscribe, () => toasts, () => toasts);
  return (
    <div
      role="status"
      aria-live="polite"
      className="pointer-events-none fixed inset-x-0 bottom-0 z-[60] flex flex-col items-center gap-2 p-4 sm:items-end"
    >
      {list.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}

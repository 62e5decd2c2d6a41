"use client";
// A popup (dialog, popover, menu) whose code the page does not need until someone opens it: its trigger
// renders at once from the page's own bundle, and the component behind it is fetched when the pointer first
// rests on the trigger or the trigger takes focus, then mounted open by the trigger's click (Enter and Space
// click a button too). Only the first opening of each kind after a page load can wait on the network. The
// stand-in carries what the popup's own trigger says while closed (aria-haspopup, aria-expanded, data-state),
// so the page reads the same before and after; the popup, once mounted, owns its trigger and returns focus
// to it on close. This keeps dialogs' forms, their checks and the popup primitives out of the first load.
import { cloneElement, lazy, Suspense, useState, type ComponentType, type ReactElement } from "react";

type TTriggerProps = Record<string, unknown>;

export function deferred<P extends object>(
  load: () => Promise<ComponentType<P & { defaultOpen?: boolean }>>,
  triggerOf: (props: P) => ReactElement<TTriggerProps>,
  haspopup: "dialog" | "menu" = "dialog",
): ComponentType<P> {
  let loading: Promise<ComponentType<P & { defaultOpen?: boolean }>> | null = null;
  const preload = () =>
    (loading ??= load().catch((err: unknown) => {
      loading = null; // a failed fetch is retried by the next hover or click
      throw err;
    }));
  const Popup = lazy(() => preload().then((C) => ({ default: C })));

  function Deferred(props: P) {
    const [wanted, setWanted] = useState(false);
    const trigger = triggerOf(props);
    const standIn = cloneElement(trigger, {
      "aria-haspopup": haspopup,
      "aria-expanded": false,
      "data-state": "closed",
      onPointerEnter: () => void preload().catch(() => {}),
      onFocus: () => void preload().catch(() => {}),
      onClick: () => setWanted(true),
    });
    if (!wanted) return standIn;
    return (
      <Suspense fallback={standIn}>
        <Popup {...props} defaultOpen />
      </Suspense>
    );
  }
  Deferred.displayName = "Deferred";
  return Deferred;
}

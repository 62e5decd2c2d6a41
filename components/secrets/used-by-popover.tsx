"use client";
// The Used by count's list of consumers, in a popover (loaded on first use by ./used-by.tsx).
import { Popover } from "radix-ui";
import { ConsumerList, usedByTrigger, type TUsedByProps } from "./used-by-parts";

export function UsedByPopover({ defaultOpen = false, ...props }: TUsedByProps & { defaultOpen?: boolean }) {
  return (
    <Popover.Root defaultOpen={defaultOpen}>
      <Popover.Trigger asChild>{usedByTrigger(props)}</Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="start" sideOffset={6} className="z-50 w-64 rounded-md bg-white p-3 shadow-lg ring-1 ring-slate-900/10">
          <p className="mb-2 text-xs font-semibold text-slate-600">Used by</p>
          <ConsumerList consumers={props.consumers} />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

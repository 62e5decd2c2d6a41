"use client";
// The consumers of a secret: a count that opens a list of links (Used by column), and a plain list for the
// rotate and delete dialogs. The popover's code (Radix Popover and its positioning) is fetched when a count
// is first opened, not with the page (components/ui/deferred.tsx).
import { deferred } from "@/components/ui/deferred";
import { usedByTrigger, type TUsedByProps } from "./used-by-parts";

const UsedByPopover = deferred(() => import("./used-by-popover").then((m) => m.UsedByPopover), usedByTrigger);

export function UsedByCell(props: TUsedByProps) {
  if (props.consumers.length === 0) return <span className="whitespace-nowrap text-slate-600">Not used</span>;
  return <UsedByPopover {...props} />;
}

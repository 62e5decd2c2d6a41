"use client";
// The consumers of a secret: a count that opens a list of links (Used by column), and a plain list for the
// rotate and delete dialogs. The popover's code (Radix Popover and its positioning) is fetched when a count
// is first opened, not with the page (components/ui/deferred.tsx).
import Link from "next/link";
import { deferred } from "@/components/ui/deferred";
import type { TSecretDTO } from "@/lib/types/secrets";

type Consumers = TSecretDTO["usedBy"];

const kindLabel = (k: Consumers[number]["kind"]) => (k === "webhook" ? "Webhook" : "Access token");

export function ConsumerList({ consumers }: { consumers: Consumers }) {
  return (
    <ul className="space-y-1">
      {consumers.map((c) => (
        <li key={`${c.kind}-${c.id}`} className="text-sm">
          <span className="text-xs text-slate-500">{kindLabel(c.kind)}</span>{" "}
          <Link href={c.href} className="font-medium text-indigo-700 underline-offset-2 hover:underline">
            {c.name}
          </Link>
        </li>
      ))}
    </ul>
  );
}

export type TUsedByProps = { secretName: string; consumers: Consumers };

/** The count button; the popover renders it as its trigger once mounted. */
export const usedByTrigger = ({ secretName, consumers }: TUsedByProps) => (
  <button
    type="button"
    aria-label={`${consumers.length} ${consumers.length === 1 ? "consumer" : "consumers"} of ${secretName}`}
    className="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-semibold text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-100"
  >
    {consumers.length}
  </button>
);

const UsedByPopover = deferred(() => import("./used-by-popover").then((m) => m.UsedByPopover), usedByTrigger);

export function UsedByCell(props: TUsedByProps) {
  if (props.consumers.length === 0) return <span className="whitespace-nowrap text-slate-600">Not used</span>;
  return <UsedByPopover {...props} />;
}

"use client";
// The pieces of the Used by column that the page and the popover (loaded later) both render: the count
// button and the list of consumers (also in the rotate and delete dialogs). Apart from used-by.tsx so that the
// popover's module does not import the module that loads it.
import Link from "next/link";
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

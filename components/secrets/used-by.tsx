"use client";
// The consumers of a secret: a count that opens a list of links (Used by column), and a plain list for the
// rotate and delete dialogs.
import Link from "next/link";
import { Popover } from "radix-ui";
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

export function UsedByCell({ secretName, consumers }: { secretName: string; consumers: Consumers }) {
  if (consumers.length === 0) return <span className="whitespace-nowrap text-slate-600">Not used</span>;
  return (
    <Popover.Root>
      <Popover.Trigger
        aria-label={`${consumers.length} ${consumers.length === 1 ? "consumer" : "consumers"} of ${secretName}`}
        className="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-semibold text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-100"
      >
        {consumers.length}
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="start" sideOffset={6} className="z-50 w-64 rounded-md bg-white p-3 shadow-lg ring-1 ring-slate-900/10">
          <p className="mb-2 text-xs font-semibold text-slate-600">Used by</p>
          <ConsumerList consumers={consumers} />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

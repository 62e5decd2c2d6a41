"use client";
// Consumers on an old version, for Owners and Admins (the DTO carries them only for those roles): the row's
// "2 of 5 consumers still on v3", and the list of consumers with the version each last received, linked to
// where the token or webhook is managed (Rotate dialog; the History dialog lists them per version).
import Link from "next/link";
import { consumerState, type TConsumerVersion, type TConsumerVersions } from "@/lib/consumer-versions";
import { cn } from "@/lib/cn";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

const kindLabel = (k: TConsumerVersion["kind"]) => (k === "webhook" ? "Webhook" : "Access token");

/** "2 of 5 consumers still on v3" (nothing when none is behind). */
export function ConsumersBehind({ versions, className }: { versions: TConsumerVersions | null | undefined; className?: string }) {
  if (!versions?.summary) return null;
  return <span className={cn("block text-xs font-medium text-amber-800", className)}>{versions.summary}</span>;
}

function Fetched({ at }: { at: string | null }) {
  if (!at) return null;
  return (
    <>
      {" · last fetched "}
      <time dateTime={at}>{dateFormat.format(new Date(at))}</time>
    </>
  );
}

/** One consumer: its kind, a link to it, and what it last received. */
export function ConsumerVersionLine({ c, currentVersion }: { c: TConsumerVersion; currentVersion: number }) {
  const state = consumerState(c, currentVersion);
  return (
    <>
      <span className="text-xs text-slate-500">{kindLabel(c.kind)}</span>{" "}
      <Link href={c.href} className="font-medium text-indigo-700 underline-offset-2 hover:underline [overflow-wrap:anywhere]">
        {c.name}
      </Link>{" "}
      <span className={cn("text-xs", state === "behind" ? "font-medium text-amber-800" : state === "current" ? "text-emerald-800" : "text-slate-600")}>
        {state === "behind" ? `still on v${c.version}` : state === "current" ? `on v${c.version} (current)` : "not fetched yet"}
        <Fetched at={c.lastFetchedAt} />
      </span>
    </>
  );
}

/** Every consumer with the version it last received: the ones behind first. */
export function ConsumerVersionList({ versions, currentVersion }: { versions: TConsumerVersions; currentVersion: number }) {
  const order = { behind: 0, current: 1, not_fetched: 2 } as const;
  const sorted = [...versions.consumers].sort((a, b) => order[consumerState(a, currentVersion)] - order[consumerState(b, currentVersion)]);
  return (
    <ul className="space-y-1" aria-label="Consumers and the version each last received">
      {sorted.map((c) => (
        <li key={`${c.kind}-${c.id}`} className="text-sm">
          <ConsumerVersionLine c={c} currentVersion={currentVersion} />
        </li>
      ))}
    </ul>
  );
}

"use client";
// The rows of the Team secrets table. One real <table> (row headers, sortable column headers with aria-sort)
// that becomes stacked cards below the md breakpoint: each row is a card with the name and its actions on
// top and labelled fields below, so a phone never scrolls sideways and the row actions stay in view. Long
// names wrap anywhere and keep their full text in a title and a Copy name button. Details (expiry and rotation
// status, description) come after the existing columns (cell order is what scripts and tests address); the row
// actions wrap in rows of three, so the table still fits 1280 px with all of them.
import { ArrowDown, ArrowUp, ArrowUpDown, Lock } from "lucide-react";
import { useState, type ReactNode } from "react";
import type { TListSecretsQuery } from "@/lib/validation/secrets";
import { cn } from "@/lib/cn";
import { DUE_WITHIN_DAYS } from "@/lib/secret-lifecycle";
import { CopyNameButton } from "./copy-name-button";
import { UsedByCell } from "./used-by";
import { ConsumersBehind } from "./consumer-versions";
import type { TSecretDTO } from "@/lib/types/secrets";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

type SortKey = "name" | "updated" | "version";

const columnHeaderClass = "whitespace-nowrap px-4 py-3 text-left font-semibold";

function ColumnHeader({ children }: { children: ReactNode }) {
  return (
    <th scope="col" className={columnHeaderClass}>
      {children}
    </th>
  );
}

/** Cell classes: a labelled line of a card on phones, a plain cell from md up. */
export const cellClass =
  "flex items-baseline justify-between gap-4 px-4 py-1 text-right md:table-cell md:py-3 md:text-left " +
  "before:text-xs before:font-medium before:text-slate-600 before:content-[attr(data-label)] md:before:content-none";

function SortHeader({
  label,
  sortKey,
  query,
  onSort,
}: {
  label: string;
  sortKey: SortKey;
  query: TListSecretsQuery;
  onSort: (s: TListSecretsQuery["sort"]) => void;
}) {
  const active = query.sort === sortKey ? "asc" : query.sort === `-${sortKey}` ? "desc" : null;
  // "name" sorts A→Z first; dates and versions newest/highest first.
  const ariaSort = active ? ((sortKey === "name") === (active === "asc") ? "ascending" : "descending") : "none";
  const Icon = active ? (ariaSort === "ascending" ? ArrowUp : ArrowDown) : ArrowUpDown;
  return (
    <th scope="col" aria-sort={ariaSort} className={columnHeaderClass}>
      <button
        type="button"
        onClick={() => onSort(active === "asc" ? (`-${sortKey}` as const) : sortKey)}
        className="inline-flex items-center gap-1 hover:text-slate-900"
      >
        {label}
        <Icon className="size-3.5 text-slate-500" aria-hidden />
      </button>
    </th>
  );
}

function ValueCell({ secret }: { secret: TSecretDTO }) {
  if (secret.fingerprint === null) {
    return (
      <span className="inline-flex items-center gap-1 text-slate-600" title="Restricted: only Owners and Admins see its fingerprint and can use it">
        <Lock className="size-3.5" aria-hidden /> Hidden (Restricted)
      </span>
    );
  }
  return (
    <span className="inline-flex items-center gap-3">
      <span aria-label="Value hidden" className="tracking-widest text-slate-500">
        ••••••••
      </span>
      <code
        className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700"
        title="Fingerprint: a keyed hash of the value, to compare values without seeing them"
      >
        {secret.fingerprint}
      </code>
    </span>
  );
}

const dayFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

/** What the policy is, for the status badge's title ("Expires on Jun 1, 2026 (UTC) · Rotate every 90 days"). */
function policySummary(s: TSecretDTO): string {
  const parts: string[] = [];
  if (s.expiresOn) parts.push(`Expires on ${dayFormat.format(new Date(`${s.expiresOn}T00:00:00Z`))} (UTC)`);
  if (s.rotateEveryDays) {
    const due = s.status.rotationDueAt ? dateFormat.format(new Date(s.status.rotationDueAt)) : "";
    parts.push(`Rotate every ${s.rotateEveryDays} day${s.rotateEveryDays === 1 ? "" : "s"}${due ? ` (next: ${due})` : ""}`);
  }
  if (s.expiresOn && s.stopServingAfterExpiry) parts.push("Not served after expiry");
  return parts.join(" · ");
}

/** The row's expiry and rotation status: nothing when neither is set. Red when expired, amber when due. */
function StatusCell({ secret }: { secret: TSecretDTO }) {
  const { status } = secret;
  if (status.labels.length === 0) return null;
  return (
    <span className="flex flex-wrap justify-end gap-1 md:justify-start" title={policySummary(secret)}>
      {status.labels.map((label) => {
        const tone = label.startsWith("Expired")
          ? "bg-red-50 text-red-800 ring-red-200"
          : label === "Rotation due" || (status.expiresInDays ?? Infinity) <= DUE_WITHIN_DAYS
            ? "bg-amber-50 text-amber-800 ring-amber-200"
            : "bg-slate-100 text-slate-700 ring-slate-200";
        return (
          <span key={label} className={cn("whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1", tone)}>
            {label}
          </span>
        );
      })}
    </span>
  );
}

/** Longer descriptions start clamped to two lines, with the full text in a title and a Show more toggle. */
const DESCRIPTION_CLAMP = 80;

function DescriptionCell({ secret }: { secret: TSecretDTO }) {
  const [expanded, setExpanded] = useState(false);
  const text = secret.description;
  if (!text) return null;
  const long = text.length > DESCRIPTION_CLAMP || text.includes("\n");
  const id = `secret-description-${secret.id}`;
  return (
    <span className="block min-w-0 text-left md:max-w-[16rem]">
      <span
        id={id}
        title={text}
        className={cn("whitespace-pre-line text-slate-700 [overflow-wrap:anywhere]", long && !expanded ? "line-clamp-2" : "block")}
      >
        {text}
      </span>
      {long ? (
        <button
          type="button"
          aria-expanded={expanded}
          aria-controls={id}
          onClick={() => setExpanded((e) => !e)}
          className="text-xs font-medium text-indigo-700 underline"
        >
          {expanded ? "Show less" : "Show more"}
          <span className="sr-only"> of the description of {secret.name}</span>
        </button>
      ) : null}
    </span>
  );
}

function VisibilityBadge({ visibility }: { visibility: TSecretDTO["visibility"] }) {
  return visibility === "restricted" ? (
    <span
      title="Restricted: Editors see only that it exists; only Owners and Admins see its fingerprint and can use it"
      className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200"
    >
      Restricted
    </span>
  ) : (
    <span title="Masked: every member sees its fingerprint; Editors can use it in webhooks" className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">
      Masked
    </span>
  );
}

export function SecretsTable({
  items,
  query,
  onSort,
  pending,
  renderActions,
  empty,
}: {
  items: TSecretDTO[];
  query: TListSecretsQuery;
  onSort: (s: TListSecretsQuery["sort"]) => void;
  /** A refetch is running: rows are dimmed and the table is aria-busy. */
  pending: boolean;
  /** The row's actions after Copy name (History for everyone; Check, Rotate, Delete, … by role); null for none. */
  renderActions: ((s: TSecretDTO, index: number) => ReactNode) | null;
  empty: ReactNode;
}) {
  return (
    <div className="relative rounded-lg bg-white shadow-xs ring-1 ring-slate-200">
      <table className={cn("block w-full text-sm md:table", pending && "opacity-60 transition-opacity")} aria-busy={pending || undefined}>
        <caption id="secrets-table-caption" className="sr-only">
          Team secrets
        </caption>
        <thead className="bg-slate-50 text-slate-700 max-md:sr-only">
          <tr className="md:border-b md:border-slate-200">
            <SortHeader label="Name" sortKey="name" query={query} onSort={onSort} />
            <ColumnHeader>Value</ColumnHeader>
            <ColumnHeader>Visibility</ColumnHeader>
            <SortHeader label="Version" sortKey="version" query={query} onSort={onSort} />
            <ColumnHeader>Used by</ColumnHeader>
            <ColumnHeader>Last used</ColumnHeader>
            <SortHeader label="Last changed" sortKey="updated" query={query} onSort={onSort} />
            <ColumnHeader>Details</ColumnHeader>
            <th scope="col" className="px-4 py-3 text-right font-semibold">
              Actions
            </th>
          </tr>
        </thead>
        <tbody className="block divide-y divide-slate-100 md:table-row-group">
          {items.map((s, i) => (
            <tr key={s.id} data-secret-row className="relative block py-2 hover:bg-slate-50/60 md:table-row md:py-0">
              <th scope="row" className="block min-h-[4.5rem] px-4 pb-1 pt-1 pr-48 text-left font-mono font-medium text-slate-900 md:table-cell md:min-h-0 md:max-w-[22rem] md:py-3 md:pr-4">
                <span title={s.name} className="[overflow-wrap:anywhere]">
                  {s.name}
                </span>
                {s.undecryptable ? (
                  <span
                    className="ml-2 rounded-full bg-red-50 px-2 py-0.5 font-sans text-xs font-medium text-red-800 ring-1 ring-red-200"
                    title="Its stored value does not open, so webhooks and tokens get an error for it. Rotate it to a new value."
                  >
                    Cannot decrypt
                  </span>
                ) : null}
              </th>
              <td data-label="Value" className={cellClass}>
                <ValueCell secret={s} />
              </td>
              <td data-label="Visibility" className={cellClass}>
                <VisibilityBadge visibility={s.visibility} />
              </td>
              <td data-label="Version" className={cn(cellClass, "tabular-nums")}>
                v{s.version}
              </td>
              <td data-label="Used by" className={cellClass}>
                <span className="flex flex-col items-end gap-1 md:items-start">
                  <UsedByCell secretName={s.name} consumers={s.usedBy} />
                  <ConsumersBehind versions={s.consumerVersions} />
                </span>
              </td>
              <td data-label="Last used" className={cn(cellClass, "text-slate-700")}>
                {s.lastUsedAt ? <time dateTime={s.lastUsedAt}>{dateFormat.format(new Date(s.lastUsedAt))}</time> : <span className="text-slate-600">Never</span>}
              </td>
              <td data-label="Last changed" className={cn(cellClass, "text-slate-700")}>
                <span>
                  <time dateTime={s.updatedAt}>{dateFormat.format(new Date(s.updatedAt))}</time>
                  <span className="block text-xs text-slate-600">by {s.updatedBy ? s.updatedBy.name || s.updatedBy.email : "a removed user"}</span>
                </span>
              </td>
              <td data-label="Details" className={cellClass}>
                {s.status.labels.length === 0 && !s.description ? (
                  <span className="text-slate-500">—</span>
                ) : (
                  <span className="flex flex-col items-end gap-1 md:items-start">
                    <StatusCell secret={s} />
                    <DescriptionCell secret={s} />
                  </span>
                )}
              </td>
              <td className="absolute right-2 top-2 px-2 md:static md:table-cell md:px-4 md:py-3">
                <div className="ml-auto flex w-[6.5rem] flex-wrap justify-end gap-1">
                  <CopyNameButton name={s.name} />
                  {renderActions?.(s, i)}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 ? empty : null}
    </div>
  );
}

"use client";
// The Team secrets table: filter, sort and server-side pagination through TanStack Query (hydrated from
// the server's prefetch), with the New / Rotate / Delete dialogs for Owners and Admins. Rows carry
// metadata and a fingerprint only; there is no way to reveal a stored value.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ArrowDown, ArrowUp, ArrowUpDown, KeyRound, Lock } from "lucide-react";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import type { TSecretDTO, TSecretList } from "@/lib/dal/secrets";
import { secretsKeys, secretsSearchParams } from "@/lib/query-keys";
import type { TListSecretsQuery } from "@/lib/validation/secrets";
import { DeleteSecretDialog } from "./delete-secret-dialog";
import { ImportSecretsDialog } from "./import-secrets-dialog";
import { NewSecretDialog } from "./new-secret-dialog";
import { RotateSecretDialog } from "./rotate-secret-dialog";
import { UsedByCell } from "./used-by";

async function fetchSecrets(teamSlug: string, query: TListSecretsQuery): Promise<TSecretList> {
  const res = await fetch(`/api/teams/${encodeURIComponent(teamSlug)}/secrets?${secretsSearchParams(query)}`, {
    cache: "no-store",
  });
  if (!res.ok) throw new Error(res.status === 401 ? "Your session has ended. Sign in again." : "Could not load secrets.");
  return res.json();
}

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

type SortKey = "name" | "updated" | "version";

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
    <th scope="col" aria-sort={ariaSort} className="px-4 py-3 text-left font-semibold">
      <button
        type="button"
        onClick={() => onSort(active === "asc" ? (`-${sortKey}` as const) : sortKey)}
        className="inline-flex items-center gap-1 hover:text-slate-900"
      >
        {label}
        <Icon className="size-3.5 text-slate-400" aria-hidden />
        <span className="sr-only">, sort</span>
      </button>
    </th>
  );
}

function ValueCell({ secret }: { secret: TSecretDTO }) {
  if (secret.fingerprint === null) {
    return (
      <span className="inline-flex items-center gap-1 text-slate-500">
        <Lock className="size-3.5" aria-hidden /> Restricted
      </span>
    );
  }
  return (
    <span className="inline-flex items-center gap-3">
      <span aria-label="Value hidden" className="tracking-widest text-slate-400">
        ••••••••
      </span>
      <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600" title="Fingerprint: a keyed hash of the value, to compare values without seeing them">
        {secret.fingerprint}
      </code>
    </span>
  );
}

export function SecretsPanel({ teamSlug, initialQuery }: { teamSlug: string; initialQuery: TListSecretsQuery }) {
  const [query, setQuery] = useState(initialQuery);
  const [filter, setFilter] = useState(initialQuery.q);
  const [status, setStatus] = useState("");

  // The URL mirrors the table state, so a reload or a shared link shows the same page.
  useEffect(() => {
    const sp = secretsSearchParams(query).toString();
    window.history.replaceState(null, "", sp ? `?${sp}` : window.location.pathname);
  }, [query]);

  // Debounced filter: one request after typing pauses.
  useEffect(() => {
    if (filter.trim() === query.q) return;
    const t = setTimeout(() => setQuery((q) => ({ ...q, q: filter.trim(), page: 1 })), 250);
    return () => clearTimeout(t);
  }, [filter, query.q]);

  const { data, isError, error, isFetching } = useQuery({
    queryKey: secretsKeys.list(teamSlug, query),
    queryFn: () => fetchSecrets(teamSlug, query),
    placeholderData: keepPreviousData,
  });

  const canWrite = data?.canWrite ?? false;
  const total = data?.total ?? 0;
  const lastPage = Math.max(1, Math.ceil(total / query.pageSize));
  const from = total === 0 ? 0 : (query.page - 1) * query.pageSize + 1;
  const to = Math.min(total, query.page * query.pageSize);
  const onSort = (sort: TListSecretsQuery["sort"]) => setQuery((q) => ({ ...q, sort, page: 1 }));

  // A page emptied by deletions steps back to the last page that has rows.
  useEffect(() => {
    if (data && data.items.length === 0 && query.page > 1 && total > 0) setQuery((q) => ({ ...q, page: lastPage }));
  }, [data, query.page, total, lastPage]);

  return (
    <section aria-labelledby="secrets-table-caption" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="w-full max-w-xs">
          <label htmlFor="secret-filter" className="sr-only">
            Filter by name
          </label>
          <Input
            id="secret-filter"
            type="search"
            placeholder="Filter by name"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        {canWrite ? (
          <div className="flex gap-2">
            <ImportSecretsDialog teamSlug={teamSlug} onImported={setStatus} />
            <NewSecretDialog teamSlug={teamSlug} onCreated={(name) => setStatus(`Secret ${name} added.`)} />
          </div>
        ) : null}
      </div>

      <p role="status" aria-live="polite" className="min-h-5 text-sm text-emerald-700">
        {status}
      </p>
      {isError ? (
        <p role="alert" className="text-sm text-red-600">
          {(error as Error).message}
        </p>
      ) : null}

      <div className="overflow-x-auto rounded-lg bg-white shadow-xs ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-busy={isFetching || undefined}>
          <caption id="secrets-table-caption" className="sr-only">
            Team secrets
          </caption>
          <thead className="bg-slate-50 text-slate-600">
            <tr>
              <SortHeader label="Name" sortKey="name" query={query} onSort={onSort} />
              <th scope="col" className="px-4 py-3 text-left font-semibold">
                Value
              </th>
              <th scope="col" className="px-4 py-3 text-left font-semibold">
                Visibility
              </th>
              <SortHeader label="Version" sortKey="version" query={query} onSort={onSort} />
              <th scope="col" className="px-4 py-3 text-left font-semibold">
                Used by
              </th>
              <th scope="col" className="px-4 py-3 text-left font-semibold">
                Last used
              </th>
              <SortHeader label="Last changed" sortKey="updated" query={query} onSort={onSort} />
              <th scope="col" className="px-4 py-3 text-right font-semibold">
                Actions
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {data?.items.map((s) => (
              <tr key={s.id} className="hover:bg-slate-50/60">
                <th scope="row" className="px-4 py-3 text-left font-mono font-medium text-slate-900">
                  {s.name}
                  {s.undecryptable ? (
                    <span
                      className="ml-2 rounded-full bg-red-50 px-2 py-0.5 font-sans text-xs font-medium text-red-800 ring-1 ring-red-200"
                      title="Its stored value does not open, so webhooks and tokens get an error for it. Rotate it to a new value."
                    >
                      Cannot decrypt
                    </span>
                  ) : null}
                </th>
                <td className="px-4 py-3">
                  <ValueCell secret={s} />
                </td>
                <td className="px-4 py-3">
                  <span
                    className={
                      s.visibility === "restricted"
                        ? "rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200"
                        : "rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700"
                    }
                  >
                    {s.visibility === "restricted" ? "Restricted" : "Masked"}
                  </span>
                </td>
                <td className="px-4 py-3 tabular-nums">v{s.version}</td>
                <td className="px-4 py-3">
                  <UsedByCell secretName={s.name} consumers={s.usedBy} />
                </td>
                <td className="px-4 py-3 text-slate-600">
                  {s.lastUsedAt ? <time dateTime={s.lastUsedAt}>{dateFormat.format(new Date(s.lastUsedAt))}</time> : <span className="text-slate-400">Never</span>}
                </td>
                <td className="px-4 py-3 text-slate-600">
                  <time dateTime={s.updatedAt}>{dateFormat.format(new Date(s.updatedAt))}</time>
                  <span className="block text-xs text-slate-500">by {s.updatedBy ? s.updatedBy.name || s.updatedBy.email : "a removed user"}</span>
                </td>
                <td className="px-4 py-3">
                  {canWrite ? (
                    <div className="flex justify-end gap-1">
                      <RotateSecretDialog
                        key={`rotate-${s.id}`}
                        teamSlug={teamSlug}
                        secret={s}
                        onRotated={(name, v) => setStatus(`Secret ${name} rotated to version ${v}.`)}
                      />
                      <DeleteSecretDialog
                        key={`delete-${s.id}`}
                        teamSlug={teamSlug}
                        secret={s}
                        onDeleted={(name) => setStatus(`Secret ${name} deleted.`)}
                      />
                    </div>
                  ) : (
                    <span className="sr-only">No actions for your role</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {data && data.items.length === 0 ? (
          <div className="flex flex-col items-center gap-2 px-6 py-12 text-center">
            <KeyRound className="size-8 text-slate-300" aria-hidden />
            {query.q ? (
              <p className="text-sm text-slate-600">No secrets match “{query.q}”.</p>
            ) : (
              <>
                <p className="font-medium text-slate-900">No secrets yet</p>
                <p className="text-sm text-slate-600">
                  {canWrite ? "Add the first one with New secret." : "Owners and Admins of this team can add secrets."}
                </p>
              </>
            )}
          </div>
        ) : null}
      </div>

      {total > 0 ? (
        <nav aria-label="Pagination" className="flex items-center justify-between text-sm text-slate-600">
          <p>
            Showing {from}–{to} of {total.toLocaleString("en")}
          </p>
          <div className="flex items-center gap-2">
            <Button variant="secondary" size="sm" disabled={query.page <= 1} onClick={() => setQuery((q) => ({ ...q, page: q.page - 1 }))}>
              Previous
            </Button>
            <span>
              Page {query.page} of {lastPage}
            </span>
            <Button variant="secondary" size="sm" disabled={query.page >= lastPage} onClick={() => setQuery((q) => ({ ...q, page: q.page + 1 }))}>
              Next
            </Button>
          </div>
        </nav>
      ) : null}
    </section>
  );
}

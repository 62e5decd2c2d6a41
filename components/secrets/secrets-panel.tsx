"use client";
// The Team secrets page body: filter, sort and server-side pagination through TanStack Query (hydrated from
// the server's prefetch), the History dialog for every member, the New / Import / Rotate / Delete dialogs for
// Owners and Admins, and a visible notice for Editors. Rows carry metadata and a fingerprint only; there is no
// way to reveal a stored value.
// Focus never drops to the page: after a delete it moves to the next row's first action (or New secret when
// the table is empty), and every confirmation is announced in the toast region.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { KeyRound, Loader2 } from "lucide-react";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { RoleNotice } from "@/components/ui/role-notice";
import { notify } from "@/components/ui/toast";
import { Input } from "@/components/ui/field";
import { fetchTeamData, teamApiPath } from "@/lib/queries/fetch-team-data";
import { secretsKeys, secretsSearchParams } from "@/lib/queries/keys";
import type { TListSecretsQuery } from "@/lib/validation/secrets";
import { deferred } from "@/components/ui/deferred";
import {
  checkValueTrigger,
  deleteTrigger,
  editDetailsTrigger,
  historyTrigger,
  importTrigger,
  newSecretTrigger,
  rotateTrigger,
} from "./dialog-triggers";
import { Pagination } from "./pagination";
import { SecretsTable } from "./secrets-table";
import type { TSecretList } from "@/lib/types/secrets";

// Each dialog's code (its form, checks and the dialog primitive) is fetched when it is first opened, not with
// the page: the buttons render at once (components/ui/deferred.tsx).
const HistoryDialog = deferred(() => import("./history-dialog").then((m) => m.HistoryDialog), (p) => historyTrigger(p.secret.name));
const CheckValueDialog = deferred(() => import("./check-value-dialog").then((m) => m.CheckValueDialog), (p) => checkValueTrigger(p.secret.name));
const RotateSecretDialog = deferred(() => import("./rotate-secret-dialog").then((m) => m.RotateSecretDialog), (p) => rotateTrigger(p.secret.name));
const EditSecretDetailsDialog = deferred(
  () => import("./edit-secret-details-dialog").then((m) => m.EditSecretDetailsDialog),
  (p) => editDetailsTrigger(p.secret.name),
);
const DeleteSecretDialog = deferred(() => import("./delete-secret-dialog").then((m) => m.DeleteSecretDialog), (p) => deleteTrigger(p.secret.name));
const ImportSecretsDialog = deferred(() => import("./import-secrets-dialog").then((m) => m.ImportSecretsDialog), () => importTrigger());
const NewSecretDialog = deferred(() => import("./new-secret-dialog").then((m) => m.NewSecretDialog), (p) => newSecretTrigger(p.triggerRef));

const fetchSecrets = (teamSlug: string, query: TListSecretsQuery) =>
  fetchTeamData<TSecretList>(`${teamApiPath(teamSlug, "secrets")}?${secretsSearchParams(query)}`, "secrets");

export function SecretsPanel({ teamSlug, initialQuery }: { teamSlug: string; initialQuery: TListSecretsQuery }) {
  const [query, setQuery] = useState(initialQuery);
  const [filter, setFilter] = useState(initialQuery.q);
  // Index of a row just deleted: once the list has refetched, focus goes to the row now at that place.
  const [focusAfterDelete, setFocusAfterDelete] = useState<number | null>(null);
  const tableRef = useRef<HTMLDivElement>(null);
  const newSecretRef = useRef<HTMLButtonElement>(null);

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

  const { data, isError, error, isFetching, isPlaceholderData } = useQuery({
    queryKey: secretsKeys.list(teamSlug, query),
    queryFn: () => fetchSecrets(teamSlug, query),
    placeholderData: keepPreviousData,
  });

  const canWrite = data?.canWrite ?? false;
  const canEditDetails = data?.canEditDetails ?? false;
  const total = data?.total ?? 0;
  const lastPage = Math.max(1, Math.ceil(total / query.pageSize));
  const onSort = (sort: TListSecretsQuery["sort"]) => setQuery((q) => ({ ...q, sort, page: 1 }));
  // Rows of another page or filter are on screen while the requested ones load.
  const pending = isFetching && isPlaceholderData;

  // A page emptied by deletions steps back to the last page that has rows.
  useEffect(() => {
    if (data && data.items.length === 0 && query.page > 1 && total > 0) setQuery((q) => ({ ...q, page: lastPage }));
  }, [data, query.page, total, lastPage]);

  useEffect(() => {
    if (focusAfterDelete === null || !data || isFetching) return;
    const rows = tableRef.current?.querySelectorAll<HTMLElement>("[data-secret-row]") ?? [];
    const row = rows[Math.min(focusAfterDelete, rows.length - 1)];
    const target = row?.querySelector<HTMLElement>("[data-row-action]") ?? newSecretRef.current;
    target?.focus();
    setFocusAfterDelete(null);
  }, [focusAfterDelete, data, isFetching]);

  // One New secret button at a time: in the toolbar, or in the empty state of a team without secrets.
  const isEmptyTeam = !!data && total === 0 && !query.q && !query.due;
  const newSecret = <NewSecretDialog teamSlug={teamSlug} triggerRef={newSecretRef} onCreated={(name) => notify(`Secret ${name} added.`)} />;

  return (
    <section aria-labelledby="secrets-table-caption" className="space-y-4">
      {data && !canWrite ? (
        <RoleNotice>
          You can view this team&apos;s secrets. Owners and Admins add, rotate and delete them. Restricted secrets show no
          fingerprint to Editors and cannot be used in their webhooks.
        </RoleNotice>
      ) : null}
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex w-full flex-wrap items-center gap-x-4 gap-y-2 sm:w-auto">
          <div className="w-full sm:w-80">
            <label htmlFor="secret-filter" className="sr-only">
              Filter by name or description
            </label>
            <Input
              id="secret-filter"
              type="search"
              placeholder="Filter by name or description"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          </div>
          {/* The title (not visible text) explains it, so the status texts stay the only "Rotation due" on the page. */}
          <div className="flex items-center gap-2 text-sm" title="Only secrets that are expired, expire within 14 days, or are past their rotation period">
            <input
              type="checkbox"
              id="secret-filter-due"
              checked={query.due ?? false}
              onChange={(e) => setQuery((q) => ({ ...q, due: e.target.checked || undefined, page: 1 }))}
              className="size-4"
              title="Only secrets that are expired, expire within 14 days, or are past their rotation period"
            />
            <label htmlFor="secret-filter-due" className="font-medium text-slate-900">
              Due
            </label>
          </div>
        </div>
        {canWrite ? (
          <div className="flex gap-2">
            <ImportSecretsDialog teamSlug={teamSlug} onImported={notify} />
            {isEmptyTeam ? null : newSecret}
          </div>
        ) : null}
      </div>

      <div className="flex min-h-5 items-center gap-2 text-sm text-slate-700">
        <p aria-live="polite">
          {data ? (
            <>
              <strong className="font-semibold text-slate-900">{total.toLocaleString("en")}</strong>{" "}
              {total === 1 ? "secret" : "secrets"}
              {query.due ? " due" : null}
              {query.q ? <> matching “{query.q}”</> : null}
            </>
          ) : null}
        </p>
        {pending ? (
          <span className="inline-flex items-center gap-1 text-slate-600">
            <Loader2 className="size-3.5 animate-spin" aria-hidden /> Loading…
          </span>
        ) : null}
      </div>
      {isError ? (
        <p role="alert" className="text-sm text-red-700">
          {(error as Error).message}
        </p>
      ) : null}

      <div ref={tableRef}>
        <SecretsTable
          items={data?.items ?? []}
          query={query}
          onSort={onSort}
          pending={pending}
          renderActions={(s, index) => (
            <>
              <HistoryDialog key={`history-${s.id}`} teamSlug={teamSlug} secret={s} />
              {s.canCheck ? <CheckValueDialog key={`check-${s.id}`} teamSlug={teamSlug} secret={s} /> : null}
              {canWrite ? (
                <>
                  <RotateSecretDialog
                    key={`rotate-${s.id}`}
                    teamSlug={teamSlug}
                    secret={s}
                    onRotated={(name, v) => notify(`Secret ${name} rotated to version ${v}.`)}
                  />
                  {canEditDetails ? (
                    <EditSecretDetailsDialog
                      key={`edit-${s.id}`}
                      teamSlug={teamSlug}
                      secret={s}
                      onSaved={(name, changed) => notify(changed ? `Details of ${name} saved.` : `Nothing changed for ${name}.`)}
                    />
                  ) : null}
                  <DeleteSecretDialog
                    key={`delete-${s.id}`}
                    teamSlug={teamSlug}
                    secret={s}
                    onDeleted={(name) => {
                      setFocusAfterDelete(index);
                      notify(`Secret ${name} deleted.`);
                    }}
                  />
                </>
              ) : null}
            </>
          )}
          empty={
            data ? (
              <div className="flex flex-col items-center gap-2 px-6 py-12 text-center">
                <KeyRound className="size-8 text-slate-400" aria-hidden />
                {query.due ? (
                  <p className="text-sm text-slate-700">
                    No secrets {query.q ? <>matching “{query.q}” </> : null}are expired, expiring within 14 days or due for rotation.
                  </p>
                ) : query.q ? (
                  <p className="text-sm text-slate-700">No secrets match “{query.q}”.</p>
                ) : canWrite ? (
                  <>
                    <p className="font-medium text-slate-900">No secrets yet</p>
                    <p className="max-w-md text-sm text-slate-700">
                      Add the team&apos;s first secret, then give software access with an{" "}
                      <Link href={`/teams/${teamSlug}/settings/tokens`} className="font-medium text-indigo-700 underline">
                        access token
                      </Link>
                      .
                    </p>
                    <div className="mt-2">{newSecret}</div>
                  </>
                ) : (
                  <>
                    <p className="font-medium text-slate-900">No secrets yet</p>
                    <p className="text-sm text-slate-700">Owners and Admins of this team can add secrets.</p>
                  </>
                )}
              </div>
            ) : null
          }
        />
      </div>

      {total > 0 ? (
        <Pagination
          page={query.page}
          pageSize={query.pageSize}
          total={total}
          onPage={(page) => setQuery((q) => ({ ...q, page }))}
          onPageSize={(pageSize) => setQuery((q) => ({ ...q, pageSize, page: 1 }))}
        />
      ) : null}
    </section>
  );
}

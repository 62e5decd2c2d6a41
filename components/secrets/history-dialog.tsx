"use client";
// History of one secret: a table with one row per version (who made it, when, how, its fingerprint where the
// viewer's role allows, and for Owners/Admins which consumers last received it). Any member may open it; it
// is read-only. Past values do not exist (a rotation destroys the previous one), and the dialog says so.
// Data comes from the history route through TanStack Query, fetched when the dialog opens and refreshed with
// every secrets mutation.
import { useQuery } from "@tanstack/react-query";
import { Loader2, Lock } from "lucide-react";
import { useState } from "react";
import { Dialog, DialogCloseButton, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { fetchTeamData, teamApiPath } from "@/lib/queries/fetch-team-data";
import { secretsKeys } from "@/lib/queries/keys";
import { cellClass } from "./secrets-table";
import type { TSecretHistoryDTO, TSecretVersionDTO } from "@/lib/types/secrets";
import type { TConsumerVersion } from "@/lib/consumer-versions";
import { ConsumersBehind, ConsumerVersionLine } from "./consumer-versions";
import { historyTrigger } from "./dialog-triggers";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

const SOURCE_LABELS: Record<NonNullable<TSecretVersionDTO["source"]>, string> = { ui: "UI", import: "Import", api: "API" };

const fetchHistory = (teamSlug: string, secretId: string) =>
  fetchTeamData<TSecretHistoryDTO>(teamApiPath(teamSlug, `secrets/${encodeURIComponent(secretId)}/history`), "the history", "This secret no longer exists.");

function FingerprintCell({ v, history }: { v: TSecretVersionDTO; history: TSecretHistoryDTO }) {
  if (!history.canSeeFingerprints) {
    return (
      <span className="inline-flex items-center gap-1 text-slate-600">
        <Lock className="size-3.5" aria-hidden /> Hidden (Restricted)
      </span>
    );
  }
  if (!v.fingerprint) return <span className="text-slate-600">Not recorded</span>;
  return (
    <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700" title="Fingerprint: a keyed hash of this version's value">
      {v.fingerprint}
    </code>
  );
}

/** The consumers whose last received version is this one (Owners/Admins only). */
function ConsumersCell({ consumers, currentVersion }: { consumers: TConsumerVersion[]; currentVersion: number }) {
  if (consumers.length === 0) return <span className="text-slate-500">—</span>;
  return (
    <ul className="space-y-0.5 text-left">
      {consumers.map((c) => (
        <li key={`${c.kind}-${c.id}`}>
          <ConsumerVersionLine c={c} currentVersion={currentVersion} />
        </li>
      ))}
    </ul>
  );
}

function VersionsTable({ history }: { history: TSecretHistoryDTO }) {
  const name = history.secret.name;
  return (
    <table className="block w-full text-sm md:table">
      <caption className="sr-only">Versions of {name}</caption>
      <thead className="bg-slate-50 text-slate-700 max-md:sr-only">
        <tr>
          {["Version", "Created", "By", "How", "Fingerprint", ...(history.consumerVersions ? ["Consumers on it"] : [])].map((h) => (
            <th key={h} scope="col" className="whitespace-nowrap px-4 py-2 text-left font-semibold">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="block divide-y divide-slate-100 md:table-row-group">
        {history.versions.map((v) => (
          <tr key={v.version} data-version-row className="block py-2 md:table-row md:py-0">
            <th scope="row" className="block px-4 py-1 text-left font-medium text-slate-900 tabular-nums md:table-cell md:py-2">
              v{v.version}
              {v.isCurrent ? (
                <span className="ml-2 rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800 ring-1 ring-emerald-200">Current</span>
              ) : null}
            </th>
            <td data-label="Created" className={cellClass}>
              <time dateTime={v.createdAt}>{dateFormat.format(new Date(v.createdAt))}</time>
            </td>
            <td data-label="By" className={`${cellClass} [overflow-wrap:anywhere]`}>
              {v.createdBy ?? <span className="text-slate-600">Not recorded</span>}
            </td>
            <td data-label="How" className={cellClass}>
              {v.source ? SOURCE_LABELS[v.source] : <span className="text-slate-600">Not recorded</span>}
            </td>
            <td data-label="Fingerprint" className={cellClass}>
              <FingerprintCell v={v} history={history} />
            </td>
            {v.consumers ? (
              <td data-label="Consumers on it" className={cellClass}>
                <ConsumersCell consumers={v.consumers} currentVersion={history.secret.version} />
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function HistoryDialog({ teamSlug, secret, defaultOpen = false }: { teamSlug: string; secret: { id: string; name: string }; defaultOpen?: boolean }) {
  const [open, setOpen] = useState(defaultOpen);
  const { data, isError, error, isPending } = useQuery({
    queryKey: secretsKeys.history(teamSlug, secret.id),
    queryFn: () => fetchHistory(teamSlug, secret.id),
    enabled: open,
  });
  const notFetched = data?.consumerVersions?.consumers.filter((c) => c.version === null) ?? [];
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{historyTrigger(secret.name)}</DialogTrigger>
      <DialogContent
        title={`History of ${secret.name}`}
        description="Every version with who made it, when and how. Past values are not kept: a rotation destroys the previous value, so only its metadata remains here."
        className="max-w-3xl"
      >
        <div className="space-y-3">
          {isError ? (
            <p role="alert" className="text-sm text-red-700">
              {(error as Error).message}
            </p>
          ) : isPending ? (
            <p className="inline-flex items-center gap-1 text-sm text-slate-600" role="status">
              <Loader2 className="size-3.5 animate-spin" aria-hidden /> Loading history…
            </p>
          ) : (
            <>
              <ConsumersBehind versions={data.consumerVersions} className="text-sm" />
              <div className="rounded-lg ring-1 ring-slate-200">
                <VersionsTable history={data} />
              </div>
              {notFetched.length ? (
                <div className="text-xs text-slate-600">
                  <p>Consumers that have not fetched {secret.name} yet (they hold no old value):</p>
                  <ul className="mt-1 space-y-0.5">
                    {notFetched.map((c) => (
                      <li key={`${c.kind}-${c.id}`}>
                        <ConsumerVersionLine c={c} currentVersion={data.secret.version} />
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
              {data.total > data.versions.length ? (
                <p className="text-xs text-slate-600">
                  Showing the newest {data.versions.length} of {data.total} versions.
                </p>
              ) : null}
              {!data.canSeeFingerprints ? (
                <p className="text-xs text-slate-600">Fingerprints of Restricted secrets are shown to Owners and Admins only.</p>
              ) : null}
            </>
          )}
          <div className="flex justify-end pt-1">
            <DialogCloseButton>Close</DialogCloseButton>
          </div>
        </div>
      </DialogContent>
    </Dialog>
  );
}

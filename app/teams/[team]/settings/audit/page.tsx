import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { inputClass } from "@/components/ui/field";
import { listAuditEvents } from "@/lib/dal/audit";
import { findTeamAccess } from "@/lib/dal/teams";
import { actorOf, currentUser } from "@/lib/session";
import { AUDIT_ACTIONS, ZAuditQuery, type TAuditQuery } from "@/lib/validation/audit";

export const metadata = { title: "Audit log" };

const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

function queryString(q: TAuditQuery, extra: Record<string, string> = {}): string {
  const sp = new URLSearchParams();
  for (const k of ["actor", "action", "target", "from", "to"] as const) if (q[k]) sp.set(k, q[k]!);
  for (const [k, v] of Object.entries(extra)) sp.set(k, v);
  return sp.toString();
}

function describe(details: Record<string, unknown> | null): string {
  if (!details) return "";
  return Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(", ");
}

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ team: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { team } = await params;
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(`/teams/${team}/settings/audit`)}`);
  const access = await findTeamAccess(user.id, team);
  if (!access) notFound();
  if (!access.can.canReadAudit) {
    return (
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Audit log</h1>
        <p role="alert" className="mt-3 text-slate-700">
          Only Owners and Admins can read the audit log.
        </p>
      </div>
    );
  }
  const q = ZAuditQuery.parse(await searchParams);
  const { events, total, page, pageSize } = await listAuditEvents(actorOf(user), team, q);
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  const base = `/teams/${team}/settings/audit`;
  const exportBase = `/api/teams/${team}/audit/export`;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">Audit log</h1>
          <p className="mt-1 text-sm text-slate-600">Every change to secrets and members, and every sign-in, newest first. Times are UTC.</p>
        </div>
        <div className="flex gap-2">
          <a href={`${exportBase}?${queryString(q, { format: "csv" })}`} download className="rounded-md bg-white px-3 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50" role="button">
            Export CSV
          </a>
          <a href={`${exportBase}?${queryString(q, { format: "json" })}`} download className="rounded-md bg-white px-3 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50" role="button">
            Export JSON
          </a>
        </div>
      </div>
      <form method="get" className="grid gap-3 rounded-lg bg-white p-4 shadow-xs ring-1 ring-slate-200 sm:grid-cols-6" aria-label="Filter events">
        <label className="text-sm sm:col-span-1">
          <span className="font-medium">Actor</span>
          <input name="actor" defaultValue={q.actor ?? ""} className={`${inputClass} mt-1`} placeholder="email" />
        </label>
        <label className="text-sm sm:col-span-1">
          <span className="font-medium">Action</span>
          <select name="action" defaultValue={q.action ?? ""} className={`${inputClass} mt-1`}>
            <option value="">Any</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm sm:col-span-1">
          <span className="font-medium">Target</span>
          <input name="target" defaultValue={q.target ?? ""} className={`${inputClass} mt-1`} placeholder="name or email" />
        </label>
        <label className="text-sm sm:col-span-1">
          <span className="font-medium">From</span>
          <input type="date" name="from" defaultValue={q.from ?? ""} className={`${inputClass} mt-1`} />
        </label>
        <label className="text-sm sm:col-span-1">
          <span className="font-medium">To</span>
          <input type="date" name="to" defaultValue={q.to ?? ""} className={`${inputClass} mt-1`} />
        </label>
        <div className="flex items-end gap-2 sm:col-span-1">
          <button type="submit" className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-on-accent hover:bg-indigo-500">
            Filter
          </button>
          <Link href={base} className="rounded-md px-3 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100">
            Clear
          </Link>
        </div>
      </form>
      <div tabIndex={0} role="region" aria-label="Audit log, scrollable" className="relative overflow-x-auto rounded-lg bg-white shadow-xs ring-1 ring-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-600">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Audit events</caption>
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th scope="col" className="px-4 py-3 font-semibold">Time</th>
              <th scope="col" className="px-4 py-3 font-semibold">Actor</th>
              <th scope="col" className="px-4 py-3 font-semibold">Action</th>
              <th scope="col" className="px-4 py-3 font-semibold">Target</th>
              <th scope="col" className="px-4 py-3 font-semibold">Details</th>
              <th scope="col" className="px-4 py-3 font-semibold">Source</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {events.map((e) => (
              <tr key={e.id}>
                <td className="whitespace-nowrap px-4 py-2 text-slate-600">
                  <time dateTime={e.createdAt}>{dateTime.format(new Date(e.createdAt))}</time>
                </td>
                <td className="px-4 py-2">{e.actor}</td>
                <td className="px-4 py-2 font-mono text-xs">{e.action}</td>
                <td className="px-4 py-2">
                  {e.target}
                  {e.version ? <span className="ml-1 text-xs text-slate-500">v{e.version}</span> : null}
                </td>
                <td className="px-4 py-2 text-xs text-slate-600">{describe(e.details)}</td>
                <td className="px-4 py-2 text-xs text-slate-500" title={e.userAgent ?? undefined}>
                  {e.ip ?? "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {events.length === 0 ? <p className="px-6 py-10 text-center text-sm text-slate-600">No events match these filters.</p> : null}
      </div>
      {total > pageSize ? (
        <nav aria-label="Pagination" className="flex items-center justify-between text-sm text-slate-600">
          <p>
            Page {page} of {lastPage} ({total.toLocaleString("en")} events)
          </p>
          <div className="flex gap-2">
            {page > 1 ? (
              <Link href={`${base}?${queryString(q, { page: String(page - 1) })}`} className="rounded-md px-3 py-1.5 ring-1 ring-slate-300">
                Newer
              </Link>
            ) : null}
            {page < lastPage ? (
              <Link href={`${base}?${queryString(q, { page: String(page + 1) })}`} className="rounded-md px-3 py-1.5 ring-1 ring-slate-300">
                Older
              </Link>
            ) : null}
          </div>
        </nav>
      ) : null}
    </div>
  );
}

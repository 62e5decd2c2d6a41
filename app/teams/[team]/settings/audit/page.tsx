import Link from "next/link";
import { PageHeader } from "@/components/shared/page-header";
import { inputClass } from "@/components/ui/field";
import { Table, TableBody, TableHeader, Td } from "@/components/ui/table";
import { listAuditEvents } from "@/lib/dal/audit";
import { AUDIT_ACTIONS, ZAuditQuery, type TAuditQuery } from "@/lib/validation/audit";
import { openSettingsPage } from "../settings-page";

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
  // Server-rendered with GET filters and links (it works without JavaScript and changes nothing), so it has no
  // client query; its opening and table chrome are the other pages'.
  const settings = await openSettingsPage(params, "audit");
  const { team } = settings;
  if (!settings.access.can.canReadAudit) {
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
  const { events, total, page, pageSize } = await listAuditEvents(settings.actor, team, q);
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  const base = `/teams/${team}/settings/audit`;
  const exportBase = `/api/teams/${team}/audit/export`;
  return (
    <div className="space-y-6">
      <PageHeader
        title="Audit log"
        actions={
          <>
          <a href={`${exportBase}?${queryString(q, { format: "csv" })}`} download className="rounded-md bg-white px-3 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50" role="button">
            Export CSV
          </a>
          <a href={`${exportBase}?${queryString(q, { format: "json" })}`} download className="rounded-md bg-white px-3 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50" role="button">
            Export JSON
          </a>
          </>
        }
      >
        <p className="mt-1 text-sm text-slate-600">Every change to secrets and members, and every sign-in, newest first. Times are UTC.</p>
      </PageHeader>
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
      <Table
        label="Audit log"
        caption="Audit events"
        after={events.length === 0 ? <p className="px-6 py-10 text-center text-sm text-slate-600">No events match these filters.</p> : null}
      >
        <TableHeader columns={["Time", "Actor", "Action", "Target", "Details", "Source"]} />
        <TableBody>
          {events.map((e) => (
            <tr key={e.id}>
              <Td dense className="whitespace-nowrap text-slate-600">
                <time dateTime={e.createdAt}>{dateTime.format(new Date(e.createdAt))}</time>
              </Td>
              <Td dense>{e.actor}</Td>
              <Td dense className="font-mono text-xs">
                {e.action}
              </Td>
              <Td dense>
                {e.target}
                {e.version ? <span className="ml-1 text-xs text-slate-500">v{e.version}</span> : null}
              </Td>
              <Td dense className="text-xs text-slate-600">
                {describe(e.details)}
              </Td>
              <Td dense className="text-xs text-slate-500" title={e.userAgent ?? undefined}>
                {e.ip ?? "—"}
              </Td>
            </tr>
          ))}
        </TableBody>
      </Table>
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

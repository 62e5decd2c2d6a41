import Link from "next/link";
import type { ComponentProps, ReactNode } from "react";
import { PageHeader } from "@/components/shared/page-header";
import { inputClass, Options } from "@/components/ui/field";
import { Table, TableBody, TableHeader, Td } from "@/components/ui/table";
import { listAuditEvents } from "@/lib/dal/audit";
import { AUDIT_ACTIONS, ZAuditQuery, type TAuditQuery } from "@/lib/validation/audit";
import type { TPageProps } from "@/app/page-props";
import { openSettingsPage } from "../settings-page";

export const metadata = { title: "Audit log" };

const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

function queryString(q: TAuditQuery, extra: Record<string, string> = {}): string {
  const sp = new URLSearchParams();
  for (const k of ["actor", "action", "target", "from", "to"] as const) if (q[k]) sp.set(k, q[k]!);
  for (const [k, v] of Object.entries(extra)) sp.set(k, v);
  return sp.toString();
}

/** One filter of the form: its label around its control. */
function Filter({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="text-sm sm:col-span-1">
      <span className="font-medium">{label}</span>
      {children}
    </label>
  );
}

/** A text or date filter: an input named after its query key, showing the key's current value. */
function FilterInput({ label, name, q, ...props }: { label: string; name: "actor" | "target" | "from" | "to"; q: TAuditQuery } & ComponentProps<"input">) {
  return (
    <Filter label={label}>
      <input name={name} defaultValue={q[name] ?? ""} className={`${inputClass} mt-1`} {...props} />
    </Filter>
  );
}

function describe(details: Record<string, unknown> | null): string {
  if (!details) return "";
  return Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(", ");
}

export default async function AuditPage({ params, searchParams }: TPageProps<{ team: string }>) {
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
        <FilterInput label="Actor" name="actor" q={q} placeholder="email" />
        <Filter label="Action">
          <select name="action" defaultValue={q.action ?? ""} className={`${inputClass} mt-1`}>
            <option value="">Any</option>
            <Options values={AUDIT_ACTIONS} />
          </select>
        </Filter>
        <FilterInput label="Target" name="target" q={q} placeholder="name or email" />
        <FilterInput label="From" name="from" q={q} type="date" />
        <FilterInput label="To" name="to" q={q} type="date" />
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

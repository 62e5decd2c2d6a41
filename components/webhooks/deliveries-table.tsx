"use client";
// The delivery log: one row per attempt, newest first. Requests are shown as templated (`${NAME}`); a
// delivery that carried secrets shows no response text (only status, header names and size), and
// everything stored was redacted too. Owners/Admins get "Redeliver" on each row. Editors do not get the
// deliveries of webhooks that carry a Restricted secret; the notice names them. The log comes from TanStack
// Query (hydrated from the page's prefetch) and refetches after a test, a redelivery or an edit.
import { triggerLabel } from "@/lib/webhooks/events";
import { QueryError } from "@/components/shared/query-error";
import { RoleNotice } from "@/components/ui/role-notice";
import { Table, TableBody, TableHeader, Td } from "@/components/ui/table";
import { useDeliveries, useWebhooks } from "./queries";
import { RedeliverButton } from "./redeliver-button";
import { DELIVERY_LOG_SIZE } from "@/lib/queries/keys";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium" });

const OUTCOMES: Record<string, string> = {
  succeeded: "Delivered",
  http_error: "HTTP error",
  timeout: "Timed out",
  blocked: "Blocked",
  network: "Connection failed",
  refused: "Refused",
};

export function DeliveriesTable({ teamSlug }: { teamSlug: string }) {
  const { data: deliveries, error } = useDeliveries(teamSlug);
  const { data: list } = useWebhooks(teamSlug);
  const canRedeliver = list?.canRedeliver ?? false;
  // Webhooks whose deliveries this viewer may not see (they carry a Restricted secret).
  const hiddenWebhooks = (list?.items ?? []).filter((w) => !w.canSeeDeliveries).map((w) => w.name);
  const columns = ["Time", "Webhook", "Trigger", "Attempt", "Status", "Duration", "Request and response", canRedeliver && { key: "actions", label: <span className="sr-only">Actions</span>, align: "right" as const }];
  return (
    <section aria-labelledby="deliveries-heading" className="space-y-3">
      <h2 id="deliveries-heading" className="text-lg font-semibold">
        Deliveries
      </h2>
      <p className="text-sm text-slate-600">
        The latest {DELIVERY_LOG_SIZE} attempts. Requests are shown as templated, with ${"{NAME}"} where a value went. When a delivery carried secrets its
        response is not kept (a receiver can echo a value back in any encoding): only its status, header names and size. Other
        responses are cut at 4 KiB.
      </p>
      {hiddenWebhooks.length ? (
        <RoleNotice>
          Deliveries of {hiddenWebhooks.join(", ")} are not shown: {hiddenWebhooks.length === 1 ? "it carries" : "they carry"} a Restricted
          secret, so only Owners and Admins can see {hiddenWebhooks.length === 1 ? "its" : "their"} deliveries or send tests.
        </RoleNotice>
      ) : null}
      {deliveries ? null : <QueryError error={error} />}
      <Table label="Deliveries">
        <TableHeader columns={columns} />
        <TableBody className="align-top">
          {!deliveries || deliveries.length === 0 ? (
            <tr>
              <td colSpan={canRedeliver ? 8 : 7} className="px-4 py-6 text-center text-slate-500">
                {deliveries ? "No deliveries yet. Use Send test on a webhook." : null}
              </td>
            </tr>
          ) : (
              deliveries.map((d) => (
                <tr key={d.id}>
                  <Td className="whitespace-nowrap text-xs">{dateFormat.format(new Date(d.startedAt))}</Td>
                  <Td>{d.webhookName}</Td>
                  <Td className="text-xs">{triggerLabel(d.trigger)}</Td>
                  <Td className="text-xs">
                    {d.attempt} of 3{d.redelivery ? <span className="block text-slate-500">redelivery {d.redelivery}</span> : null}
                  </Td>
                  <Td className="text-xs">
                    <span className={d.outcome === "succeeded" ? "font-semibold text-emerald-700" : "font-semibold text-red-700"}>
                      {OUTCOMES[d.outcome] ?? d.outcome}
                      {d.statusCode ? ` · ${d.statusCode}` : ""}
                    </span>
                    {d.error ? <p className="mt-1 max-w-xs text-slate-600">{d.error}</p> : null}
                  </Td>
                  <Td className="whitespace-nowrap text-xs">{d.durationMs} ms</Td>
                  <Td className="text-xs">
                    <details>
                      <summary className="cursor-pointer text-indigo-700">Details</summary>
                      <div className="mt-2 max-w-xl space-y-2">
                        <pre className="whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono">
                          {`${d.request.method} ${d.request.url}\n${d.request.headers.map((h) => `${h.name}: ${h.value}`).join("\n")}${d.request.body ? `\n\n${d.request.body}` : ""}`}
                        </pre>
                        {d.response.withheld ? (
                          <p className="rounded bg-amber-50 p-2 text-amber-900">
                            {d.response.note}
                            {d.response.bytes !== null ? ` ${d.response.bytes} bytes.` : ""}
                            {d.response.headerNames.length ? ` Headers: ${d.response.headerNames.join(", ")}.` : ""}
                          </p>
                        ) : d.responseBody !== null ? (
                          <pre className="whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono">{d.responseBody || "(empty response body)"}</pre>
                        ) : null}
                      </div>
                    </details>
                  </Td>
                  {canRedeliver ? (
                    <Td className="text-right">
                      <RedeliverButton teamSlug={teamSlug} deliveryId={d.deliveryId} />
                    </Td>
                  ) : null}
                </tr>
              ))
          )}
        </TableBody>
      </Table>
    </section>
  );
}

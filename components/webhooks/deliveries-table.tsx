// The delivery log: one row per attempt, newest first. Requests are shown as templated (`${NAME}`); a
// delivery that carried secrets shows no response text (only status, header names and size), and
// everything stored was redacted too. Owners/Admins get "Redeliver" on each row. Editors do not get the
// deliveries of webhooks that carry a Restricted secret; the notice names them.
import { triggerLabel } from "@/lib/webhooks/events";
import { RoleNotice } from "@/components/ui/role-notice";
import { RedeliverButton } from "./redeliver-button";
import type { TDeliveryAttemptDTO } from "@/lib/types/webhooks";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium" });

const OUTCOMES: Record<string, string> = {
  succeeded: "Delivered",
  http_error: "HTTP error",
  timeout: "Timed out",
  blocked: "Blocked",
  network: "Connection failed",
  refused: "Refused",
};

export function DeliveriesTable({
  teamSlug,
  deliveries,
  canRedeliver,
  hiddenWebhooks = [],
}: {
  teamSlug: string;
  deliveries: TDeliveryAttemptDTO[];
  canRedeliver: boolean;
  /** Names of webhooks whose deliveries this viewer may not see (they carry a Restricted secret). */
  hiddenWebhooks?: string[];
}) {
  return (
    <section aria-labelledby="deliveries-heading" className="space-y-3">
      <h2 id="deliveries-heading" className="text-lg font-semibold">
        Deliveries
      </h2>
      <p className="text-sm text-slate-600">
        The latest 50 attempts. Requests are shown as templated, with ${"{NAME}"} where a value went. When a delivery carried secrets its
        response is not kept (a receiver can echo a value back in any encoding): only its status, header names and size. Other
        responses are cut at 4 KiB.
      </p>
      {hiddenWebhooks.length ? (
        <RoleNotice>
          Deliveries of {hiddenWebhooks.join(", ")} are not shown: {hiddenWebhooks.length === 1 ? "it carries" : "they carry"} a Restricted
          secret, so only Owners and Admins can see {hiddenWebhooks.length === 1 ? "its" : "their"} deliveries or send tests.
        </RoleNotice>
      ) : null}
      <div tabIndex={0} role="region" aria-label="Deliveries, scrollable" className="relative overflow-x-auto rounded-xl bg-white shadow-xs ring-1 ring-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-600">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Deliveries</caption>
          <thead className="bg-slate-50 text-slate-600">
            <tr>
              <th scope="col" className="px-4 py-3 text-left font-semibold">Time</th>
              <th scope="col" className="px-4 py-3 text-left font-semibold">Webhook</th>
              <th scope="col" className="px-4 py-3 text-left font-semibold">Trigger</th>
              <th scope="col" className="px-4 py-3 text-left font-semibold">Attempt</th>
              <th scope="col" className="px-4 py-3 text-left font-semibold">Status</th>
              <th scope="col" className="px-4 py-3 text-left font-semibold">Duration</th>
              <th scope="col" className="px-4 py-3 text-left font-semibold">Request and response</th>
              {canRedeliver ? (
                <th scope="col" className="px-4 py-3 text-right font-semibold">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 align-top">
            {deliveries.length === 0 ? (
              <tr>
                <td colSpan={canRedeliver ? 8 : 7} className="px-4 py-6 text-center text-slate-500">
                  No deliveries yet. Use Send test on a webhook.
                </td>
              </tr>
            ) : (
              deliveries.map((d) => (
                <tr key={d.id}>
                  <td className="whitespace-nowrap px-4 py-3 text-xs">{dateFormat.format(new Date(d.startedAt))}</td>
                  <td className="px-4 py-3">{d.webhookName}</td>
                  <td className="px-4 py-3 text-xs">{triggerLabel(d.trigger)}</td>
                  <td className="px-4 py-3 text-xs">
                    {d.attempt} of 3{d.redelivery ? <span className="block text-slate-500">redelivery {d.redelivery}</span> : null}
                  </td>
                  <td className="px-4 py-3 text-xs">
                    <span className={d.outcome === "succeeded" ? "font-semibold text-emerald-700" : "font-semibold text-red-700"}>
                      {OUTCOMES[d.outcome] ?? d.outcome}
                      {d.statusCode ? ` · ${d.statusCode}` : ""}
                    </span>
                    {d.error ? <p className="mt-1 max-w-xs text-slate-600">{d.error}</p> : null}
                  </td>
                  <td className="whitespace-nowrap px-4 py-3 text-xs">{d.durationMs} ms</td>
                  <td className="px-4 py-3 text-xs">
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
                  </td>
                  {canRedeliver ? (
                    <td className="px-4 py-3 text-right">
                      <RedeliverButton teamSlug={teamSlug} deliveryId={d.deliveryId} />
                    </td>
                  ) : null}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

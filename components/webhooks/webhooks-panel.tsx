"use client";
// The Webhooks page body: heading, "New webhook", the table of webhooks with Send test / Edit / Delete per
// row (rows carry id="webhook-<id>" so the secrets table can link to them), and for Owners/Admins the
// allowed-hosts editor and "Rotate signing secret NAME" per row. The list comes from TanStack Query
// (hydrated from the page's prefetch); every change refetches it and the delivery log.
import { Pencil, Plus, Send, Trash2, Webhook } from "lucide-react";
import { ConfirmDialog } from "@/components/shared/confirm-dialog";
import { QueryError } from "@/components/shared/query-error";
import { PageHeader } from "@/components/shared/page-header";
import { useTeamMutation } from "@/components/shared/use-team-mutation";
import { Button } from "@/components/ui/button";
import { RoleNotice } from "@/components/ui/role-notice";
import { Table, TableBody, TableHeader, Td } from "@/components/ui/table";
import { deleteWebhookAction, sendTestWebhookAction } from "@/app/teams/[team]/settings/webhooks/actions";
import { triggerLabel } from "@/lib/webhooks/events";
import { AllowedHostsDialog } from "./allowed-hosts-dialog";
import { useWebhooks } from "./queries";
import { RotateSigningSecret } from "./rotate-signing-secret";
import { WebhookDialog } from "./webhook-dialog";
import { webhooksKeys } from "@/lib/queries/keys";
import type { TWebhookDTO } from "@/lib/types/webhooks";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

const COLUMNS = ["Name", "Destination", "Events", "Secrets", "Last delivery", { key: "actions", label: "Actions", align: "right" }] as const;

export function WebhooksPanel({ teamSlug }: { teamSlug: string }) {
  const { data, error } = useWebhooks(teamSlug);
  if (!data) return <QueryError error={error} />;
  const { items: webhooks, secretOptions, canWriteSecrets, canAttachRestricted, canSign } = data;
  const can = { canWriteSecrets, canAttachRestricted, canSign };
  return (
    <section className="space-y-4">
      <PageHeader
        title="Webhooks"
        actions={
          <>
            {canWriteSecrets ? <AllowedHostsDialog teamSlug={teamSlug} secretOptions={secretOptions} /> : null}
            <WebhookDialog
              teamSlug={teamSlug}
              canCreateSecret={canWriteSecrets}
              canAttachRestricted={canAttachRestricted}
              trigger={
                <Button>
                  <Plus className="size-4" aria-hidden />
                  New webhook
                </Button>
              }
            />
          </>
        }
      >
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          Webhooks send team events and tests to your services. They can carry secrets as ${"{SECRET_NAME}"}: the server fills in
          the value when it sends, and the delivery log shows it redacted.
        </p>
        {canAttachRestricted ? null : (
          <div className="mt-2 max-w-2xl">
            <RoleNotice>
              You can create and edit webhooks with Masked secrets. Restricted secrets, and webhooks that carry one, are managed by
              Owners and Admins: only they can test such a webhook or see its deliveries, since a receiver&apos;s answer can echo a
              value back. Allowed hosts are theirs too.
            </RoleNotice>
          </div>
        )}
      </PageHeader>
      {webhooks.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 px-6 py-12 text-center">
          <Webhook className="mx-auto size-8 text-slate-400" aria-hidden />
          <p className="mt-2 text-sm font-semibold">No webhooks yet</p>
          <p className="mt-1 text-sm text-slate-600">Create one to send team events, with secrets, to a service you run.</p>
        </div>
      ) : (
        <Table label="Webhooks">
          <TableHeader columns={COLUMNS} />
          <TableBody>
            {webhooks.map((w) => (
              <WebhookRow key={w.id} teamSlug={teamSlug} webhook={w} can={can} />
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}

type TPanelCan = { canWriteSecrets: boolean; canAttachRestricted: boolean; canSign: boolean };

function WebhookRow({ teamSlug, webhook: w, can }: { teamSlug: string; webhook: TWebhookDTO; can: TPanelCan }) {
  const invalidates = [webhooksKeys.all(teamSlug)];
  const test = useTeamMutation((input: { webhookId: string }) => sendTestWebhookAction(teamSlug, input), { invalidates });
  const result = test.result?.ok ? test.result.data : null;
  return (
    <tr id={`webhook-${w.id}`} className="align-top target:bg-amber-50">
      <Td className="font-medium">{w.name}</Td>
      <Td className="max-w-xs">
        <span className="mr-1.5 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-semibold text-slate-700">{w.method}</span>
        <span className="break-all font-mono text-xs">{w.url}</span>
        {w.previousSigningSecretUntil ? (
          <p className="mt-1 text-xs text-slate-500">Also signed with the previous secret until {dateFormat.format(new Date(w.previousSigningSecretUntil))}</p>
        ) : null}
      </Td>
      <Td className="text-xs text-slate-600">
        {w.events.length ? w.events.map(triggerLabel).join(", ") : "Tests only"}
      </Td>
      <Td className="font-mono text-xs">{w.secrets.length ? w.secrets.map((s) => s.name).join(", ") : <span className="font-sans text-slate-500">None</span>}</Td>
      <Td className="text-xs">
        {!w.canSeeDeliveries ? (
          <span className="text-slate-500">Owners and Admins only</span>
        ) : w.lastDelivery ? (
          <>
            <StatusBadge status={w.lastDelivery.status} />
            <div className="mt-1 text-slate-500">{dateFormat.format(new Date(w.lastDelivery.at))}</div>
          </>
        ) : (
          <span className="text-slate-500">Never</span>
        )}
        <p role="status" className="mt-1 text-slate-700">
          {test.pending ? "Sending…" : result ? `Test ${result.status === "queued" ? "queued" : result.status}${result.statusCode ? ` (HTTP ${result.statusCode})` : ""}` : ""}
        </p>
        {test.failure ? <p role="alert" className="mt-1 text-red-700">{test.failure.message}</p> : null}
      </Td>
      <Td>
        <div className="flex justify-end gap-1">
          {w.canTest ? (
            <Button variant="ghost" size="icon" aria-label={`Send test ${w.name}`} title="Send test" disabled={test.pending} onClick={() => test.run({ webhookId: w.id })}>
              <Send className="size-4" aria-hidden />
            </Button>
          ) : (
            <p className="max-w-48 text-right text-xs text-slate-600">
              Carries a Restricted secret: only Owners and Admins can test it or see its deliveries.
            </p>
          )}
          {can.canSign ? <RotateSigningSecret teamSlug={teamSlug} webhookId={w.id} name={w.name} /> : null}
          {w.canEdit ? (
            <>
              <WebhookDialog
                teamSlug={teamSlug}
                webhook={w}
                canCreateSecret={can.canWriteSecrets}
                canAttachRestricted={can.canAttachRestricted}
                trigger={
                  <Button variant="ghost" size="icon" aria-label={`Edit ${w.name}`} title="Edit">
                    <Pencil className="size-4" aria-hidden />
                  </Button>
                }
              />
              <ConfirmDialog
                invalidates={invalidates}
                title={`Delete ${w.name}?`}
                description="The webhook and its delivery log are deleted now; queued deliveries are dropped. Its secrets stay."
                confirmLabel="Delete"
                action={() => deleteWebhookAction(teamSlug, { webhookId: w.id })}
                trigger={
                  <Button variant="ghost" size="icon" aria-label={`Delete ${w.name}`} title="Delete">
                    <Trash2 className="size-4" aria-hidden />
                  </Button>
                }
              />
            </>
          ) : null}
        </div>
      </Td>
    </tr>
  );
}

function StatusBadge({ status }: { status: string }) {
  const tone =
    status === "succeeded" ? "bg-emerald-50 text-emerald-700 ring-emerald-200" : status === "failed" ? "bg-red-50 text-red-700 ring-red-200" : "bg-amber-50 text-amber-800 ring-amber-200";
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ${tone}`}>{status === "pending" ? "retrying" : status}</span>;
}

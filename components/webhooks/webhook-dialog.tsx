"use client";
// New / edit webhook: name, URL, method, header rows, JSON payload template, the secrets it may use and
// the team events that trigger it. References are `${SECRET_NAME}`; the server checks them on save and
// answers with field errors that name the field and the reference. After creating one, Owners/Admins see
// its signing secret once; closing the dialog forgets it.
import { Plus, Trash2 } from "lucide-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { createWebhookAction, updateWebhookAction } from "@/app/teams/[team]/settings/webhooks/actions";
import { SecretPicker, type TSecretChoice } from "@/components/secrets/secret-picker";
import { ShownOnceBody } from "@/components/shared/shown-once";
import { useDialogMutation } from "@/components/shared/use-dialog-mutation";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogFormFooter, DialogTrigger } from "@/components/ui/dialog";
import { FieldError, FormAlert, Input, inputClass, Label } from "@/components/ui/field";
import { Field } from "@/components/ui/form-field";
import { cn } from "@/lib/cn";
import { webhooksKeys } from "@/lib/queries/keys";
import { WEBHOOK_METHODS } from "@/lib/validation/webhooks";
import { isTeamEvent, TEAM_EVENT_CATALOGUE, TEAM_EVENTS, type TTeamEvent } from "@/lib/webhooks/events";
import type { TWebhookDTO } from "@/lib/types/webhooks";

type THeaderRow = { key: number; name: string; value: string };
type TForm = {
  name: string;
  url: string;
  method: string;
  headers: THeaderRow[];
  payload: string;
  events: TTeamEvent[];
  secrets: TSecretChoice[];
};

export const SIGNING_SECRET_HINT =
  "Shown only now. Your receiver verifies every delivery with it (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature headers).";

/** A header row's two inputs, its name and its value (the value is not spell-checked). */
const HEADER_PARTS = [
  { part: "name", label: "Header name", placeholder: "Authorization", spellCheck: undefined },
  { part: "value", label: "Header value", placeholder: "Bearer ${API_TOKEN}", spellCheck: false },
] as const;

let rowKey = 0;
const initial = (w?: TWebhookDTO): TForm => ({
  name: w?.name ?? "",
  url: w?.url ?? "",
  method: w?.method ?? "POST",
  headers: (w?.headers ?? []).map((h) => ({ key: rowKey++, ...h })),
  payload: w?.payload ?? "",
  // A new webhook starts subscribed to every event.
  events: w ? w.events.filter(isTeamEvent) : [...TEAM_EVENTS],
  secrets: w?.secrets ?? [],
});

export function WebhookDialog({
  teamSlug,
  webhook,
  canCreateSecret,
  canAttachRestricted,
  trigger,
}: {
  teamSlug: string;
  webhook?: TWebhookDTO;
  canCreateSecret: boolean;
  canAttachRestricted: boolean;
  trigger: ReactNode;
}) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<TForm>(() => initial(webhook));
  const [saved, setSaved] = useState<{ name: string; signingSecret: string } | null>(null);
  const save = useDialogMutation((input: unknown) => (webhook ? updateWebhookAction(teamSlug, input) : createWebhookAction(teamSlug, input)), {
    invalidates: [webhooksKeys.all(teamSlug)],
    // Once saved, the action's page refresh may still be pending: Done must work then.
    closableWhilePending: !!saved,
    onReset: () => {
      setSaved(null);
      setForm(initial(webhook));
    },
  });
  const errors = save.failure?.fieldErrors ?? {};
  const base = webhook ? `webhook-${webhook.id}` : "new-webhook";

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    // The inline New secret dialog is portaled but still inside this form in React's tree: its submit
    // event bubbles here and must not save the webhook.
    if (e.target !== e.currentTarget) return;
    e.preventDefault();
    const headers = form.headers.filter((h) => h.name.trim() || h.value).map(({ name, value }) => ({ name: name.trim(), value }));
    const { secrets, ...rest } = form;
    const data = { ...rest, headers, secretIds: secrets.map((s) => s.id), ...(webhook ? { webhookId: webhook.id } : {}) };
    save.run(data, (result) => {
      const signingSecret = (result as { signingSecret?: string | null } | undefined)?.signingSecret;
      setForm(initial(webhook));
      if (signingSecret) setSaved({ name: form.name.trim(), signingSecret });
      else save.setOpen(false);
    });
  }

  const set = <K extends keyof TForm>(k: K, v: TForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const describe = (field: string, hint?: string) => [hint ?? "", errors[field] ? `${base}-${field}-error`.replace(/\./g, "-") : ""].join(" ").trim() || undefined;
  const err = (field: string) => <FieldError id={`${base}-${field}-error`.replace(/\./g, "-")} messages={errors[field]} />;

  return (
    <Dialog open={save.open} onOpenChange={save.onOpenChange}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      {saved ? (
        // Same title as the form it replaces, so the dialog keeps its accessible name.
        <DialogContent title="New webhook" description={`Saved ${saved.name}. Copy its signing secret now: this is the only time it is shown.`}>
          <ShownOnceBody label="Signing secret" value={saved.signingSecret} copyLabel="Copy signing secret" hint={SIGNING_SECRET_HINT} />
        </DialogContent>
      ) : (
        <DialogContent
          title={webhook ? `Edit ${webhook.name}` : "New webhook"}
          description="Write ${SECRET_NAME} in header values, the URL's query string or the payload; the server fills in the value when it sends. Nobody sees it."
          className="max-w-2xl"
        >
          <form method="post" onSubmit={onSubmit} noValidate>
            <fieldset disabled={save.pending} className="space-y-4">
              {save.failure && !save.failure.fieldErrors ? <FormAlert message={save.failure.message} /> : null}
              <Field id={`${base}-name`} label="Name" errors={errors.name}>
                {(control) => <Input {...control} value={form.name} onChange={(e) => set("name", e.target.value)} maxLength={80} className="mt-1.5" />}
              </Field>
              <div className="grid grid-cols-[8rem_1fr] gap-3">
                <div>
                  <Label htmlFor={`${base}-method`}>Method</Label>
                  <select id={`${base}-method`} value={form.method} onChange={(e) => set("method", e.target.value)} className={cn(inputClass, "mt-1.5")}>
                    {WEBHOOK_METHODS.map((m) => (
                      <option key={m}>{m}</option>
                    ))}
                  </select>
                </div>
                <Field id={`${base}-url`} label="URL" errors={errors.url}>
                  {(control) => (
                    <Input
                      {...control}
                      value={form.url}
                      onChange={(e) => set("url", e.target.value)}
                      placeholder="https://hooks.example.com/in?token=${HOOK_TOKEN}"
                      spellCheck={false}
                      className="mt-1.5 font-mono"
                    />
                  )}
                </Field>
              </div>

              <fieldset className="space-y-2">
                <legend className="text-sm font-medium text-slate-900">Headers</legend>
                {form.headers.map((h, i) => (
                  <div key={h.key} className="grid grid-cols-[1fr_1.5fr_auto] items-start gap-2">
                    {HEADER_PARTS.map(({ part, label, placeholder, spellCheck }) => (
                      <div key={part}>
                        <Input
                          aria-label={label}
                          value={h[part]}
                          placeholder={placeholder}
                          onChange={(e) => set("headers", form.headers.map((x, j) => (j === i ? { ...x, [part]: e.target.value } : x)))}
                          aria-invalid={!!errors[`headers.${i}.${part}`] || undefined}
                          aria-describedby={describe(`headers.${i}.${part}`)}
                          spellCheck={spellCheck}
                          className="font-mono"
                        />
                        {err(`headers.${i}.${part}`)}
                      </div>
                    ))}
                    <Button type="button" variant="ghost" size="icon" aria-label={`Remove header ${h.name || i + 1}`} onClick={() => set("headers", form.headers.filter((_, j) => j !== i))}>
                      <Trash2 className="size-4" aria-hidden />
                    </Button>
                  </div>
                ))}
                {err("headers")}
                <Button type="button" variant="secondary" size="sm" onClick={() => set("headers", [...form.headers, { key: rowKey++, name: "", value: "" }])}>
                  <Plus className="size-4" aria-hidden />
                  Add header
                </Button>
              </fieldset>

              <Field
                id={`${base}-payload`}
                label="Payload"
                hint={<>JSON. Empty: the event as JSON. Values are JSON-escaped inside strings; write $${"{...}"} for a literal ${"{...}"}.</>}
                errors={errors.payload}
              >
                {(control) => (
                  <textarea
                    {...control}
                    value={form.payload}
                    onChange={(e) => set("payload", e.target.value)}
                    rows={5}
                    spellCheck={false}
                    placeholder={'{"text": "Deploy with ${DEPLOY_KEY}"}'}
                    className={cn(inputClass, "mt-1.5 font-mono")}
                  />
                )}
              </Field>

              <div>
                <span className="block text-sm font-medium text-slate-900" id={`${base}-secrets-label`}>
                  Secrets this webhook may use
                </span>
                <div className="mt-1.5">
                  <SecretPicker
                    teamSlug={teamSlug}
                    listLabel="Secrets"
                    showSelected
                    // Editors attach Masked secrets only (the server refuses Restricted ones too).
                    onlyMasked={!canAttachRestricted}
                    selected={form.secrets}
                    onToggle={(s) =>
                      setForm((f) => ({ ...f, secrets: f.secrets.some((x) => x.id === s.id) ? f.secrets.filter((x) => x.id !== s.id) : [...f.secrets, s] }))
                    }
                    canCreate={canCreateSecret}
                    canRotate={canCreateSecret}
                    // The Allowed hosts list on this page learns about the new secret.
                    onCreated={() => void queryClient.invalidateQueries({ queryKey: webhooksKeys.list(teamSlug) })}
                    invalid={!!errors.secretIds}
                    describedBy={describe("secretIds", `${base}-secrets-label`)}
                  />
                </div>
                {err("secretIds")}
              </div>

              <fieldset aria-describedby={`${base}-events-hint`}>
                <legend className="text-sm font-medium text-slate-900">Events</legend>
                <p id={`${base}-events-hint`} className="text-xs text-slate-500">
                  Deliveries are queued only for the events checked here. None: Send test only.
                </p>
                <div className="mt-1.5 grid grid-cols-2 gap-1.5">
                  {TEAM_EVENTS.map((ev) => (
                    <label key={ev} className="flex items-center gap-2 text-sm" title={TEAM_EVENT_CATALOGUE[ev].description}>
                      <input
                        type="checkbox"
                        checked={form.events.includes(ev)}
                        onChange={(e) => set("events", e.target.checked ? [...form.events, ev] : form.events.filter((x) => x !== ev))}
                        className="size-4 rounded border-slate-300"
                      />
                      {TEAM_EVENT_CATALOGUE[ev].label}
                    </label>
                  ))}
                </div>
                {err("events")}
              </fieldset>

              {save.failure?.fieldErrors ? (
                <p role="status" className="text-sm text-red-700">
                  Nothing was saved: {save.failure.message}
                </p>
              ) : null}
              <DialogFormFooter submit="Save webhook" pendingSubmit="Saving…" pending={save.pending} />
            </fieldset>
          </form>
        </DialogContent>
      )}
    </Dialog>
  );
}

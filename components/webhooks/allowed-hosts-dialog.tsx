"use client";
// Owners/Admins: the hosts a secret may ever be sent to. Empty means any host the SSRF guard admits.
import { Globe } from "lucide-react";
import { useState, type FormEvent } from "react";
import { setAllowedHostsAction } from "@/app/teams/[team]/settings/webhooks/actions";
import { useDialogMutation } from "@/components/shared/use-dialog-mutation";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogFormFooter, DialogTrigger } from "@/components/ui/dialog";
import { FormAlert, inputClass, Label } from "@/components/ui/field";
import { Field } from "@/components/ui/form-field";
import { cn } from "@/lib/cn";
import { secretsKeys, webhooksKeys } from "@/lib/queries/keys";
import type { TSecretOption } from "@/lib/types/webhooks";

export function AllowedHostsDialog({ teamSlug, secretOptions }: { teamSlug: string; secretOptions: TSecretOption[] }) {
  const [secretId, setSecretId] = useState("");
  const [hosts, setHosts] = useState("");
  const save = useDialogMutation((input: { secretId: string; hosts: string[] }) => setAllowedHostsAction(teamSlug, input), {
    invalidates: [webhooksKeys.list(teamSlug), secretsKeys.all(teamSlug)],
    onReset: () => {
      setSecretId("");
      setHosts("");
    },
  });
  const errors = save.failure?.fieldErrors ?? {};

  function pick(id: string) {
    setSecretId(id);
    setHosts(secretOptions.find((o) => o.id === id)?.allowedHosts.join("\n") ?? "");
    save.reset();
  }
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const list = hosts.split(/[\s,]+/).map((h) => h.trim()).filter(Boolean);
    save.run({ secretId, hosts: list }, () => save.setOpen(false));
  }

  return (
    <Dialog open={save.open} onOpenChange={save.onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="secondary">
          <Globe className="size-4" aria-hidden />
          Allowed hosts
        </Button>
      </DialogTrigger>
      <DialogContent title="Allowed hosts" description="When a secret has allowed hosts, webhooks only ever send it to those hosts (*.example.com admits sub-domains). Leave empty for any public host.">
        <form method="post" onSubmit={onSubmit} noValidate>
          <fieldset disabled={save.pending} className="space-y-4">
            {save.failure && !save.failure.fieldErrors?.hosts ? <FormAlert message={save.failure.message} /> : null}
            <div>
              <Label htmlFor="allowed-hosts-secret">Secret</Label>
              <select id="allowed-hosts-secret" value={secretId} onChange={(e) => pick(e.target.value)} className={cn(inputClass, "mt-1.5 font-mono")}>
                <option value="">Choose a secret…</option>
                {secretOptions.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                    {o.allowedHosts.length ? ` (${o.allowedHosts.length} hosts)` : ""}
                  </option>
                ))}
              </select>
            </div>
            <Field id="allowed-hosts-list" label="Hosts, one per line" errors={errors.hosts} errorId="allowed-hosts-error">
              {(control) => (
                <textarea
                  {...control}
                  rows={4}
                  value={hosts}
                  onChange={(e) => setHosts(e.target.value)}
                  disabled={!secretId}
                  spellCheck={false}
                  placeholder="api.example.com"
                  className={cn(inputClass, "mt-1.5 font-mono")}
                />
              )}
            </Field>
            <DialogFormFooter submit="Save allowed hosts" disabled={!secretId} />
          </fieldset>
        </form>
      </DialogContent>
    </Dialog>
  );
}

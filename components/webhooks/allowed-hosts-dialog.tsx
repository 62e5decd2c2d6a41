"use client";
// Owners/Admins: the hosts a secret may ever be sent to. Empty means any host the SSRF guard admits.
import { Globe } from "lucide-react";
import { useState, type FormEvent } from "react";
import { setAllowedHostsAction } from "@/app/teams/[team]/settings/webhooks/actions";
import { useTeamMutation } from "@/components/shared/use-team-mutation";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogFormFooter, DialogTrigger } from "@/components/ui/dialog";
import { FieldError, FormAlert, inputClass, Label } from "@/components/ui/field";
import { cn } from "@/lib/cn";
import { secretsKeys, webhooksKeys } from "@/lib/queries/keys";
import type { TSecretOption } from "@/lib/types/webhooks";

export function AllowedHostsDialog({ teamSlug, secretOptions }: { teamSlug: string; secretOptions: TSecretOption[] }) {
  const [open, setOpen] = useState(false);
  const [secretId, setSecretId] = useState("");
  const [hosts, setHosts] = useState("");
  const save = useTeamMutation((input: { secretId: string; hosts: string[] }) => setAllowedHostsAction(teamSlug, input), {
    invalidates: [webhooksKeys.list(teamSlug), secretsKeys.all(teamSlug)],
  });
  const errors = save.failure?.fieldErrors ?? {};

  function pick(id: string) {
    setSecretId(id);
    setHosts(secretOptions.find((o) => o.id === id)?.allowedHosts.join("\n") ?? "");
    save.reset();
  }
  function onOpenChange(next: boolean) {
    if (save.pending) return;
    setOpen(next);
    if (!next) {
      save.reset();
      setSecretId("");
      setHosts("");
    }
  }
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const list = hosts.split(/[\s,]+/).map((h) => h.trim()).filter(Boolean);
    save.run({ secretId, hosts: list }, () => setOpen(false));
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
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
            <div>
              <Label htmlFor="allowed-hosts-list">Hosts, one per line</Label>
              <textarea
                id="allowed-hosts-list"
                rows={4}
                value={hosts}
                onChange={(e) => setHosts(e.target.value)}
                disabled={!secretId}
                spellCheck={false}
                placeholder="api.example.com"
                className={cn(inputClass, "mt-1.5 font-mono")}
                aria-invalid={!!errors.hosts || undefined}
                aria-describedby={errors.hosts ? "allowed-hosts-error" : undefined}
              />
              <FieldError id="allowed-hosts-error" messages={errors.hosts} />
            </div>
            <DialogFormFooter submit="Save allowed hosts" disabled={!secretId} />
          </fieldset>
        </form>
      </DialogContent>
    </Dialog>
  );
}

"use client";
// New token: name, the secrets it may read (each under an optional env name), expiry and optional source
// ranges. On success the token is shown once, read-only, with a copy button; closing the dialog forgets it.
import { AlertTriangle, Plus, X } from "lucide-react";
import { useState, type FormEvent } from "react";
import { z } from "zod";
import { createTokenAction } from "@/app/teams/[team]/settings/tokens/actions";
import { SecretPicker, type TSecretChoice } from "@/components/secrets/secret-picker";
import { ShownOnceBody } from "@/components/shared/shown-once";
import { useDialogMutation } from "@/components/shared/use-dialog-mutation";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogFormFooter, DialogTrigger } from "@/components/ui/dialog";
import { FieldError, FormAlert, Input, inputClass, Label } from "@/components/ui/field";
import { Field } from "@/components/ui/form-field";
import { tokensKeys } from "@/lib/queries/keys";
import { DEFAULT_EXPIRY, EXPIRY_CHOICES, ZCreateTokenInput, type TCreateTokenInput, type TExpiryChoice } from "@/lib/validation/tokens";
import type { TCreatedToken } from "@/lib/types/tokens";

type TChosen = TSecretChoice & { env: string };

export function NewTokenDialog({ teamSlug }: { teamSlug: string }) {
  const [chosen, setChosen] = useState<TChosen[]>([]);
  const [expires, setExpires] = useState<TExpiryChoice>(DEFAULT_EXPIRY);
  const [clientErrors, setClientErrors] = useState<Record<string, string[]> | null>(null);
  const [created, setCreated] = useState<TCreatedToken | null>(null);
  const action = useDialogMutation((input: TCreateTokenInput) => createTokenAction(teamSlug, input), {
    invalidates: [tokensKeys.all(teamSlug)],
    onReset: () => {
      setChosen([]);
      setExpires(DEFAULT_EXPIRY);
      setClientErrors(null);
      setCreated(null);
    },
  });

  function toggle(s: TSecretChoice) {
    setChosen((list) => (list.some((c) => c.name === s.name) ? list.filter((c) => c.name !== s.name) : [...list, { ...s, env: "" }]));
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    const input: TCreateTokenInput = {
      name: String(fd.get("name") ?? ""),
      secrets: chosen.map((c) => ({ name: c.name, env: c.env.trim() })),
      expires,
      cidrs: String(fd.get("cidrs") ?? ""),
    };
    const parsed = ZCreateTokenInput.safeParse(input);
    if (!parsed.success) {
      setClientErrors(z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);
      return;
    }
    setClientErrors(null);
    action.run(input, setCreated);
  }

  const f = action.failure;
  const errors = clientErrors ?? f?.fieldErrors ?? {};
  const err = (k: string) => (errors[k]?.length ? errors[k] : undefined);
  const describe = (id: string, k: string, hint?: string) => [hint, err(k) ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;

  return (
    <Dialog open={action.open} onOpenChange={action.onOpenChange}>
      <DialogTrigger asChild>
        <Button>
          <Plus className="size-4" aria-hidden />
          New token
        </Button>
      </DialogTrigger>
      {created ? (
        <DialogContent title="Created: copy it now" description="This is the only time it is shown. Store it where the software that uses it can read it.">
          <ShownOnceBody label="Token" value={created.token} copyLabel="Copy token">
            <div className="rounded-md bg-slate-50 p-3 text-xs text-slate-700 ring-1 ring-slate-200">
              <p className="font-medium">Use it</p>
              <pre className="mt-1 overflow-x-auto whitespace-pre-wrap">
                {`export TEAM_SECRETS_URL=${typeof window === "undefined" ? "" : window.location.origin}\nexport TEAM_SECRETS_TOKEN=<the token>\nnpx team-secrets run -- <your command>`}
              </pre>
            </div>
          </ShownOnceBody>
        </DialogContent>
      ) : (
        <DialogContent title="New token" description="A token reads only the secrets you choose here. It cannot change anything." className="max-w-xl">
          <form method="post" onSubmit={onSubmit} noValidate>
            <fieldset disabled={action.pending} className="space-y-4">
              <Field id="token-name" label="Name" errors={err("name")}>
                {(control) => <Input {...control} name="name" autoComplete="off" maxLength={64} placeholder="production deploy" className="mt-1.5" />}
              </Field>

              <div>
                <span className="block text-sm font-medium text-slate-900" aria-hidden>
                  Secrets
                </span>
                <div className="mt-1.5">
                  <SecretPicker
                    teamSlug={teamSlug}
                    listLabel="Secret list"
                    selected={chosen}
                    onToggle={toggle}
                    invalid={!!err("secrets")}
                    describedBy={describe("token-secrets", "secrets", "token-secrets-hint")}
                  />
                </div>
                <p id="token-secrets-hint" className="mt-1 text-xs text-slate-500">
                  Each is exposed under its own name unless you give an environment variable name.
                </p>
                <FieldError id="token-secrets-error" messages={err("secrets")} />
                {chosen.length ? (
                  <ul className="mt-2 divide-y divide-slate-100 rounded-md ring-1 ring-slate-200" aria-label="Chosen secrets">
                    {chosen.map((c) => (
                      <li key={c.name} className="flex items-center gap-2 px-3 py-2">
                        <span className="w-2/5 truncate font-mono text-xs" title={c.name}>
                          {c.name}
                          {c.visibility === "restricted" ? <span className="ml-1 font-sans text-amber-700">(Restricted)</span> : null}
                        </span>
                        <span className="text-xs text-slate-500" aria-hidden>
                          as
                        </span>
                        <input
                          aria-label={`Environment variable for ${c.name}`}
                          value={c.env}
                          placeholder={c.name}
                          maxLength={128}
                          autoComplete="off"
                          spellCheck={false}
                          onChange={(e) => setChosen((list) => list.map((x) => (x.name === c.name ? { ...x, env: e.target.value } : x)))}
                          className={`${inputClass} flex-1 py-1 font-mono text-xs`}
                        />
                        <Button variant="ghost" size="icon" onClick={() => toggle(c)}>
                          <X className="size-4" aria-hidden />
                          <span className="sr-only">Remove {c.name}</span>
                        </Button>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>

              <div>
                <Label htmlFor="token-expires">Expires</Label>
                <select
                  id="token-expires"
                  name="expires"
                  value={expires}
                  onChange={(e) => setExpires(e.target.value as TExpiryChoice)}
                  className={`${inputClass} mt-1.5`}
                  aria-describedby={expires === "never" ? "token-expires-warning" : undefined}
                >
                  {EXPIRY_CHOICES.map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.label}
                    </option>
                  ))}
                </select>
                {expires === "never" ? (
                  <p id="token-expires-warning" className="mt-2 flex gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 ring-1 ring-amber-200">
                    <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
                    Warning: a token that never expires works until someone revokes it. Prefer an expiry and rotate the token.
                  </p>
                ) : null}
                <FieldError id="token-expires-error" messages={err("expires")} />
              </div>

              <Field
                id="token-cidrs"
                label="Allowed source addresses (optional)"
                hint="IP addresses or CIDR ranges, separated by commas or new lines. Empty: any address."
                errors={err("cidrs")}
              >
                {(control) => (
                  <textarea {...control} name="cidrs" rows={2} placeholder="203.0.113.0/24, 2001:db8::/32" spellCheck={false} className={`${inputClass} mt-1.5 font-mono text-xs`} />
                )}
              </Field>

              {f && !["name", "secrets", "expires", "cidrs"].some((k) => f.fieldErrors?.[k]?.length) ? <FormAlert message={f.message} /> : null}
              <DialogFormFooter submit="Create token" pendingSubmit="Creating…" pending={action.pending} />
            </fieldset>
          </form>
        </DialogContent>
      )}
    </Dialog>
  );
}

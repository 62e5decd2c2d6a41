"use client";
// Rotate: a new value becomes version n+1 and the previous ciphertext is destroyed. The expected version
// travels with the save, so a rotation or deletion by someone else since the dialog opened is refused. Then
// the dialog keeps the typed value, says who rotated and when, and offers "Rotate anyway": a save over the
// version now current, which is itself refused if yet another rotation lands first.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { rotateSecretAction } from "@/app/teams/[team]/settings/secrets/actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogFormFooter, DialogTrigger } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/field";
import type { TCurrentVersion } from "@/lib/errors";
import { SecretValueField, type TSecretValueHandle } from "./secret-value-field";
import { useDialogMutation } from "@/components/shared/use-dialog-mutation";
import { secretsKeys } from "@/lib/queries/keys";
import { ConsumerList } from "./used-by-parts";
import { ConsumersBehind, ConsumerVersionList } from "./consumer-versions";
import { LifecycleFields, lifecycleProblems, type TLifecycleErrors, type TLifecycleValues } from "./lifecycle-fields";
import type { TSecretDTO } from "@/lib/types/secrets";
import { rotateTrigger } from "./dialog-triggers";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

function StaleNotice({ current, onRotateAnyway, buttonRef }: { current: TCurrentVersion; onRotateAnyway: () => void; buttonRef: React.Ref<HTMLButtonElement> }) {
  return (
    <div role="alert" className="space-y-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 ring-1 ring-inset ring-amber-200">
      <p>
        {current.updatedBy ?? "Someone"} rotated this secret to version {current.version} on{" "}
        <time dateTime={current.updatedAt}>{dateFormat.format(new Date(current.updatedAt))}</time>, after you opened this dialog.
        Nothing was changed, and your value is still here.
      </p>
      <Button ref={buttonRef} variant="secondary" size="sm" onClick={onRotateAnyway}>
        Rotate anyway
      </Button>
    </div>
  );
}

export function RotateSecretDialog({
  teamSlug,
  secret,
  onRotated,
  trigger,
  defaultOpen = false,
}: {
  teamSlug: string;
  /** consumerVersions: what each consumer last received (Owners/Admins; absent or null: the plain list). */
  secret: { id: string; name: string; version: number; usedBy: TSecretDTO["usedBy"]; consumerVersions?: TSecretDTO["consumerVersions"] } & TLifecycleValues;
  onRotated: (name: string, version: number) => void;
  trigger?: React.ReactNode;
  defaultOpen?: boolean;
}) {
  // The version seen when the dialog opened, not whatever the table shows after a refetch.
  const [expectedVersion, setExpectedVersion] = useState(secret.version);
  const [clientError, setClientError] = useState<{ field: "value" | "file"; message: string } | null>(null);
  const [policyErrors, setPolicyErrors] = useState<TLifecycleErrors | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const valueField = useRef<TSecretValueHandle>(null);
  const anywayRef = useRef<HTMLButtonElement>(null);
  const mutation = useDialogMutation((fd: FormData) => rotateSecretAction(teamSlug, fd), {
    invalidates: [secretsKeys.all(teamSlug)],
    defaultOpen,
    onOpen: () => setExpectedVersion(secret.version),
    onReset: () => {
      setClientError(null);
      setPolicyErrors(null);
    },
    onSaved: (data) => onRotated(data.name, data.version),
  });
  const failure = mutation.failure;
  const pending = mutation.pending;
  const current = failure?.code === "stale" ? failure.current : undefined;
  const valueErrors = clientError?.field === "value" ? [clientError.message] : failure?.fieldErrors?.value;
  const fileErrors = clientError?.field === "file" ? [clientError.message] : failure?.fieldErrors?.file;
  const lifecycleErrors: TLifecycleErrors = policyErrors ?? (failure?.fieldErrors as TLifecycleErrors | undefined) ?? {};
  const policyRefused = !!(lifecycleErrors.expiresOn || lifecycleErrors.rotateEveryDays || lifecycleErrors.stopServingAfterExpiry);

  useEffect(() => {
    if (!failure) return;
    if (current) anywayRef.current?.focus();
    else if (failure.fieldErrors?.file) valueField.current?.focus("file");
    else if (failure.fieldErrors?.expiresOn || failure.fieldErrors?.rotateEveryDays) {
      const f = failure.fieldErrors.expiresOn ? "expiresOn" : "rotateEveryDays";
      (formRef.current?.elements.namedItem(f) as HTMLElement | null)?.focus();
    }
    else valueField.current?.focus("value");
  }, [failure, current]);

  function submit(version: number) {
    const form = formRef.current;
    if (!form) return;
    const problem = valueField.current?.problem() ?? null;
    const policy = lifecycleProblems(form);
    const policyFirst = (["expiresOn", "rotateEveryDays"] as const).find((f) => policy[f]);
    setClientError(problem);
    setPolicyErrors(policyFirst ? policy : null);
    if (problem || policyFirst) {
      mutation.reset();
      if (problem) valueField.current?.focus(problem.field);
      else (form.elements.namedItem(policyFirst!) as HTMLElement | null)?.focus();
      return;
    }
    const fd = new FormData(form);
    fd.set("expectedVersion", String(version));
    mutation.run(fd);
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    submit(expectedVersion);
  }

  const next = (current?.version ?? expectedVersion) + 1;
  return (
    <Dialog open={mutation.open} onOpenChange={mutation.onOpenChange}>
      <DialogTrigger asChild>
        {trigger ?? rotateTrigger(secret.name)}
      </DialogTrigger>
      <DialogContent
        title={`Rotate ${secret.name}`}
        description={`Saving makes version ${next} and permanently destroys the current value (version ${next - 1}). Software that uses ${secret.name} gets the new value from then on.`}
      >
        <form ref={formRef} method="post" onSubmit={onSubmit} noValidate>
          <input type="hidden" name="secretId" value={secret.id} />
          <input type="hidden" name="expectedVersion" value={expectedVersion} />
          <fieldset disabled={pending} className="space-y-4">
            {secret.usedBy.length > 0 ? (
              <div className="rounded-md bg-slate-50 p-3 ring-1 ring-slate-200">
                <p className="mb-2 text-sm text-slate-700">
                  {secret.usedBy.some((c) => c.kind === "webhook")
                    ? "The next delivery of these webhooks sends the new value; these tokens read it on their next request:"
                    : "These access tokens read the new value on their next request:"}
                </p>
                {secret.consumerVersions ? (
                  <>
                    <ConsumersBehind versions={secret.consumerVersions} className="mb-2 text-sm" />
                    <ConsumerVersionList versions={secret.consumerVersions} currentVersion={secret.version} />
                  </>
                ) : (
                  <ConsumerList consumers={secret.usedBy} />
                )}
              </div>
            ) : (
              <p className="text-sm text-slate-700 [overflow-wrap:anywhere]">Nothing uses {secret.name} yet.</p>
            )}
            <SecretValueField handle={valueField} errors={valueErrors} fileErrors={fileErrors} autoFocus />
            <LifecycleFields
              idPrefix={`rotate-${secret.id}`}
              defaults={secret}
              errors={lifecycleErrors}
              onEdit={(f) => policyErrors?.[f] && setPolicyErrors((e) => (e ? { ...e, [f]: undefined } : e))}
            />
            {current ? <StaleNotice current={current} buttonRef={anywayRef} onRotateAnyway={() => submit(current.version)} /> : null}
            {failure && !current && !failure.fieldErrors?.value && !failure.fieldErrors?.file && !policyRefused ? <FormAlert message={failure.message} /> : null}
            <DialogFormFooter submit="Rotate secret" pendingSubmit="Rotating…" pending={pending} disabled={!!current} />
          </fieldset>
        </form>
      </DialogContent>
    </Dialog>
  );
}

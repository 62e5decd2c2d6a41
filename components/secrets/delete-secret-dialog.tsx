"use client";
// Delete: names the secret, says it is immediate and permanent, and needs an explicit confirm (the shared
// ConfirmDialog). The delete expects the version the user saw when the dialog opened. A secret in use cannot
// be deleted, so then the dialog offers no Delete at all: it lists the consumers, with links.
import { useState } from "react";
import { deleteSecretAction } from "@/app/teams/[team]/settings/secrets/actions";
import { ConfirmDialog } from "@/components/shared/confirm-dialog";
import { secretsKeys } from "@/lib/queries/keys";
import type { TSecretDTO } from "@/lib/types/secrets";
import { ConsumerList } from "./used-by-parts";
import { deleteTrigger } from "./dialog-triggers";

export function DeleteSecretDialog({
  teamSlug,
  secret,
  onDeleted,
  defaultOpen = false,
}: {
  teamSlug: string;
  secret: { id: string; name: string; version: number; usedBy: TSecretDTO["usedBy"] };
  onDeleted: (name: string) => void;
  defaultOpen?: boolean;
}) {
  const [expectedVersion, setExpectedVersion] = useState(secret.version);
  const inUse = secret.usedBy.length > 0;
  return (
    <ConfirmDialog
      trigger={deleteTrigger(secret.name)}
      defaultOpen={defaultOpen}
      title={`Delete ${secret.name}?`}
      description={
        inUse ? (
          <div className="space-y-2">
            <p className="[overflow-wrap:anywhere]">
              <strong className="font-mono">{secret.name}</strong> is in use and cannot be deleted. Remove it from these first:
            </p>
            <ConsumerList consumers={secret.usedBy} />
          </div>
        ) : (
          <p className="[overflow-wrap:anywhere]">
            <strong className="font-mono">{secret.name}</strong> and every stored version of its value will be deleted immediately
            and permanently. Software that uses it will no longer get it. This cannot be undone.
          </p>
        )
      }
      confirmLabel="Delete"
      pendingLabel="Deleting…"
      action={inUse ? null : () => deleteSecretAction(teamSlug, { secretId: secret.id, expectedVersion })}
      invalidates={[secretsKeys.all(teamSlug)]}
      onOpen={() => setExpectedVersion(secret.version)}
      onDone={(data) => onDeleted(data.name)}
    />
  );
}

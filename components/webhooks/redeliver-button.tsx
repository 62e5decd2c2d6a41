"use client";
// "Redeliver" on a delivery (Owners/Admins): sends it again now with the same webhook-id, a new timestamp
// and signature, and the secrets' values as they are now. The outcome is announced; the new attempt
// appears in the log.
import { RotateCcw } from "lucide-react";
import { redeliverAction } from "@/app/teams/[team]/settings/webhooks/actions";
import { useTeamMutation } from "@/components/shared/use-team-mutation";
import { Button } from "@/components/ui/button";
import { webhooksKeys } from "@/lib/queries/keys";

export function RedeliverButton({ teamSlug, deliveryId }: { teamSlug: string; deliveryId: string }) {
  const redeliver = useTeamMutation((input: { deliveryId: string }) => redeliverAction(teamSlug, input), {
    invalidates: [webhooksKeys.all(teamSlug)],
  });
  const result = redeliver.result?.ok ? redeliver.result.data : null;
  return (
    <div className="space-y-1">
      <Button variant="secondary" size="sm" disabled={redeliver.pending} onClick={() => redeliver.run({ deliveryId })}>
        <RotateCcw className="size-3.5" aria-hidden />
        Redeliver
      </Button>
      <p role="status" className="text-xs text-slate-700">
        {redeliver.pending
          ? "Sending…"
          : result
            ? `Redelivery ${result.status === "queued" ? "queued" : result.status}${result.statusCode ? ` (HTTP ${result.statusCode})` : ""}`
            : ""}
      </p>
      {redeliver.failure ? (
        <p role="alert" className="max-w-48 text-xs text-red-700">
          {redeliver.failure.message}
        </p>
      ) : null}
    </div>
  );
}

import "server-only";
// Team events that trigger webhooks. Called inside the transaction that makes the change, so a delivery is
// queued exactly when the change commits (and never for a change that rolled back). Event data carries
// names and versions, never values.
import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { webhookDeliveries, webhooks } from "@/db/schema";
import type { TTeamEvent } from "@/lib/webhooks/events";
import type { TActor } from "@/lib/types/actor";

export async function emitTeamEvent(
  tx: Executor,
  teamId: string,
  event: TTeamEvent,
  data: Record<string, string | number | null>,
  actor?: TActor,
): Promise<number> {
  return emitTeamEvents(tx, teamId, event, [data], actor);
}

/** The same event for several subjects (bulk import): one lookup of the subscribers, one INSERT per 1,000 deliveries. */
export async function emitTeamEvents(
  tx: Executor,
  teamId: string,
  event: TTeamEvent,
  datas: Record<string, string | number | null>[],
  actor?: TActor,
): Promise<number> {
  if (datas.length === 0) return 0;
  const subscribed = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.teamId, teamId), sql`${webhooks.events} @> ${JSON.stringify([event])}::jsonb`));
  if (subscribed.length === 0) return 0;
  const rows = datas.flatMap((data) =>
    subscribed.map((w) => ({
      teamId,
      webhookId: w.id,
      trigger: event,
      eventData: data,
      triggeredBy: actor?.id ?? null,
      triggeredByLabel: actor?.label ?? null,
    })),
  );
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(webhookDeliveries).values(rows.slice(i, i + 1000));
  return rows.length;
}

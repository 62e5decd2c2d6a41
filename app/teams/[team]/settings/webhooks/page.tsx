import { HydrationBoundary } from "@tanstack/react-query";
import { DeliveriesTable } from "@/components/webhooks/deliveries-table";
import { VerifySnippet } from "@/components/webhooks/verify-snippet";
import { WebhooksPanel } from "@/components/webhooks/webhooks-panel";
import { listDeliveryAttempts } from "@/lib/dal/delivery-log";
import { listWebhooks } from "@/lib/dal/webhooks";
import { DELIVERY_LOG_SIZE, webhooksKeys } from "@/lib/queries/keys";
import { openSettingsPage } from "../settings-page";

export const metadata = { title: "Webhooks" };

export default async function WebhooksPage({ params }: { params: Promise<{ team: string }> }) {
  const page = await openSettingsPage(params, "webhooks");
  const { team, actor } = page;
  await Promise.all([
    page.prefetch(webhooksKeys.list(team), () => listWebhooks(actor, team)),
    page.prefetch(webhooksKeys.deliveries(team), () => listDeliveryAttempts(actor, team, { limit: DELIVERY_LOG_SIZE })),
  ]);
  return (
    <div className="space-y-10">
      <HydrationBoundary state={page.dehydrated()}>
        <WebhooksPanel teamSlug={team} />
        <VerifySnippet />
        <DeliveriesTable teamSlug={team} />
      </HydrationBoundary>
    </div>
  );
}

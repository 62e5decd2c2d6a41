import { notFound, redirect } from "next/navigation";
import { DeliveriesTable } from "@/components/webhooks/deliveries-table";
import { VerifySnippet } from "@/components/webhooks/verify-snippet";
import { WebhooksPanel } from "@/components/webhooks/webhooks-panel";
import { listDeliveryAttempts } from "@/lib/dal/delivery-log";
import { listWebhooks } from "@/lib/dal/webhooks";
import { findTeamAccess } from "@/lib/dal/teams";
import { AppError } from "@/lib/errors";
import { actorOf, currentUser } from "@/lib/session";

export const metadata = { title: "Webhooks" };

export default async function WebhooksPage({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(`/teams/${team}/settings/webhooks`)}`);
  const access = await findTeamAccess(user.id, team);
  if (!access) notFound();
  const actor = actorOf(user);
  let data;
  let deliveries;
  try {
    [data, deliveries] = await Promise.all([listWebhooks(actor, team), listDeliveryAttempts(actor, team, { limit: 50 })]);
  } catch (err) {
    if (err instanceof AppError) notFound();
    throw err;
  }
  return (
    <div className="space-y-10">
      <WebhooksPanel teamSlug={team} webhooks={data.items} secretOptions={data.secretOptions} canWriteSecrets={data.canWriteSecrets} canAttachRestricted={data.canAttachRestricted} canSign={data.canSign} />
      <VerifySnippet />
      <DeliveriesTable
        teamSlug={team}
        deliveries={deliveries}
        canRedeliver={data.canRedeliver}
        hiddenWebhooks={data.items.filter((w) => !w.canSeeDeliveries).map((w) => w.name)}
      />
    </div>
  );
}

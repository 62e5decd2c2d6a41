import { HydrationBoundary } from "@tanstack/react-query";
import { FirstRun } from "@/components/secrets/first-run";
import { SecretsPanel } from "@/components/secrets/secrets-panel";
import { PageHeader } from "@/components/shared/page-header";
import { listSecrets } from "@/lib/dal/secrets";
import { secretsKeys } from "@/lib/queries/keys";
import { ZListSecretsQuery } from "@/lib/validation/secrets";
import type { TPageProps } from "@/app/page-props";
import { openSettingsPage } from "../settings-page";

export const metadata = { title: "Team secrets" };

export default async function SecretsPage({ params, searchParams }: TPageProps<{ team: string }>) {
  const page = await openSettingsPage(params, "secrets");
  const { team } = page;
  const sp = await searchParams;
  const query = ZListSecretsQuery.parse(sp);
  // The first page of the table; the client hydrates from it and refetches by itself.
  const list = await page.prefetch(secretsKeys.list(team, query), () => listSecrets(page.actor, team, query));
  return (
    <>
      <div className="mb-6">
        <PageHeader title="Team secrets">
          <p className="mt-1 text-sm text-slate-600">
            Values are encrypted and never shown again after you save them. Software uses them by name; a fingerprint lets you
            compare values without seeing them.
          </p>
        </PageHeader>
      </div>
      {sp.created === "1" && list.canWrite ? <FirstRun teamSlug={team} teamName={page.access.team.name} /> : null}
      <HydrationBoundary state={page.dehydrated()}>
        <SecretsPanel teamSlug={team} initialQuery={query} />
      </HydrationBoundary>
    </>
  );
}

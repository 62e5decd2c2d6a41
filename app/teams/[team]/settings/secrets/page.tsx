import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { notFound, redirect } from "next/navigation";
import { SecretsPanel } from "@/components/secrets/secrets-panel";
import { FirstRun } from "@/components/secrets/first-run";
import { listSecrets } from "@/lib/dal/secrets";
import { findTeamAccess } from "@/lib/dal/teams";
import { AppError } from "@/lib/errors";
import { secretsKeys } from "@/lib/queries/keys";
import { actorOf, currentUser } from "@/lib/session";
import { ZListSecretsQuery } from "@/lib/validation/secrets";

export const metadata = { title: "Team secrets" };

export default async function SecretsPage({
  params,
  searchParams,
}: {
  params: Promise<{ team: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { team } = await params;
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(`/teams/${team}/settings/secrets`)}`);
  const sp = await searchParams;
  const query = ZListSecretsQuery.parse(sp);
  const justCreated = sp.created === "1";
  const queryClient = new QueryClient();
  let canWrite = false;
  let teamName = team;
  try {
    // Server-side prefetch of the first page; the client table hydrates from it and refetches by itself.
    const list = await listSecrets(actorOf(user), team, query);
    queryClient.setQueryData(secretsKeys.list(team, query), list);
    canWrite = list.canWrite;
    teamName = (await findTeamAccess(user.id, team))?.team.name ?? team;
  } catch (err) {
    if (err instanceof AppError && (err.code === "not_found" || err.code === "forbidden")) notFound();
    throw err;
  }
  return (
    <>
      <div className="mb-6">
        <h1 className="text-2xl font-bold tracking-tight">Team secrets</h1>
        <p className="mt-1 text-sm text-slate-600">
          Values are encrypted and never shown again after you save them. Software uses them by name; a fingerprint lets you
          compare values without seeing them.
        </p>
      </div>
      {justCreated && canWrite ? <FirstRun teamSlug={team} teamName={teamName} /> : null}
      <HydrationBoundary state={dehydrate(queryClient)}>
        <SecretsPanel teamSlug={team} initialQuery={query} />
      </HydrationBoundary>
    </>
  );
}

import "server-only";
// The opening every team settings page shares: the signed-in user (or a trip to sign-in that comes back to
// this page), the viewer's access to the team (or a 404 for anyone outside it), and the page's server
// prefetch: each list is read through the DAL — which authorizes again — into a QueryClient whose state the
// page hands to the client's queries (HydrationBoundary), so the first paint needs no round trip.
import { dehydrate, QueryClient, type QueryKey } from "@tanstack/react-query";
import { notFound, redirect } from "next/navigation";
import { findTeamAccess } from "@/lib/dal/teams";
import { AppError } from "@/lib/errors";
import { actorOf, currentUser } from "@/lib/session";

export async function openSettingsPage(params: Promise<{ team: string }>, page: string) {
  const { team } = await params;
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(`/teams/${team}/settings/${page}`)}`);
  const access = await findTeamAccess(user.id, team);
  if (!access) notFound();
  const queryClient = new QueryClient();
  return {
    team,
    user,
    actor: actorOf(user),
    access,
    /** Reads through the DAL into the cache under `key`; a refused read is this page's 404. */
    async prefetch<T>(key: QueryKey, read: () => Promise<T>): Promise<T> {
      let data: T;
      try {
        data = await read();
      } catch (err) {
        if (err instanceof AppError) notFound();
        throw err;
      }
      queryClient.setQueryData(key, data);
      return data;
    },
    /** The prefetched state, for <HydrationBoundary state={…}>. */
    dehydrated: () => dehydrate(queryClient),
  };
}

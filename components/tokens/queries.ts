"use client";
// The Access tokens page's data: the team's tokens (metadata only) from GET /api/teams/[team]/tokens, hydrated
// from the page's prefetch.
import { useQuery } from "@tanstack/react-query";
import type { TAccessTokenDTO } from "@/lib/types/tokens";
import { fetchTeamData, teamApiPath } from "@/lib/queries/fetch-team-data";
import { tokensKeys } from "@/lib/queries/keys";

export function useTokens(teamSlug: string) {
  return useQuery({
    queryKey: tokensKeys.list(teamSlug),
    queryFn: () => fetchTeamData<TAccessTokenDTO[]>(teamApiPath(teamSlug, "tokens"), "the access tokens"),
  });
}

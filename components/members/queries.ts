"use client";
// The Members page's data, hydrated from the page's prefetch: the members (GET /api/teams/[team]/members)
// and, for those who may invite, the pending invitations (GET /api/teams/[team]/invitations).
import { useQuery } from "@tanstack/react-query";
import { fetchTeamData, teamApiPath } from "@/lib/queries/fetch-team-data";
import { membersKeys } from "@/lib/queries/keys";
import type { TInvitationDTO, TMemberDTO } from "@/lib/types/members";

export function useMembers(teamSlug: string) {
  return useQuery({
    queryKey: membersKeys.list(teamSlug),
    queryFn: () => fetchTeamData<{ members: TMemberDTO[] }>(teamApiPath(teamSlug, "members"), "the members"),
  });
}

export function useInvitations(teamSlug: string) {
  return useQuery({
    queryKey: membersKeys.invitations(teamSlug),
    queryFn: () => fetchTeamData<TInvitationDTO[]>(teamApiPath(teamSlug, "invitations"), "the invitations"),
  });
}

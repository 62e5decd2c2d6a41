"use client";
// The Webhooks page's data, hydrated from the page's prefetch: the webhooks with the viewer's abilities
// (GET /api/teams/[team]/webhooks) and the delivery log (GET /api/teams/[team]/webhooks/deliveries).
import { useQuery } from "@tanstack/react-query";
import { fetchTeamData, teamApiPath } from "@/lib/queries/fetch-team-data";
import { webhooksKeys } from "@/lib/queries/keys";
import type { TDeliveryAttemptDTO, TWebhookList } from "@/lib/types/webhooks";

export function useWebhooks(teamSlug: string) {
  return useQuery({
    queryKey: webhooksKeys.list(teamSlug),
    queryFn: () => fetchTeamData<TWebhookList>(teamApiPath(teamSlug, "webhooks"), "the webhooks"),
  });
}

export function useDeliveries(teamSlug: string) {
  return useQuery({
    queryKey: webhooksKeys.deliveries(teamSlug),
    queryFn: () => fetchTeamData<TDeliveryAttemptDTO[]>(teamApiPath(teamSlug, "webhooks/deliveries"), "the deliveries"),
  });
}

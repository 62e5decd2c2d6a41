// TanStack Query keys of every settings page, shared by the server prefetch (pages) and the client hooks
// (components/<feature>/queries.ts). Every key of a team's resource starts [resource, teamSlug], so a
// mutation invalidates `all(teamSlug)` and every list, page and dialog of that resource refetches.
import type { TListSecretsQuery } from "@/lib/validation/secrets";

export const secretsKeys = {
  all: (teamSlug: string) => ["secrets", teamSlug] as const,
  list: (teamSlug: string, q: TListSecretsQuery) => ["secrets", teamSlug, "list", q.q, q.sort, q.page, q.pageSize, q.due ?? false] as const,
  /** Under `all`, so every secrets mutation (rotate, import, …) refreshes an open History dialog too. */
  history: (teamSlug: string, secretId: string) => ["secrets", teamSlug, "history", secretId] as const,
  /** One secret by exact name (the picker's Rotate): under `all`, so a rotation re-reads its version. */
  byName: (teamSlug: string, name: string) => ["secrets", teamSlug, "by-name", name] as const,
};

export const tokensKeys = {
  all: (teamSlug: string) => ["tokens", teamSlug] as const,
  list: (teamSlug: string) => ["tokens", teamSlug, "list"] as const,
};

export const membersKeys = {
  all: (teamSlug: string) => ["members", teamSlug] as const,
  list: (teamSlug: string) => ["members", teamSlug, "list"] as const,
  invitations: (teamSlug: string) => ["members", teamSlug, "invitations"] as const,
};

/** How many delivery attempts the Webhooks page shows (its route and its prefetch). */
export const DELIVERY_LOG_SIZE = 50;

export const webhooksKeys = {
  all: (teamSlug: string) => ["webhooks", teamSlug] as const,
  list: (teamSlug: string) => ["webhooks", teamSlug, "list"] as const,
  /** The delivery log: under `all`, so a test, a redelivery or an edit shows its attempts. */
  deliveries: (teamSlug: string) => ["webhooks", teamSlug, "deliveries"] as const,
};

export function secretsSearchParams(q: Partial<TListSecretsQuery>): URLSearchParams {
  const sp = new URLSearchParams();
  if (q.q) sp.set("q", q.q);
  if (q.sort && q.sort !== "name") sp.set("sort", q.sort);
  if (q.page && q.page > 1) sp.set("page", String(q.page));
  if (q.pageSize && q.pageSize !== 25) sp.set("pageSize", String(q.pageSize));
  if (q.due) sp.set("due", "1");
  return sp;
}

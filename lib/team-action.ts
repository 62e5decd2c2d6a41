import "server-only";
// The common frame of a team-scoped server action: validate the team slug and the input with zod,
// authenticate, then run the DAL call (which authorizes) and turn its outcome into a typed result.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { TSessionUser } from "@/lib/dal/users";
import type { ActionResult } from "@/lib/errors";
import { requestMeta } from "@/lib/request-meta";
import { toActionResult, UNAUTHENTICATED, validationFailure } from "@/lib/server-action";
import { actorOf, currentUser } from "@/lib/session";
import type { TActor, TRequestMeta } from "@/lib/types/actor";

export const ZTeamSlug = z.string().min(1).max(80);

const UNKNOWN_TEAM = { ok: false, code: "not_found", message: "Team not found." } as const;

export type TActionContext = { user: TSessionUser; actor: TActor; teamSlug: string; meta: TRequestMeta };

export async function runTeamAction<S extends z.ZodType, T>(
  where: string,
  teamSlug: unknown,
  schema: S,
  input: unknown,
  fn: (ctx: TActionContext, data: z.infer<S>) => Promise<T>,
  revalidate?: (teamSlug: string) => string,
): Promise<ActionResult<T>> {
  const slug = ZTeamSlug.safeParse(teamSlug);
  if (!slug.success) return UNKNOWN_TEAM;
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) return validationFailure(z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);
  const user = await currentUser();
  if (!user) return UNAUTHENTICATED;
  const ctx = { user, actor: actorOf(user), teamSlug: slug.data, meta: await requestMeta() };
  const result = await toActionResult(where, () => fn(ctx, parsed.data));
  if (result.ok && revalidate) revalidatePath(revalidate(slug.data));
  return result;
}

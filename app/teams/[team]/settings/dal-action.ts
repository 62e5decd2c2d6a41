import "server-only";
// Most team actions are one DAL call: the DAL function takes who acts, on which team and from where (the
// action's context) beside the validated input, and its answer is the action's data. The frame itself —
// validation, authentication, the typed result, revalidation — is runTeamAction's.
import type { z } from "zod";
import { runTeamAction, type TActionContext } from "@/lib/team-action";

export type TTeamScope = Pick<TActionContext, "actor" | "teamSlug" | "meta">;

/** Who acts, on which team, from where: what every DAL write takes besides its input. */
export function teamScope(ctx: TActionContext): TTeamScope {
  return { actor: ctx.actor, teamSlug: ctx.teamSlug, meta: ctx.meta };
}

/** The server action `(teamSlug, input)` that validates `input` with `schema` and passes it to `call`. */
export function dalAction<S extends z.ZodType<object>, T>(
  where: string,
  schema: S,
  call: (args: TTeamScope & z.infer<S>) => Promise<T>,
  revalidate?: (teamSlug: string) => string,
) {
  return async (teamSlug: unknown, input: unknown) =>
    runTeamAction(where, teamSlug, schema, input, (ctx, data) => call({ ...teamScope(ctx), ...data }), revalidate);
}

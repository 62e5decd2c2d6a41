"use server";
// Server actions of the Access tokens page. The DAL authorizes (tokens.manage) and audits; the created
// token is returned once, to the Owner or Admin who created it, and never stored.
import { createAccessToken, revokeAccessToken } from "@/lib/dal/access-tokens";
import { runTeamAction } from "@/lib/team-action";
import { ZCreateTokenInput, ZTokenRef } from "@/lib/validation/tokens";

const tokensPath = (slug: string) => `/teams/${slug}/settings/tokens`;

export async function createTokenAction(teamSlug: unknown, input: unknown) {
  return runTeamAction(
    "createToken",
    teamSlug,
    ZCreateTokenInput,
    input,
    (ctx, data) => createAccessToken({ actor: ctx.actor, teamSlug: ctx.teamSlug, data, meta: ctx.meta }),
    tokensPath,
  );
}

export async function revokeTokenAction(teamSlug: unknown, input: unknown) {
  return runTeamAction(
    "revokeToken",
    teamSlug,
    ZTokenRef,
    input,
    (ctx, data) => revokeAccessToken({ actor: ctx.actor, teamSlug: ctx.teamSlug, tokenId: data.tokenId, meta: ctx.meta }),
    tokensPath,
  );
}

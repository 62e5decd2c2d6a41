"use server";
// Server actions of the Access tokens page. The DAL authorizes (tokens.manage) and audits; the created
// token is returned once, to the Owner or Admin who created it, and never stored.
import { createAccessToken, revokeAccessToken } from "@/lib/dal/access-tokens";
import { runTeamAction } from "@/lib/team-action";
import { teamScope } from "../dal-action";
import { ZCreateTokenInput, ZTokenRef } from "@/lib/validation/tokens";

const tokensPath = (slug: string) => `/teams/${slug}/settings/tokens`;

export async function createTokenAction(teamSlug: unknown, input: unknown) {
  return runTeamAction(
    "createToken",
    teamSlug,
    ZCreateTokenInput,
    input,
    (ctx, data) => createAccessToken({ ...teamScope(ctx), data }),
    tokensPath,
  );
}

export async function revokeTokenAction(teamSlug: unknown, input: unknown) {
  return runTeamAction(
    "revokeToken",
    teamSlug,
    ZTokenRef,
    input,
    (ctx, data) => revokeAccessToken({ ...teamScope(ctx), tokenId: data.tokenId }),
    tokensPath,
  );
}

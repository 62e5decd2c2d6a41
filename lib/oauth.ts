// Which OAuth/OIDC sign-ins are accepted before any account is looked up.

/** Why an external sign-in is refused (an Auth.js error code for /sign-in), or null to go on. */
export function oauthRefusal(accountType: string, profile: { email?: unknown; email_verified?: unknown } | undefined, email: string): string | null {
  if (!email) return "AccessDenied";
  // An OpenID provider says whether it verified the address; an unverified one could claim someone else's
  // email (and then accept an invitation sent to it).
  if (accountType === "oidc" && profile?.email_verified !== true) return "EmailNotVerified";
  return null;
}

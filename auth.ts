// Auth.js: email + password (argon2id), plus GitHub, Google and a generic OIDC provider when their
// variables are set. Sessions are JWTs in an httpOnly, SameSite=Lax cookie (Secure over HTTPS). A session
// only names the user: team access is checked against the database on every action and page.
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import type { Provider } from "next-auth/providers";
import { clientAddress } from "@/lib/client-address";
import { configuredAuthSecret, env, isProduction } from "@/lib/env";
import { log } from "@/lib/log";
import { oauthRefusal } from "@/lib/oauth";
import { readOrCreateLocalSecret } from "@/lib/crypto/local-secret";
import { recordSignIn } from "@/lib/dal/audit";
import { beginSignInAttempt } from "@/lib/dal/rate-limit";
import { createUserSession, revokeUserSession } from "@/lib/dal/sessions";
import { findOrCreateOAuthUser, verifyCredentials } from "@/lib/dal/users";
import { ZSignInInput } from "@/lib/validation/auth";

const SESSION_MAX_AGE = 60 * 60 * 12;

/** Thrown while an account or address is over its failed sign-in budget; the sign-in action reads `code`. */
export class SignInRateLimited extends CredentialsSignin {
  override code = "rate_limited";
}

function clientMeta(request: Request | undefined) {
  return { ip: request ? clientAddress(request.headers) : null, userAgent: request?.headers.get("user-agent") ?? null };
}

function authSecret(): string {
  return configuredAuthSecret() ?? readOrCreateLocalSecret("auth.secret", 33).value;
}

export function oauthProviders(): Provider[] {
  const e = env();
  const out: Provider[] = [];
  if (e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET) out.push(GitHub({ clientId: e.AUTH_GITHUB_ID, clientSecret: e.AUTH_GITHUB_SECRET }));
  if (e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET) out.push(Google({ clientId: e.AUTH_GOOGLE_ID, clientSecret: e.AUTH_GOOGLE_SECRET }));
  if (e.AUTH_OIDC_ISSUER && e.AUTH_OIDC_ID && e.AUTH_OIDC_SECRET) {
    out.push({
      id: "oidc",
      name: e.AUTH_OIDC_NAME,
      type: "oidc",
      issuer: e.AUTH_OIDC_ISSUER,
      clientId: e.AUTH_OIDC_ID,
      clientSecret: e.AUTH_OIDC_SECRET,
    });
  }
  return out;
}

function config(): NextAuthConfig {
  return {
    secret: authSecret(),
    trustHost: env().AUTH_TRUST_HOST === "true" || !isProduction(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    // A failed sign-in is an expected outcome, not a server error; other auth errors are logged by kind
    // only (Auth.js's default prints stacks and cause objects).
    logger: {
      error(error) {
        // `type` survives minification (class names do not).
        const type = "type" in error ? String(error.type) : error.name;
        if (type === "CredentialsSignin") return;
        // Auth.js wraps the original error (often a database error) as `cause` or `cause.err`; it is
        // logged by kind, code and location only.
        const cause = error.cause as { err?: unknown } | undefined;
        const err = cause && typeof cause === "object" && "err" in cause ? cause.err : (cause ?? error);
        log.error({ where: "auth", type: /^[A-Za-z]{1,40}$/.test(type) ? type : "unknown", err }, "auth error");
      },
      warn(code) {
        log.warn({ where: "auth", code }, "auth warning");
      },
      debug() {},
    },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(raw, request) {
          const parsed = ZSignInInput.safeParse(raw);
          if (!parsed.success) return null;
          const meta = clientMeta(request);
          // Counted before the password is read (one atomic increment per key): over the limit, even the
          // right password waits, and a concurrent burst evaluates at most the limit.
          const attempt = await beginSignInAttempt(parsed.data.email, meta.ip);
          if (!attempt.allowed) throw new SignInRateLimited();
          const user = await verifyCredentials(parsed.data.email, parsed.data.password);
          if (!user) return null; // the attempt stays counted
          await attempt.succeeded();
          await recordSignIn({ id: user.id, label: user.email }, meta);
          return user;
        },
      }),
      ...oauthProviders(),
    ],
    // Every way of signing out ends the server-side session, Auth.js's own /api/auth/signout included (not
    // only signOutAction): otherwise a copy of the cookie would stay valid until it expires.
    events: {
      async signOut(message) {
        const sid = "token" in message ? message.token?.sid : undefined;
        if (typeof sid === "string") await revokeUserSession(sid);
      },
    },
    callbacks: {
      async signIn({ user, account, profile }) {
        if (!account || account.type === "credentials") return true;
        const email = (profile?.email ?? user.email ?? "").toLowerCase();
        const refusal = oauthRefusal(account.type, profile, email);
        if (refusal) return `/sign-in?error=${refusal}`;
        const local = await findOrCreateOAuthUser({
          provider: account.provider,
          providerAccountId: account.providerAccountId,
          email,
          name: user.name ?? email,
        });
        if (!local) return "/sign-in?error=OAuthAccountNotLinked";
        user.id = local.id;
        return true;
      },
      async jwt({ token, user }) {
        if (user?.id) {
          token.sub = user.id;
          token.name = user.name;
          token.email = user.email;
          // Each sign-in gets a server-side session row; sign-out revokes it (see lib/session.ts).
          token.sid = await createUserSession(user.id, SESSION_MAX_AGE);
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        (session as { sid?: unknown }).sid = token.sid;
        return session;
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => config());

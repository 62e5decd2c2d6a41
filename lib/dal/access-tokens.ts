import "server-only";
// Machine access tokens: created, listed and revoked by Owners and Admins; resolved by the secrets API.
// A token reads exactly the secrets bound to it (access_token_secrets), under the env names chosen at
// creation. Only the token's SHA-256 is stored; the token itself is returned once, by createAccessToken.
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import ipaddr from "ipaddr.js";
import { getDb, type Database } from "@/db/client";
import { accessTokens, accessTokenSecrets, rateLimits, secrets, users } from "@/db/schema";
import { canUseVisibility } from "@/lib/authz";
import { generateAccessToken, hashAccessToken, hashesEqual, looksLikeAccessToken } from "@/lib/crypto/tokens";
import { AppError } from "@/lib/errors";
import { expiryDate, type TCreateTokenData } from "@/lib/validation/tokens";
import { recordCallAudit } from "./audit";
import { closeOutRotations } from "./consumer-versions";
import { columnsOf, preparedPerDb } from "./sql";
import { badAuthKey, badAuthRetryAfter, badAuthRetryFromRow } from "./rate-limit";
import { authorizeTeam, type TTeamCall } from "./team-scope";
import type { TActor } from "@/lib/types/actor";
import type { TAccessTokenDTO, TCreatedToken } from "@/lib/types/tokens";

export async function createAccessToken(input: TTeamCall & { data: TCreateTokenData }): Promise<TCreatedToken> {
  const { db, team, role } = await authorizeTeam(input, "tokens.manage");
  const { data } = input;
  const wanted = data.secrets.map((b) => b.name.toLowerCase());
  const generated = generateAccessToken();
  const expiresAt = expiryDate(data.expires);
  const id = crypto.randomUUID();
  await db.transaction(async (tx) => {
    // Locked so a secret cannot be deleted between this check and the binding insert.
    const found = await tx
      .select({ id: secrets.id, name: secrets.name, visibility: secrets.visibility })
      .from(secrets)
      .where(and(eq(secrets.teamId, team.id), inArray(sql`lower(${secrets.name})`, wanted)))
      .for("share");
    const byLower = new Map(found.map((s) => [s.name.toLowerCase(), s]));
    const missing = data.secrets.filter((b) => !byLower.has(b.name.toLowerCase())).map((b) => b.name);
    if (missing.length) {
      const msg = `${missing.join(", ")} ${missing.length === 1 ? "does" : "do"} not exist in this team (any more).`;
      throw new AppError("validation", msg, { secrets: [msg] });
    }
    // Today only Owners and Admins manage tokens; this keeps Restricted secrets theirs if that ever changes.
    if (found.some((s) => !canUseVisibility(role, "attach", s.visibility))) {
      throw new AppError("forbidden", "Only Owners and Admins can give a token a Restricted secret.");
    }
    const rows = data.secrets.map((b) => {
      const s = byLower.get(b.name.toLowerCase())!;
      return { tokenId: id, secretId: s.id, teamId: team.id, name: s.name, envName: b.env || s.name };
    });
    await tx.insert(accessTokens).values({
      id,
      teamId: team.id,
      name: data.name,
      prefix: generated.prefix,
      tokenHash: generated.hash,
      allowedCidrs: data.cidrs,
      createdBy: input.actor.id,
      expiresAt,
    });
    await tx.insert(accessTokenSecrets).values(rows.map(({ name: _name, ...r }) => r));
    await recordCallAudit(tx, input, team.id, {
      action: "token.created",
      target: { type: "access_token", id, name: data.name },
      metadata: {
        prefix: generated.prefix,
        secrets: rows.map((r) => ({ name: r.name, env: r.envName })),
        expiresAt: expiresAt?.toISOString() ?? null,
        allowedCidrs: data.cidrs,
      },
    });
  });
  return { id, name: data.name, prefix: generated.prefix, token: generated.token, expiresAt: expiresAt?.toISOString() ?? null };
}

export async function listAccessTokens(actor: TActor, teamSlug: string): Promise<TAccessTokenDTO[]> {
  const { db, team } = await authorizeTeam({ actor, teamSlug }, "tokens.manage");
  const rows = await db
    .select({
      ...columnsOf(accessTokens, "id", "name", "prefix", "allowedCidrs", "createdAt", "lastUsedAt", "expiresAt", "revokedAt"),
      creatorEmail: users.email,
    })
    .from(accessTokens)
    .leftJoin(users, eq(users.id, accessTokens.createdBy))
    .where(eq(accessTokens.teamId, team.id))
    .orderBy(desc(accessTokens.createdAt), asc(accessTokens.id))
    .limit(500);
  const ids = rows.map((r) => r.id);
  const bound = ids.length
    ? await db
        .select({ tokenId: accessTokenSecrets.tokenId, name: secrets.name, env: accessTokenSecrets.envName })
        .from(accessTokenSecrets)
        .innerJoin(secrets, and(eq(secrets.id, accessTokenSecrets.secretId), eq(secrets.teamId, team.id)))
        .where(and(eq(accessTokenSecrets.teamId, team.id), inArray(accessTokenSecrets.tokenId, ids)))
        .orderBy(asc(secrets.name))
    : [];
  const now = Date.now();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    secrets: bound.filter((b) => b.tokenId === r.id).map((b) => ({ name: b.name, env: b.env })),
    allowedCidrs: r.allowedCidrs,
    createdBy: r.creatorEmail,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    status: r.revokedAt ? "revoked" : r.expiresAt && r.expiresAt.getTime() <= now ? "expired" : "active",
  }));
}

export async function revokeAccessToken(input: TTeamCall & { tokenId: string }): Promise<{ name: string }> {
  const { db, team } = await authorizeTeam(input, "tokens.manage");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(accessTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(accessTokens.id, input.tokenId), eq(accessTokens.teamId, team.id), isNull(accessTokens.revokedAt)))
      .returning({ name: accessTokens.name, prefix: accessTokens.prefix });
    if (!row) throw new AppError("stale", "This token no longer exists or was already revoked.");
    // A revoked token is no longer a consumer: if it was the last one behind on a rotation, that closes it out.
    const bound = await tx
      .select({ secretId: accessTokenSecrets.secretId })
      .from(accessTokenSecrets)
      .where(and(eq(accessTokenSecrets.tokenId, input.tokenId), eq(accessTokenSecrets.teamId, team.id)));
    await closeOutRotations(tx, team.id, bound.map((b) => b.secretId));
    await recordCallAudit(tx, input, team.id, {
      action: "token.revoked",
      target: { type: "access_token", id: input.tokenId, name: row.name },
      metadata: { prefix: row.prefix },
    });
    return { name: row.name };
  });
}

// ---- The machine side: who is calling.

export type TTokenPrincipal = { id: string; teamId: string; name: string; prefix: string };

/** Is `address` inside one of the ranges? IPv4-mapped IPv6 addresses count as their IPv4 address. */
function addressAllowed(address: string | null, cidrs: readonly string[]): boolean {
  if (cidrs.length === 0) return true;
  if (!address) return false;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(address);
  } catch {
    return false;
  }
  return cidrs.some((c) => {
    try {
      const range = ipaddr.parseCIDR(c);
      return addr.kind() === range[0].kind() && addr.match(range);
    } catch {
      return false;
    }
  });
}

/**
 * The token's principal, or null for anything that must be refused (unknown, malformed, revoked, expired,
 * or called from outside its ranges). Callers answer every null the same way: 401 without detail.
 */
/** What authenticating a token reads of it (never more: the hash is compared again in constant time). */
const AUTH_COLUMNS = {
  id: accessTokens.id,
  teamId: accessTokens.teamId,
  name: accessTokens.name,
  prefix: accessTokens.prefix,
  tokenHash: accessTokens.tokenHash,
  allowedCidrs: accessTokens.allowedCidrs,
  expiresAt: accessTokens.expiresAt,
  revokedAt: accessTokens.revokedAt,
};

// The token and the address's failed-authentication budget in one prepared statement (see preparedPerDb).
const machineAuthQuery = preparedPerDb((db: Database) => {
  const budget = (col: "points" | "expire") =>
    sql`(select ${sql.identifier(col)} from ${rateLimits} where ${rateLimits.key} = ${sql.placeholder("badKey")} and (${rateLimits.expire} > ${sql.placeholder("now")}::timestamptz or ${rateLimits.expire} is null))`;
  return db
    .select({
      ...AUTH_COLUMNS,
      badPoints: sql<number | null>`${budget("points")}`.mapWith(Number),
      badExpire: sql<string | null>`${budget("expire")}`,
    })
    .from(accessTokens)
    .where(eq(accessTokens.tokenHash, sql.placeholder("hash")))
    .limit(1)
    .prepare("machine_auth");
});

/**
 * The machine API's authentication in one round trip: the token (as authenticateAccessToken) and whether the
 * source address is over its failed-authentication budget (retryAfter > 0: the caller answers 429 whatever the
 * token, so a guess's result is never told). The budget's row is read in the same statement as the token;
 * only when no token matches is it read on its own.
 */
export async function authenticateMachineRequest(
  token: string | null,
  sourceAddress: string | null,
): Promise<{ retryAfter: number; principal: TTokenPrincipal | null }> {
  if (!token || !looksLikeAccessToken(token)) return { retryAfter: await badAuthRetryAfter(sourceAddress), principal: null };
  const hash = hashAccessToken(token);
  const [row] = await machineAuthQuery(await getDb()).execute({ hash, badKey: badAuthKey(sourceAddress), now: new Date().toISOString() });
  if (!row) return { retryAfter: await badAuthRetryAfter(sourceAddress), principal: null };
  const retryAfter = badAuthRetryFromRow(row.badPoints ?? null, row.badExpire ? new Date(row.badExpire) : null);
  return { retryAfter, principal: principalOf(row, hash, sourceAddress) };
}

function principalOf(
  row: { id: string; teamId: string; name: string; prefix: string; tokenHash: string; allowedCidrs: string[]; expiresAt: Date | null; revokedAt: Date | null },
  hash: string,
  sourceAddress: string | null,
): TTokenPrincipal | null {
  if (!hashesEqual(row.tokenHash, hash)) return null;
  if (row.revokedAt) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return null;
  if (!addressAllowed(sourceAddress, row.allowedCidrs)) return null;
  return { id: row.id, teamId: row.teamId, name: row.name, prefix: row.prefix };
}

export async function authenticateAccessToken(token: string, sourceAddress: string | null): Promise<TTokenPrincipal | null> {
  if (!looksLikeAccessToken(token)) return null;
  const hash = hashAccessToken(token);
  const db = await getDb();
  const [row] = await db
    .select(AUTH_COLUMNS)
    .from(accessTokens)
    .where(eq(accessTokens.tokenHash, hash))
    .limit(1);
  return row ? principalOf(row, hash, sourceAddress) : null;
}

// Machine access tokens and the secrets API against a real database (PGlite, and Postgres when DATABASE_URL
// is set): the tokens DAL, and the route handlers of GET /api/v1/secrets[/name] called with Request objects
// exactly as Next calls them. Nothing is mocked.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Small budgets so the limits can be reached; read when the limiters are first created (lazily).
process.env.API_TOKEN_REQUESTS_PER_MINUTE = "15";
process.env.API_FAILED_AUTH_PER_MINUTE = "8";

import { GET as getOne } from "@/app/api/v1/secrets/[name]/route";
import { GET as getAll } from "@/app/api/v1/secrets/route";
import { closeDb, getDb } from "@/db/client";
import { accessTokens, accessTokenSecrets, auditEvents, secrets } from "@/db/schema";
import { hashAccessToken } from "@/lib/crypto/tokens";
import { createAccessToken, listAccessTokens, revokeAccessToken } from "@/lib/dal/access-tokens";
import { createSecret, deleteSecret, rotateSecret } from "@/lib/dal/secrets";
import { flushUsage } from "@/lib/dal/usage-recorder";
import { outsiderCast, roleTeamCast } from "../support/cast";
import { PEER_HEADER } from "../support/peer";
import { ZCreateTokenInput, type TCreateTokenInput } from "@/lib/validation/tokens";
import { auditRows, errorOf, runId, tablesContaining } from "../support/fixtures";

const { owner, admin, editor, team } = roleTeamCast("tok");
const { outsider: ownerB, otherTeam: teamB } = outsiderCast("tok");
const values: Record<string, string> = {};
let names: { a: string; b: string; restricted: string; unbound: string; other: string };

const BASE = "http://localhost/api/v1/secrets";
let ipCounter = 1;
/** A fresh documentation address per request group, so the failed-auth budget of one test does not leak into another. */
const freshIp = () => `192.0.2.${ipCounter++}`;

/** `ip` is the connection's peer (as server.mjs records it); `forwardedFor` is a client-sent X-Forwarded-For. */
function req(path: string, token: string | null, init: { ip?: string; forwardedFor?: string; headers?: Record<string, string> } = {}) {
  const headers = new Headers(init.headers);
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  headers.set(PEER_HEADER, init.ip ?? freshIp());
  if (init.forwardedFor) headers.set("x-forwarded-for", init.forwardedFor);
  headers.set("user-agent", "vitest-api");
  return new Request(`${BASE}${path}`, { headers });
}
const callAll = (token: string | null, init?: Parameters<typeof req>[2], query = "") => getAll(req(query, token, init));
const callOne = (name: string, token: string | null, init?: Parameters<typeof req>[2]) =>
  getOne(req(`/${encodeURIComponent(name)}`, token, init), { params: Promise.resolve({ name }) });

async function seed(name: string, visibility: "masked" | "restricted" = "masked", t = team, by = owner) {
  const value = `val-${name}-${runId()}=x "q"\nline2`;
  values[name] = value;
  return createSecret({ actor: by.actor, teamSlug: t.slug, name, value, visibility });
}

async function makeToken(input: Partial<TCreateTokenInput> = {}, by = owner, t = team) {
  const data = ZCreateTokenInput.parse({ name: `tok-${runId()}`, secrets: [{ name: names.a }], ...input });
  return createAccessToken({ actor: by.actor, teamSlug: t.slug, data, meta: { ip: "198.51.100.9", userAgent: "vitest" } });
}

beforeAll(async () => {
  const id = runId().toUpperCase();
  names = { a: `A_${id}`, b: `B_${id}`, restricted: `R_${id}`, unbound: `U_${id}`, other: `O_${id}` };
  await seed(names.a);
  await seed(names.b);
  await seed(names.restricted, "restricted");
  await seed(names.unbound);
  await seed(names.other, "masked", teamB, ownerB);
});

afterAll(async () => {
  (globalThis as { __apiLimiters?: unknown }).__apiLimiters = undefined;
  await closeDb();
});

describe("creating, listing and revoking tokens", () => {
  it("returns the token once; the database holds only its hash", async () => {
    const created = await makeToken({ secrets: [{ name: names.a, env: "AUTH_SECRET" }, { name: names.restricted }] }, admin);
    expect(created.token).toMatch(/^tsk_[A-Za-z0-9_-]{43}$/);
    expect(created.token.startsWith(created.prefix)).toBe(true);
    expect(await tablesContaining(created.token)).toEqual([]);
    expect(await tablesContaining(created.token.slice(created.prefix.length, created.prefix.length + 16))).toEqual([]);
    const db = await getDb();
    const [row] = await db.select().from(accessTokens).where(eq(accessTokens.id, created.id));
    expect(row?.tokenHash).toBe(hashAccessToken(created.token));
    expect(row?.expiresAt && Math.round((row.expiresAt.getTime() - Date.now()) / 86_400_000)).toBe(90);

    const list = await listAccessTokens(owner.actor, team.slug);
    const dto = list.find((t) => t.id === created.id)!;
    expect(dto).toMatchObject({ name: created.name, prefix: created.prefix, status: "active", createdBy: admin.email, lastUsedAt: null });
    expect(dto.secrets).toEqual(
      [
        { name: names.a, env: "AUTH_SECRET" },
        { name: names.restricted, env: names.restricted },
      ].sort((x, y) => x.name.localeCompare(y.name)),
    );
    expect(JSON.stringify(list)).not.toContain(row!.tokenHash);

    const [audit] = await auditRows(team.id, "token.created", created.id);
    expect(audit).toMatchObject({ actorId: admin.id, targetName: created.name, ip: "198.51.100.9" });
    expect(JSON.stringify(audit)).not.toContain(created.token);
  });

  it("editors and outsiders cannot create, list or revoke", async () => {
    const data = ZCreateTokenInput.parse({ name: "x", secrets: [{ name: names.a }] });
    expect((await errorOf(createAccessToken({ actor: editor.actor, teamSlug: team.slug, data }))).code).toBe("forbidden");
    expect((await errorOf(createAccessToken({ actor: ownerB.actor, teamSlug: team.slug, data }))).code).toBe("not_found");
    expect((await errorOf(listAccessTokens(editor.actor, team.slug))).code).toBe("forbidden");
    expect((await errorOf(listAccessTokens(ownerB.actor, team.slug))).code).toBe("not_found");
    const t = await makeToken();
    expect((await errorOf(revokeAccessToken({ actor: editor.actor, teamSlug: team.slug, tokenId: t.id }))).code).toBe("forbidden");
    // Another team's owner naming their own team cannot reach this token either.
    expect((await errorOf(revokeAccessToken({ actor: ownerB.actor, teamSlug: teamB.slug, tokenId: t.id }))).code).toBe("stale");
    expect((await callAll(t.token)).status).toBe(200);
  });

  it("cannot bind a secret of another team or one that does not exist", async () => {
    const err = await errorOf(makeToken({ secrets: [{ name: names.other }] }));
    expect(err.code).toBe("validation");
    expect(err.fieldErrors?.secrets?.[0]).toContain(names.other);
    const db = await getDb();
    const [n] = await db.select({ n: sql<number>`count(*)::int` }).from(accessTokens).where(eq(accessTokens.teamId, teamB.id));
    expect(n?.n).toBe(0);
  });

  it("bindings make the secret in use until the token is revoked", async () => {
    const t = await makeToken({ secrets: [{ name: names.b }] });
    const db = await getDb();
    const [s] = await db.select({ id: secrets.id, version: secrets.version }).from(secrets).where(and(eq(secrets.teamId, team.id), eq(secrets.name, names.b)));
    const refused = await errorOf(deleteSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s!.id, expectedVersion: s!.version }));
    expect(refused.code).toBe("conflict");
    expect(refused.message).toContain(t.name);
    await revokeAccessToken({ actor: owner.actor, teamSlug: team.slug, tokenId: t.id });
    expect((await errorOf(revokeAccessToken({ actor: owner.actor, teamSlug: team.slug, tokenId: t.id }))).code).toBe("stale");
    // Re-created for later tests after the delete goes through.
    await deleteSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s!.id, expectedVersion: s!.version });
    await seed(names.b);
  });
});

describe("GET /api/v1/secrets", () => {
  it("returns the bound secrets under their env names, no-store, audited without values", async () => {
    const t = await makeToken({ secrets: [{ name: names.a, env: "AUTH_SECRET" }, { name: names.b }] });
    const res = await callAll(t.token, { ip: "203.0.113.50" });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { secrets: { name: string; env: string; version: number; value: string }[] };
    expect(body.secrets).toEqual(
      [
        { name: names.a, env: "AUTH_SECRET", version: 1, value: values[names.a] },
        { name: names.b, env: names.b, version: 1, value: values[names.b] },
      ].sort((x, y) => x.name.localeCompare(y.name)),
    );

    const events = await auditRows(team.id, "secrets.read_by_token", t.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: null, ip: "203.0.113.50", userAgent: "vitest-api", targetName: t.name });
    expect(events[0]!.metadata).toEqual({
      prefix: t.prefix,
      secrets: body.secrets.map((s) => ({ name: s.name, version: s.version })),
    });
    for (const s of body.secrets) expect(await tablesContaining(s.value)).toEqual([]);

    // Last used is written by the usage recorder, off the read path.
    await flushUsage();
    const db = await getDb();
    const [tok] = await db.select({ lastUsedAt: accessTokens.lastUsedAt }).from(accessTokens).where(eq(accessTokens.id, t.id));
    expect(tok?.lastUsedAt).toBeInstanceOf(Date);
    const [sec] = await db.select({ lastUsedAt: secrets.lastUsedAt }).from(secrets).where(and(eq(secrets.teamId, team.id), eq(secrets.name, names.a)));
    expect(sec?.lastUsedAt).toBeInstanceOf(Date);
  });

  it("a rotation is visible on the next read; ?values=false lists versions only, without an audit event", async () => {
    const t = await makeToken();
    const db = await getDb();
    const [s] = await db.select({ id: secrets.id, version: secrets.version }).from(secrets).where(and(eq(secrets.teamId, team.id), eq(secrets.name, names.a)));
    const newValue = `rotated-${runId()}`;
    await rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s!.id, value: newValue, expectedVersion: s!.version });
    values[names.a] = newValue;
    const before = await db.select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.targetId, t.id));
    const meta = await callAll(t.token, undefined, "?values=false");
    expect(meta.status).toBe(200);
    expect(await meta.json()).toEqual({ secrets: [{ name: names.a, env: names.a, version: s!.version + 1 }] });
    expect(await db.select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.targetId, t.id))).toHaveLength(before.length);
    const one = await callOne(names.a, t.token);
    expect(await one.json()).toEqual({ name: names.a, env: names.a, version: s!.version + 1, value: newValue });
  });

  it("GET /api/v1/secrets/NAME: bound -> 200, unbound or another team's -> 404", async () => {
    const t = await makeToken();
    expect((await callOne(names.a, t.token)).status).toBe(200);
    for (const n of [names.unbound, names.other, names.a.toLowerCase(), "NOPE_NOT_HERE", "../secrets", "1BAD"]) {
      const res = await callOne(n, t.token);
      expect(res.status, n).toBe(404);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.text()).not.toContain(values[names.unbound]!);
    }
  });

  it("a token of another team reads only its own team's secrets", async () => {
    const tb = await makeToken({ secrets: [{ name: names.other }] }, ownerB, teamB);
    const all = (await (await callAll(tb.token)).json()) as { secrets: { name: string; value: string }[] };
    expect(all.secrets.map((s) => s.name)).toEqual([names.other]);
    expect((await callOne(names.a, tb.token)).status).toBe(404);
  });

  it("missing, malformed, unknown, expired and revoked tokens: 401 with no detail", async () => {
    const t = await makeToken();
    const unknown = `tsk_${"A".repeat(43)}`;
    const bodies = new Set<string>();
    for (const [label, res] of [
      ["missing", await callAll(null)],
      ["malformed", await callAll("hello")],
      ["unknown", await callAll(unknown)],
      ["truncated", await callAll(t.token.slice(0, -1))],
      ["basic", await getAll(new Request(BASE, { headers: { authorization: `Basic ${btoa(`x:${t.token}`)}`, [PEER_HEADER]: freshIp() } }))],
    ] as const) {
      expect(res.status, label).toBe(401);
      expect(res.headers.get("cache-control")).toBe("no-store");
      bodies.add(await res.text());
    }
    const db = await getDb();
    await db.update(accessTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(accessTokens.id, t.id));
    const expired = await callAll(t.token);
    expect(expired.status).toBe(401);
    bodies.add(await expired.text());
    expect([...bodies]).toEqual(['{"error":"unauthorized"}']);

    const t2 = await makeToken({ expires: "never" });
    expect((await callAll(t2.token)).status).toBe(200);
    await revokeAccessToken({ actor: admin.actor, teamSlug: team.slug, tokenId: t2.id });
    expect((await callAll(t2.token)).status).toBe(401);
    expect((await callOne(names.a, t2.token)).status).toBe(401);
  });

  it("ignores browser session cookies: only the bearer token counts", async () => {
    const t = await makeToken();
    const cookie = "authjs.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..x.y.z; __Secure-authjs.session-token=abc";
    expect((await callAll(null, { headers: { cookie } })).status).toBe(401);
    expect((await callAll(t.token, { headers: { cookie } })).status).toBe(200);
  });

  it("source addresses outside the token's ranges get 401", async () => {
    const t = await makeToken({ cidrs: "203.0.113.0/24, 2001:db8::/32" });
    expect((await callAll(t.token, { ip: "203.0.113.77" })).status).toBe(200);
    expect((await callAll(t.token, { ip: "::ffff:203.0.113.78" })).status).toBe(200);
    expect((await callAll(t.token, { ip: "2001:db8::5" })).status).toBe(200);
    expect((await callAll(t.token, { ip: "198.51.100.1" })).status).toBe(401);
    expect((await callAll(t.token, { ip: "2001:db9::5" })).status).toBe(401);
    // No proxy is configured: the address is the connection's peer; a client-sent X-Forwarded-For (or
    // X-Real-IP) inside the range does not let an outside peer in (issue 9 item 3), nor locks an inside one out.
    for (const forged of ["203.0.113.9", "198.51.100.2, 203.0.113.9", "203.0.113.9, 203.0.113.9"]) {
      // (A fresh outside peer each time: refusals count against the peer's failed-authentication budget.)
      const outside = `198.51.100.${10 + Math.floor(Math.random() * 240)}`;
      expect((await callAll(t.token, { ip: outside, forwardedFor: forged, headers: { "x-real-ip": "203.0.113.9" } })).status).toBe(401);
      expect((await callAll(t.token, { ip: "203.0.113.5", forwardedFor: forged.replace(/203\.0\.113\.9/g, "198.51.100.2") })).status).toBe(200);
    }
    // No peer address at all: refused. The refusal spends the one shared "unknown" failed-authentication
    // budget, which other suites on the same database also spend, so it may already answer 429.
    const noAddress = await getAll(new Request(BASE, { headers: { authorization: `Bearer ${t.token}` } }));
    expect([401, 429]).toContain(noAddress.status);
  });

  it("rate limits each token (429 + Retry-After) without touching other tokens", async () => {
    const t = await makeToken();
    const other = await makeToken();
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++) statuses.push((await callAll(t.token, undefined, "?values=false")).status);
    expect(statuses.slice(0, 15)).toEqual(Array(15).fill(200));
    const limited = await callAll(t.token);
    expect(limited.status).toBe(429);
    const retry = Number(limited.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(limited.headers.get("cache-control")).toBe("no-store");
    expect(await limited.text()).not.toContain(values[names.a]!);
    expect((await callAll(other.token)).status).toBe(200);
  });

  it("slows down token guessing from one address", async () => {
    const ip = "192.0.2.250";
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await callAll(`tsk_${runId()}`, { ip })).status);
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(statuses[8]).toBe(429);
    // Over its budget, the address gets 429 for a valid token too (read in the token's own statement), so a
    // hit inside a guessing burst is never told; a valid token from another address is served.
    const t = await makeToken();
    const valid = await callAll(t.token, { ip });
    expect(valid.status).toBe(429);
    expect(Number(valid.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await valid.text()).not.toContain(values[names.a]!);
    expect((await callAll(t.token, { ip: "192.0.2.249" })).status).toBe(200);
  });

  it("a forged X-Forwarded-For neither escapes the failed-authentication budget nor spends another address's", async () => {
    const attacker = "192.0.2.251";
    const victim = "192.0.2.252";
    const statuses: number[] = [];
    // A new claimed address on every guess, and the victim's address claimed too: all count against the peer.
    for (let i = 0; i < 9; i++) statuses.push((await callAll(`tsk_${runId()}`, { ip: attacker, forwardedFor: i % 2 ? victim : freshIp() })).status);
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(statuses[8]).toBe(429);
    const t = await makeToken();
    expect((await callAll(t.token, { ip: victim })).status).toBe(200);
    expect((await callAll(t.token, { ip: attacker, forwardedFor: victim })).status).toBe(429);
  });

  it("the audit event of a read records the peer, not a claimed address", async () => {
    const t = await makeToken();
    expect((await callAll(t.token, { ip: "198.51.100.60", forwardedFor: "203.0.113.66", headers: { "x-real-ip": "203.0.113.67" } })).status).toBe(200);
    const db = await getDb();
    const [event] = await db
      .select({ ip: auditEvents.ip })
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "secrets.read_by_token"), eq(auditEvents.targetId, t.id)));
    expect(event?.ip).toBe("198.51.100.60");
  });

  it("only hashes of tokens are in the database", async () => {
    const t = await makeToken();
    const db = await getDb();
    const rows = await db.select({ prefix: accessTokens.prefix, hash: accessTokens.tokenHash }).from(accessTokens).where(eq(accessTokens.teamId, team.id));
    for (const r of rows) {
      expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.prefix.length).toBeLessThan(12);
    }
    expect(await tablesContaining(t.token)).toEqual([]);
    const bindings = await db.select().from(accessTokenSecrets).where(eq(accessTokenSecrets.tokenId, t.id));
    expect(bindings).toHaveLength(1);
  });
});

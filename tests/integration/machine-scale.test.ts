// The machine path under concurrency, against real Postgres (PGlite is single-user: it cannot show a lock
// wait or a deadlock, so this file runs in the postgres project only). Route handlers are called with Request
// objects exactly as Next calls them; nothing is mocked.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

process.env.API_TOKEN_REQUESTS_PER_MINUTE = "100000";
// Only explicit flushes in this file, so what a read writes by itself is visible.
process.env.USAGE_FLUSH_MS = "0";

import { GET as getAll } from "@/app/api/v1/secrets/route";
import { closeDb, getDb } from "@/db/client";
import { accessTokens, auditEvents, secrets } from "@/db/schema";
import { createAccessToken } from "@/lib/dal/access-tokens";
import { createSecret, rotateSecret } from "@/lib/dal/secrets";
import { flushUsage, pendingUsageCount, recordUsage } from "@/lib/dal/usage-recorder";
import { ZCreateTokenInput } from "@/lib/validation/tokens";
import { makeTeam, makeUser, runId, type TTestTeam, type TTestUser } from "../support/fixtures";
import { captureServerLog, type TServerLog } from "../support/server-log";
import { PEER_HEADER } from "../support/peer";

const onPostgres = Boolean(process.env.DATABASE_URL);
let owner: TTestUser;
let team: TTestTeam;
const names: string[] = [];
const values = new Map<string, string>();

function read(token: string) {
  const headers = new Headers({ authorization: `Bearer ${token}`, [PEER_HEADER]: "192.0.2.77", "user-agent": "vitest-scale" });
  return getAll(new Request("http://localhost/api/v1/secrets", { headers }));
}

async function makeToken(secretNames: string[]) {
  const data = ZCreateTokenInput.parse({ name: `scale-${runId()}`, secrets: secretNames.map((name) => ({ name })) });
  return createAccessToken({ actor: owner.actor, teamSlug: team.slug, data });
}

let serverLog: TServerLog;
/** Lines of the server log (lib/log.ts JSON lines and any console output) written so far. */
const errorsLogged = () => serverLog.text().split("\n").filter(Boolean);
beforeAll(async () => {
  serverLog = captureServerLog();
  owner = await makeUser("scale-owner");
  team = await makeTeam(owner);
  const id = runId().toUpperCase();
  for (let i = 0; i < 10; i++) {
    const name = `S${i}_${id}`;
    const value = `value-${i}-${runId()}`;
    names.push(name);
    values.set(name, value);
    await createSecret({ actor: owner.actor, teamSlug: team.slug, name, value, visibility: "masked" });
  }
});

afterAll(async () => {
  vi.restoreAllMocks();
  await closeDb();
});

describe.runIf(onPostgres)("50 concurrent reads of one token", () => {
  it("all answer 200 with every value, write exactly 50 audit events, and neither deadlock nor log an error", async () => {
    const t = await makeToken(names);
    const responses = await Promise.all(Array.from({ length: 50 }, () => read(t.token)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    for (const r of responses) {
      const body = (await r.json()) as { secrets: { name: string; value: string }[] };
      expect(body.secrets).toHaveLength(10);
      for (const s of body.secrets) expect(s.value).toBe(values.get(s.name));
    }
    const db = await getDb();
    const events = await db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "secrets.read_by_token"), eq(auditEvents.targetId, t.id)));
    expect(events).toHaveLength(50);
    expect(errorsLogged().filter((e) => /40P01|40001|deadlock|unexpected/i.test(e))).toEqual([]);
  });

  it("a read writes no Last used row itself; the recorder writes each row once, in one flush", async () => {
    const t = await makeToken(names.slice(0, 2));
    const db = await getDb();
    const lastUsed = async () => {
      const [tok] = await db.select({ at: accessTokens.lastUsedAt }).from(accessTokens).where(eq(accessTokens.id, t.id));
      return tok?.at ?? null;
    };
    await flushUsage();
    await Promise.all([read(t.token), read(t.token), read(t.token)]);
    expect(await lastUsed()).toBeNull();
    expect(pendingUsageCount()).toBeGreaterThan(0);
    await flushUsage();
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    // Within the interval another use does not write the row again, from this instance or another one (the
    // statement's own guard: simulate another instance by clearing this process's memory of the write).
    (globalThis as { __usageRecorder?: unknown }).__usageRecorder = undefined;
    await read(t.token);
    await flushUsage();
    expect((await lastUsed())?.getTime()).toBe(first!.getTime());
    // Once the row is older than the interval, the next use writes it.
    await db.update(accessTokens).set({ lastUsedAt: sql`now() - interval '2 minutes'` }).where(eq(accessTokens.id, t.id));
    (globalThis as { __usageRecorder?: unknown }).__usageRecorder = undefined;
    await read(t.token);
    await flushUsage();
    expect((await lastUsed())!.getTime()).toBeGreaterThan(Date.now() - 30_000);
  });

  it("a flush never waits for a row another transaction holds (SKIP LOCKED) and writes it later", async () => {
    const db = await getDb();
    const [s] = await db.select({ id: secrets.id }).from(secrets).where(and(eq(secrets.teamId, team.id), eq(secrets.name, names[9]!)));
    await db.update(secrets).set({ lastUsedAt: null }).where(eq(secrets.id, s!.id));
    (globalThis as { __usageRecorder?: unknown }).__usageRecorder = undefined;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = db.transaction(async (tx) => {
      await tx.execute(sql`select id from secrets where id = ${s!.id} for update`);
      locked();
      await held;
    });
    await isLocked;
    recordUsage({ teamId: team.id, consumerKind: "token", consumerId: crypto.randomUUID(), secretId: s!.id, version: 1 });
    const started = Date.now();
    await flushUsage();
    expect(Date.now() - started).toBeLessThan(2000);
    release();
    await holder;
    const [row] = await db.select({ at: secrets.lastUsedAt }).from(secrets).where(eq(secrets.id, s!.id));
    // Skipped while held, not waited for: the row lags until a use after the interval writes it.
    expect(row?.at ?? null).toBeNull();
  });

  it("a rotation during the reads: every read returns the old or the new version whole, never an error", async () => {
    const t = await makeToken(names);
    const target = names[0]!;
    const db = await getDb();
    const [s] = await db.select({ id: secrets.id, version: secrets.version }).from(secrets).where(and(eq(secrets.teamId, team.id), eq(secrets.name, target)));
    const byVersion = new Map<number, string>([[s!.version, values.get(target)!]]);
    let version = s!.version;
    const reads: Promise<Response>[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 8; i++) reads.push(read(t.token));
      const next = `rotated-${round}-${runId()}`;
      const r = await rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s!.id, value: next, expectedVersion: version });
      version = r.version;
      byVersion.set(version, next);
    }
    for (let i = 0; i < 8; i++) reads.push(read(t.token));
    const responses = await Promise.all(reads);
    expect(responses.map((r) => r.status).filter((x) => x !== 200)).toEqual([]);
    for (const r of responses) {
      const body = (await r.json()) as { secrets: { name: string; version: number; value: string }[] };
      expect(body.secrets).toHaveLength(10);
      const got = body.secrets.find((x) => x.name === target)!;
      expect(byVersion.get(got.version)).toBe(got.value);
    }
    values.set(target, byVersion.get(version)!);
    expect(errorsLogged().filter((e) => /unexpected/i.test(e))).toEqual([]);
  });
});

/** Postgres protocol messages of one type (e.g. "P", Parse) in what this process writes to sockets meanwhile. */
async function countFrontendMessages(type: string, run: () => Promise<void>): Promise<number> {
  const net = await import("node:net");
  const original = net.Socket.prototype.write;
  let n = 0;
  const code = type.charCodeAt(0);
  net.Socket.prototype.write = function (this: import("node:net").Socket, chunk: unknown, ...rest: unknown[]) {
    if (Buffer.isBuffer(chunk)) {
      // Typed messages: one type byte, then an int32 length that counts itself.
      for (let at = 0; at + 5 <= chunk.length; at += 1 + chunk.readInt32BE(at + 1)) if (chunk[at] === code) n++;
    }
    return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof original;
  try {
    await run();
  } finally {
    net.Socket.prototype.write = original;
  }
  return n;
}

describe.runIf(onPostgres)("the read path's statements", () => {
  it("are prepared once per connection: steady reads send no Parse (one round trip per statement)", async () => {
    const { token } = await makeToken(names);
    const readAll = async (n: number, concurrent: number) => {
      for (let i = 0; i < n; i += concurrent) {
        const rs = await Promise.all(Array.from({ length: concurrent }, () => read(token)));
        expect(rs.map((r) => r.status)).toEqual(rs.map(() => 200));
      }
    };
    await readAll(100, 20); // every pool connection opened and used
    const reads = 200;
    const parses = await countFrontendMessages("P", () => readAll(reads, 10));
    // drizzle sends unnamed statements unless prepared: then every statement of every read is a Parse (and a
    // Describe round trip before its Bind). Prepared, a connection parses each statement once.
    expect(parses).toBeLessThan(reads / 4);
  });
});

describe("usage recorder on every database", () => {
  it("coalesces uses per consumer and secret, keeping the latest version", async () => {
    (globalThis as { __usageRecorder?: unknown }).__usageRecorder = undefined;
    const consumerId = crypto.randomUUID();
    const secretId = crypto.randomUUID();
    for (let v = 1; v <= 5; v++) recordUsage({ teamId: team.id, consumerKind: "webhook", consumerId, secretId, version: v, at: new Date(Date.now() + v) });
    expect(pendingUsageCount()).toBe(1);
    await flushUsage();
    expect(pendingUsageCount()).toBe(0);
  });
});

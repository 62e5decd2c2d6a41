// Issue 9 item 7: query parameters never reach the server log. Database failures are forced on every kind of
// path — server actions, a page render, a route handler, the webhook sender and worker — and everything
// written to the log (pino's stdout, console.error/warn, and the error object Next itself prints for a page)
// is scanned for what those failed statements carried: emails, password hashes, ciphertexts, session ids,
// token hashes, secret values and webhook request texts.
// Writes fail for real (a trigger raising for this file's rows only, or Postgres refusing a NUL byte). Reads
// cannot be made to fail per row, so for them the driver's query is replaced, for statements on one table,
// by a real error the same server raised (drizzle then wraps it with the real statement and parameters,
// exactly as it does for any driver failure).
import { inspect } from "node:util";
import { sql, type SQL } from "drizzle-orm";
import { PgPreparedQuery } from "drizzle-orm/pg-core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { DatabaseError, pgErrorCode } from "@/db/errors";
import { webhookDeliveries } from "@/db/schema";
import { getKeyring } from "@/lib/crypto/keyring";
import { hashAccessToken } from "@/lib/crypto/tokens";
import { createAccessToken } from "@/lib/dal/access-tokens";
import { createSecret } from "@/lib/dal/secrets";
import { createUserSession } from "@/lib/dal/sessions";
import { claimDeliveries } from "@/lib/dal/webhook-deliveries";
import { processDelivery } from "@/lib/jobs/webhook-delivery";
import { createWebhook } from "@/lib/dal/webhooks";
import { ZCreateTokenInput } from "@/lib/validation/tokens";
import { errorOf, makeTeam, makeUser, runId, type TTestTeam, type TTestUser } from "../support/fixtures";
import { withOwnerDb } from "../support/owner-db";
import { startReceiver, type TReceiver } from "../support/receiver";

process.env.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1";
process.env.WEBHOOK_RETRY_BASE_MS = "30";

const signedIn = vi.hoisted(() => ({ session: null as null | { user: { id: string }; sid: string } }));
vi.mock("@/auth", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/auth")>();
  return { ...real, auth: vi.fn(async () => signedIn.session) };
});
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "localhost:3000", "user-agent": "vitest-log", "x-forwarded-for": "192.0.2.91" }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => {}, delete: () => {} }),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn(), updateTag: vi.fn() }));

let owner: TTestUser;
let team: TTestTeam;
let rx: TReceiver;

beforeAll(async () => {
  owner = await makeUser("log-owner");
  team = await makeTeam(owner);
  rx = await startReceiver("127.0.0.1");
});
afterAll(async () => {
  await rx.close();
  await closeDb();
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Everything logged while `fn` runs: stdout (pino) and console.error / console.warn. */
async function captureLog<T>(fn: () => Promise<T>): Promise<{ out: string; result: T | undefined; error: unknown }> {
  const chunks: string[] = [];
  const write = vi.spyOn(process.stdout, "write").mockImplementation((c: unknown) => (chunks.push(String(c)), true));
  const err = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void chunks.push(a.map((x) => inspect(x, { depth: 20 })).join(" ")));
  const warn = vi.spyOn(console, "warn").mockImplementation((...a: unknown[]) => void chunks.push(a.map((x) => inspect(x, { depth: 20 })).join(" ")));
  try {
    let result: T | undefined;
    let error: unknown;
    try {
      result = await fn();
    } catch (e) {
      error = e;
    }
    return { out: chunks.join("\n"), result, error };
  } finally {
    write.mockRestore();
    err.mockRestore();
    warn.mockRestore();
  }
}

/** The printed form of an error as Next's page-error logging prints it, and then some (hidden properties). */
const printed = (e: unknown) => inspect(e, { showHidden: true, depth: 20 });

function expectClean(text: string, needles: string[]) {
  for (const n of needles) {
    expect(n.length).toBeGreaterThan(5);
    expect(text, `log contains ${n.slice(0, 12)}…`).not.toContain(n);
  }
}

/** A real driver error from this server, carrying the statement and parameters as the drivers attach them. */
async function realDriverError(query: string, params: unknown[]): Promise<Error> {
  const db = await getDb();
  const client = (db as unknown as { $client: { query?: (q: string) => Promise<unknown>; unsafe?: (q: string) => Promise<unknown> } }).$client;
  try {
    await (client.unsafe ? client.unsafe("select 1/0") : client.query!("select 1/0"));
  } catch (e) {
    // postgres.js defines query/parameters on its errors, PGlite query/params: those of the failed statement.
    const err = e as Error;
    for (const [k, v] of Object.entries({ query, params, parameters: params })) {
      if (!(k in err)) Object.defineProperty(err, k, { value: v, enumerable: true });
    }
    return err;
  }
  throw new Error("select 1/0 did not fail");
}

/** While `fn` runs, every statement whose SQL matches `table` fails in the driver. */
async function withFailingReads<T>(table: RegExp, fn: () => Promise<T>): Promise<T> {
  const proto = PgPreparedQuery.prototype as unknown as { queryWithCache: (...a: unknown[]) => Promise<unknown> };
  const sanitizing = proto.queryWithCache; // db/errors.ts's wrapper around drizzle's own
  const spy = vi.spyOn(proto, "queryWithCache");
  let hits = 0;
  spy.mockImplementation(async function (this: unknown, queryString: unknown, params: unknown, query: unknown) {
    if (typeof queryString === "string" && table.test(queryString)) {
      hits++;
      const driverError = await realDriverError(queryString, params as unknown[]);
      return sanitizing.call(this, queryString, params, async () => {
        throw driverError;
      });
    }
    return sanitizing.call(this, queryString, params, query);
  });
  try {
    return await fn();
  } finally {
    spy.mockRestore();
    expect(hits, `no statement matched ${table}`).toBeGreaterThan(0);
  }
}

/** A trigger that makes writes of this file's rows to `table` fail (BEFORE INSERT OR UPDATE). */
async function withFailingWrites<T>(table: string, when: string, fn: () => Promise<T>): Promise<T> {
  const asOwner = (q: SQL) => withOwnerDb((owner) => owner.execute(q));
  const fn_ = sql.identifier(`log_fail_${runId()}`);
  const trigger = sql.identifier(`log_fail_trg_${runId()}`);
  await asOwner(sql`CREATE FUNCTION ${fn_}() RETURNS trigger AS $$
    BEGIN
      IF ${sql.raw(when)} THEN RAISE EXCEPTION 'injected failure'; END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql`);
  await asOwner(sql`CREATE TRIGGER ${trigger} BEFORE INSERT OR UPDATE ON ${sql.identifier(table)} FOR EACH ROW EXECUTE FUNCTION ${fn_}()`);
  try {
    return await fn();
  } finally {
    await asOwner(sql`DROP TRIGGER IF EXISTS ${trigger} ON ${sql.identifier(table)}`);
    await asOwner(sql`DROP FUNCTION IF EXISTS ${fn_}()`);
  }
}

const ciphertextPrefix = () => `v2:${getKeyring().active.keyId}:`;

describe("server actions", () => {
  it("sign-up with a NUL byte in the name: neither the email nor the password hash is logged", async () => {
    const { signUpAction } = await import("@/app/(auth)/actions");
    const email = `nul-${runId()}@log.example`;
    const name = `NulName${runId()}`;
    const form = new FormData();
    form.set("name", `${name}\u0000x`);
    form.set("email", email);
    form.set("password", `pw-${runId()}-${runId()}`);
    const { out, result } = await captureLog(() => signUpAction(form));
    expect(result).toMatchObject({ ok: false, code: "unexpected" });
    expectClean(out, [email, "$argon2", name]);
    expect(out).toContain('"where":"signUp"');
  });

  it("rotation while the database refuses the write: no ciphertext or value is logged", async () => {
    const { rotateSecretAction } = await import("@/app/teams/[team]/settings/secrets/actions");
    const s = await createSecret({ actor: owner.actor, teamSlug: team.slug, name: `ROT_${runId().toUpperCase()}`, value: "first-value", visibility: "masked" });
    const newValue = `rotated-${runId()}-value`;
    const sid = await createUserSession(owner.id, 3600);
    signedIn.session = { user: { id: owner.id }, sid };
    const form = new FormData();
    form.set("secretId", s.id);
    form.set("value", newValue);
    form.set("expectedVersion", "1");
    const { out, result } = await withFailingWrites("secret_values", `NEW.secret_id = '${s.id}'`, () =>
      captureLog(() => rotateSecretAction(team.slug, form)),
    );
    expect(result).toMatchObject({ ok: false, code: "unexpected" });
    expectClean(out, [ciphertextPrefix(), newValue, sid]);
    expect(out).toContain('"where":"rotateSecret"');
    expect(out).toContain('"code":"P0001"');
  });
});

describe("page render", () => {
  it("the session lookup fails: the error Next prints and onRequestError's line carry no session id", async () => {
    const { default: SecretsPage } = await import("@/app/teams/[team]/settings/secrets/page");
    const { onRequestError } = await import("@/instrumentation");
    vi.stubEnv("NEXT_RUNTIME", "nodejs"); // as under `next start`
    const sid = await createUserSession(owner.id, 3600);
    signedIn.session = { user: { id: owner.id }, sid };
    const { out, error } = await captureLog(() =>
      withFailingReads(/"user_sessions"/, async () => {
        try {
          return await SecretsPage({ params: Promise.resolve({ team: team.slug }), searchParams: Promise.resolve({}) });
        } catch (err) {
          // What Next does with a page error: our hook, then console.error(err).
          await onRequestError(err, { path: `/teams/${team.slug}/settings/secrets`, method: "GET", headers: {} }, {
            routerKind: "App Router",
            routePath: "/teams/[team]/settings/secrets",
            routeType: "render",
            renderSource: "react-server-components",
            revalidateReason: undefined,
          });
          console.error(err);
          throw err;
        }
      }),
    );
    expect(pgErrorCode(error), printed(error)).toBe("22012"); // the forced failure, not something else
    expectClean(out + printed(error), [sid, owner.id]);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(out).toContain('"where":"request"');
    expect(out).toContain('"code":"22012"');
  });
});

describe("route handler", () => {
  it("the token lookup fails: 500, and neither the token nor its hash is logged", async () => {
    const { GET } = await import("@/app/api/v1/secrets/route");
    const s = await createSecret({ actor: owner.actor, teamSlug: team.slug, name: `API_${runId().toUpperCase()}`, value: "api-value", visibility: "masked" });
    const data = ZCreateTokenInput.parse({ name: `tok-${runId()}`, secrets: [{ name: s.name }] });
    const { token } = await createAccessToken({ actor: owner.actor, teamSlug: team.slug, data });
    const req = new Request("http://localhost/api/v1/secrets", {
      headers: { authorization: `Bearer ${token}`, "x-forwarded-for": "192.0.2.92" },
    });
    const { out, result } = await captureLog(() => withFailingReads(/"access_tokens"/, () => GET(req)));
    expect(result?.status).toBe(500);
    expect(await result?.text()).not.toContain(token);
    expectClean(out, [token, hashAccessToken(token)]);
    expect(out).toContain('"where":"secrets API"');
  });
});

describe("webhook sender and worker", () => {
  async function failingDelivery() {
    const marker = `PAYLOADMARKER${runId()}`;
    const value = `hook-value-${runId()}`;
    const s = await createSecret({ actor: owner.actor, teamSlug: team.slug, name: `WH_${runId().toUpperCase()}`, value, visibility: "masked" });
    const hook = await createWebhook({
      actor: owner.actor,
      teamSlug: team.slug,
      data: { name: `hook-${runId()}`, url: rx.url(), method: "POST", headers: [], payload: `{"m":"${marker}","v":"\${${s.name}}"}`, events: [], secretIds: [s.id] },
    });
    rx.respond((_req, res) => res.end(`echo ${marker} ${value}`));
    return { hook, needles: [marker, value] };
  }

  it("recording the attempt fails: what the sender throws carries no request text or value", async () => {
    const { hook, needles } = await failingDelivery();
    const { sendTestWebhookAction } = await import("@/app/teams/[team]/settings/webhooks/actions");
    const sid = await createUserSession(owner.id, 3600);
    signedIn.session = { user: { id: owner.id }, sid };
    const { out, result } = await withFailingWrites("webhook_delivery_attempts", `NEW.webhook_id = '${hook.id}'`, () =>
      captureLog(() => sendTestWebhookAction(team.slug, { webhookId: hook.id })),
    );
    expect(result).toMatchObject({ ok: false, code: "unexpected" });
    expectClean(out, needles);
    expect(out).toContain('"where":"sendTestWebhook"');

    // The engine itself, as the worker calls it: the error it throws is clean too.
    const db = await getDb();
    const [row] = await db
      .insert(webhookDeliveries)
      .values({ teamId: team.id, webhookId: hook.id, trigger: "test", eventData: { test: true } })
      .returning({ id: webhookDeliveries.id });
    const [claimed] = await claimDeliveries(1, row!.id);
    const err = await withFailingWrites("webhook_delivery_attempts", `NEW.webhook_id = '${hook.id}'`, () => errorOf(processDelivery(claimed!)));
    expect(err).toBeInstanceOf(DatabaseError);
    expectClean(printed(err), needles);
  });

  // The worker claims any due delivery; only the embedded database of this file is ours alone.
  it.skipIf(!!process.env.DATABASE_URL)("the worker's loop logs the failure by kind and code only", async () => {
    const { hook, needles } = await failingDelivery();
    const db = await getDb();
    await db.insert(webhookDeliveries).values({ teamId: team.id, webhookId: hook.id, trigger: "test", eventData: { test: true } });
    const { startDeliveryWorker } = await import("@/lib/jobs/webhook-worker");
    const { out } = await withFailingWrites("webhook_delivery_attempts", `NEW.webhook_id = '${hook.id}'`, () =>
      captureLog(async () => {
        const worker = startDeliveryWorker({ intervalMs: 10 });
        const chunks: string[] = [];
        const deadline = Date.now() + 10_000;
        try {
          while (Date.now() < deadline) {
            const written = (process.stdout.write as unknown as { mock: { calls: unknown[][] } }).mock.calls.map((c) => String(c[0]));
            chunks.splice(0, chunks.length, ...written);
            if (chunks.some((c) => c.includes("webhookWorker"))) break;
            await new Promise((r) => setTimeout(r, 20));
          }
        } finally {
          await worker.stop();
        }
      }),
    );
    expectClean(out, needles);
    expect(out).toContain('"where":"webhookWorker"');
    expect(out).toContain('"code":"P0001"');
  });
});

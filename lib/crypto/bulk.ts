import "server-only";
// The main-thread side of the bulk crypto worker (bulk-worker.mjs): one worker thread per process, started on
// the first big batch and stopped after a few idle seconds. It does the local key provider's AES-GCM work for
// envelope.ts's sealMany / rewrapMany, so a 10,000-value import or re-wrap overlaps the database's work: on
// embedded PGlite the database runs in this thread and the crypto otherwise added to it.
//
// Only local keys go there: they are copied to the worker when a keyring is first used with it (and wiped
// there when replaced). PKCS#11 and KMS keys never leave their provider, and their work stays in this thread.
// A worker that cannot start is reported once in the log and the work is done here; one that fails after
// starting fails the batch it held (the caller's transaction rolls back).
import path from "node:path";
import { Worker } from "node:worker_threads";
import { log } from "@/lib/log";
import type { Keyring } from "./keyring";
import { asLocal } from "./providers/types";

/** Fewer items than this are done in this thread: they take less than the round trip to a worker. */
export const BULK_MIN = 256;
const IDLE_MS = 5_000;

export type TSealJob = { value: string; valueAad: string; keyAad: string };
export type TSealed = { wrapped: string; nonce: string; sealed: string };
export type TRewrapJob = { keyId: string; wrapped: string; keyAad: string };
export type TRewrapped = string | { failed: "unknown-key" | "refused" };

/** The worker failed or stopped while it held this batch. Its message names no input. */
export class BulkCryptoError extends Error {
  override name = "BulkCryptoError";
}

type TPending = { resolve: (result: unknown) => void; reject: (err: Error) => void };
type TThread = { worker: Worker; pending: Map<number, TPending>; keyring: Keyring | null; online: boolean; idle: NodeJS.Timeout | null };
type TReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; code: string };

let thread: TThread | null = null;
let nextId = 1;
let unavailable = false;

const NOT_STARTED = Symbol("not started");

function start(): TThread {
  // Loaded by path at run time, like db/migrations (process.cwd() is the app's directory), so no bundler
  // rewrites it. Its own environment is empty: it needs nothing from ours.
  const file = path.join(/* turbopackIgnore: true */ process.cwd(), "lib", "crypto", "bulk-worker.mjs");
  const worker = new Worker(file, { execArgv: [], env: {} });
  const t: TThread = { worker, pending: new Map(), keyring: null, online: false, idle: null };
  const fail = (err: Error) => {
    if (thread === t) thread = null;
    if (t.idle) clearTimeout(t.idle);
    for (const p of t.pending.values()) p.reject(err);
    t.pending.clear();
  };
  worker.on("message", (m: TReply | { op: "ready" }) => {
    if ("op" in m) {
      // Its module loaded (a thread comes "online" before that, and fails after it if the module cannot load).
      t.online = true;
      log.info({ kind: "crypto" }, "bulk crypto worker started");
      return;
    }
    const p = t.pending.get(m.id);
    if (!p) return;
    t.pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new BulkCryptoError(`Bulk crypto failed in the worker (${m.code})`));
    if (t.pending.size === 0) idle(t);
  });
  worker.on("error", (err: Error & { code?: unknown }) => {
    const code = typeof err.code === "string" ? err.code : err.name;
    if (!t.online) {
      unavailable = true;
      log.warn({ kind: "crypto", code }, "bulk crypto worker could not start: bulk sealing and re-wrapping run in the main thread");
    }
    fail(t.online ? new BulkCryptoError(`The bulk crypto worker failed (${code})`) : Object.assign(new BulkCryptoError("not started"), { [NOT_STARTED]: true }));
  });
  worker.on("exit", (code) => fail(new BulkCryptoError(`The bulk crypto worker stopped (exit code ${code})`)));
  worker.unref();
  return t;
}

/** No batch in flight: the process may exit without waiting for the worker, which stops after IDLE_MS. */
function idle(t: TThread) {
  t.worker.unref();
  t.idle = setTimeout(() => {
    if (t.pending.size === 0) void stop(t);
  }, IDLE_MS);
  t.idle.unref();
}

function sendKeys(t: TThread, keyring: Keyring) {
  const keys: [string, Uint8Array][] = [];
  for (const p of keyring.byId.values()) {
    const local = asLocal(p);
    if (local) keys.push([local.keyId, local.copyKeyForBulkWorker()]);
  }
  try {
    // postMessage copies synchronously: the copies here can be wiped at once.
    t.worker.postMessage({ op: "keys", keys, active: keyring.active.keyId });
  } finally {
    for (const [, k] of keys) k.fill(0);
  }
  t.keyring = keyring;
}

/**
 * Runs one batch on the worker with the keyring's local keys. Null when no worker can run here (the caller
 * does the work itself); rejects with BulkCryptoError when the worker fails while it holds the batch.
 */
async function run<R>(keyring: Keyring, op: "seal" | "rewrap", items: unknown[]): Promise<R[] | null> {
  if (unavailable || !asLocal(keyring.active)) return null;
  const t = (thread ??= start());
  if (t.keyring !== keyring) sendKeys(t, keyring);
  if (t.idle) clearTimeout(t.idle);
  t.idle = null;
  t.worker.ref();
  const id = nextId++;
  try {
    return await new Promise<R[]>((resolve, reject) => {
      t.pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      t.worker.postMessage({ id, op, items });
    });
  } catch (err) {
    if (err instanceof BulkCryptoError && (err as unknown as Record<symbol, unknown>)[NOT_STARTED]) return null;
    throw err;
  }
}

/** Seals values under fresh data keys wrapped by the keyring's active (local) key; null: do it in-thread. */
export const sealOnWorker = (keyring: Keyring, items: TSealJob[]) => run<TSealed>(keyring, "seal", items);

/** Re-wraps data keys from the named local keys to the active (local) key; null: do it in-thread. */
export const rewrapOnWorker = (keyring: Keyring, items: TRewrapJob[]) => run<TRewrapped>(keyring, "rewrap", items);

async function stop(t: TThread): Promise<void> {
  if (thread === t) thread = null;
  if (t.idle) clearTimeout(t.idle);
  await t.worker.terminate();
}

/** The keyring is being replaced: the worker wipes its copies of its keys (after any batch it holds). */
export function forgetKeyringInWorker(keyring: Keyring): void {
  if (thread?.keyring !== keyring) return;
  thread.worker.postMessage({ op: "keys", keys: [], active: null });
  thread.keyring = null;
}

/** Stops the worker (batches it holds fail); the next big batch starts a new one. */
export async function stopBulkWorker(): Promise<void> {
  if (thread) await stop(thread);
}

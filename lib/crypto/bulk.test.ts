// The bulk crypto worker (bulk.ts, bulk-worker.mjs) behind sealMany / rewrapMany: what it seals opens like any
// envelope, what it re-wraps keeps its value layer, a value that does not open is answered and not thrown, and
// a worker that fails or stops fails its batch instead of answering anything.
import { afterAll, describe, expect, it } from "vitest";
import { BULK_MIN, BulkCryptoError, stopBulkWorker } from "./bulk";
import { DecryptError, open, rewrapMany, seal, sealMany } from "./envelope";
import { buildKeyring, type Keyring } from "./keyring";
import { LocalKeyProvider } from "./providers/local";
import type { KeyProvider } from "./providers/types";

const KEY_A = Buffer.alloc(32, 1).toString("base64");
const KEY_B = Buffer.alloc(32, 2).toString("base64");
const local = (active: string, previous: string[] = []) => buildKeyring({ SECRETS_MASTER_KEY: active, SECRETS_PREVIOUS_MASTER_KEYS: previous.join(",") });
const N = BULK_MIN + 44;
const items = (n: number, tag = "v") =>
  Array.from({ length: n }, (_, i) => ({ plaintext: `${tag}-${i} 🔑 "quoted"`, ctx: { teamId: `team-${i % 3}`, secretId: `secret-${i}`, version: 1 + (i % 4) } }));

afterAll(() => stopBulkWorker());

describe("bulk sealing", () => {
  it("seals a big batch on the worker: each envelope opens under its own context only, with fresh keys", async () => {
    const ring = local(KEY_A);
    const batch = items(N);
    const sealed = await sealMany(ring, batch);
    expect(sealed).toHaveLength(N);
    for (const [i, s] of sealed.entries()) {
      expect(s.keyId).toBe(ring.active.keyId);
      expect(s.envelope.startsWith(`v2:${ring.active.keyId}:`)).toBe(true);
      expect(await open(ring, s.envelope, batch[i]!.ctx)).toBe(batch[i]!.plaintext);
    }
    await expect(open(ring, sealed[0]!.envelope, batch[1]!.ctx)).rejects.toBeInstanceOf(DecryptError);
    await expect(open(ring, sealed[0]!.envelope, { ...batch[0]!.ctx, version: 9 })).rejects.toBeInstanceOf(DecryptError);
    const again = await sealMany(ring, batch);
    expect(new Set([...sealed, ...again].map((s) => s.envelope)).size).toBe(2 * N);
  });

  it("follows the keyring it is given (keys are sent again when it changes)", async () => {
    const a = local(KEY_A);
    const b = local(KEY_B);
    const [first, second] = await Promise.all([sealMany(a, items(N)), sealMany(b, items(N))]);
    expect(first.every((s) => s.keyId === a.active.keyId)).toBe(true);
    expect(second.every((s) => s.keyId === b.active.keyId)).toBe(true);
    expect(await open(b, second[5]!.envelope, items(N)[5]!.ctx)).toBe(items(N)[5]!.plaintext);
    await expect(open(b, first[5]!.envelope, items(N)[5]!.ctx)).rejects.toThrow(/Unknown master key id/);
  });

  it("seals in this thread when the active key is not local (its key never leaves the provider)", async () => {
    const inner = new LocalKeyProvider(Buffer.alloc(32, 7), "inner");
    let wraps = 0;
    const remote: KeyProvider = {
      kind: "aws-kms",
      keyId: "a0000000001",
      label: "test",
      wrap: (key, context) => (wraps++, inner.wrap(key, context)),
      unwrap: (wrapped, context) => inner.unwrap(wrapped, context),
    };
    const ring: Keyring = { active: remote, byId: new Map([[remote.keyId, remote]]), close: () => {} };
    const batch = items(N);
    const sealed = await sealMany(ring, batch);
    expect(wraps).toBe(N);
    expect(await open(ring, sealed[3]!.envelope, batch[3]!.ctx)).toBe(batch[3]!.plaintext);
  });

  it("a sealing error in the worker fails the whole batch, naming no input", async () => {
    // A key of the wrong length passes LocalKeyProvider's constructor; AES-256 refuses it in the worker.
    const bad = new LocalKeyProvider(Buffer.alloc(16, 3), "bad");
    const ring: Keyring = { active: bad, byId: new Map([[bad.keyId, bad]]), close: () => {} };
    const err = await sealMany(ring, items(N, "do-not-echo")).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BulkCryptoError);
    expect(String((err as Error).message)).not.toContain("do-not-echo");
    // The worker is still there for the next batch.
    const ok = local(KEY_A);
    expect(await sealMany(ok, items(N))).toHaveLength(N);
  });

  it("a worker stopped while it holds a batch fails that batch; the next one starts a new worker", async () => {
    const ring = local(KEY_A);
    const pending = sealMany(ring, items(20_000));
    await stopBulkWorker();
    await expect(pending).rejects.toBeInstanceOf(BulkCryptoError);
    const batch = items(N);
    const sealed = await sealMany(ring, batch);
    expect(await open(ring, sealed[N - 1]!.envelope, batch[N - 1]!.ctx)).toBe(batch[N - 1]!.plaintext);
  });
});

describe("bulk re-wrap", () => {
  it("re-wraps a big batch on the worker: only key id and wrapped key change, and the new key alone opens it", async () => {
    const batch = items(N);
    const sealed = await Promise.all(batch.map((b) => seal(local(KEY_A), b.plaintext, b.ctx)));
    const ring = local(KEY_B, [KEY_A]);
    const out = await rewrapMany(ring, sealed.map((s, i) => ({ envelope: s.envelope, ctx: batch[i]!.ctx })), 8);
    const onlyB = local(KEY_B);
    for (const [i, o] of out.entries()) {
      if (!o || o instanceof DecryptError) throw new Error(`item ${i}: ${o}`);
      const [before, after] = [sealed[i]!.envelope.split(":"), o.envelope.split(":")];
      expect(after[1]).toBe(ring.active.keyId);
      expect(after[2]).not.toBe(before[2]);
      expect(after.slice(3)).toEqual(before.slice(3));
      expect(await open(onlyB, o.envelope, batch[i]!.ctx)).toBe(batch[i]!.plaintext);
    }
  });

  it("answers, in order, null for values already under the active key and a DecryptError for those that do not open", async () => {
    const batch = items(N);
    const a = local(KEY_A);
    const ring = local(KEY_B, [KEY_A]);
    const sealed = await Promise.all(batch.map((b, i) => seal(i % 10 === 0 ? ring : a, b.plaintext, b.ctx)));
    const envelopes = sealed.map((s) => s.envelope);
    // Item 1: moved to another secret's context. Item 2: its wrapped key tampered with. Item 3: an unknown key id.
    const wrongContext = 1;
    const tampered = 2;
    const parts = envelopes[tampered]!.split(":");
    const bytes = Buffer.from(parts[2]!, "base64url");
    bytes[20]! ^= 1;
    parts[2] = bytes.toString("base64url");
    envelopes[tampered] = parts.join(":");
    const unknown = 3;
    envelopes[unknown] = (await seal(local(Buffer.alloc(32, 9).toString("base64")), "x", batch[unknown]!.ctx)).envelope;
    const out = await rewrapMany(
      ring,
      envelopes.map((envelope, i) => ({ envelope, ctx: i === wrongContext ? batch[0]!.ctx : batch[i]!.ctx })),
      8,
    );
    for (const [i, o] of out.entries()) {
      if (i % 10 === 0) expect(o).toBeNull();
      else if (i === wrongContext || i === tampered) expect(o).toEqual(expect.objectContaining({ name: "DecryptError", message: expect.stringMatching(/another secret or version/) }));
      else if (i === unknown) expect(o).toEqual(expect.objectContaining({ name: "DecryptError", message: expect.stringMatching(/Unknown master key id/) }));
      else expect(await open(local(KEY_B), (o as { envelope: string }).envelope, batch[i]!.ctx)).toBe(batch[i]!.plaintext);
    }
  });
});

import "server-only";
// Online re-wrap after a key rotation or provider move: every envelope not under the active key gets its
// data key unwrapped by the key that wrapped it and wrapped again by the active key; values themselves are
// not re-encrypted. Batches of `batchSize`, each one transaction (lib/dal/key-rewrap.ts), so a crash or
// kill -9 at any point leaves every row either old-and-readable or new-and-readable, and a rerun continues
// where it stopped (values already under the active key are passed over). Safe beside a serving app: the
// swap is compare-and-set on the ciphertext, so a value rotated meanwhile is skipped, not overwritten.
import { DecryptError, listKeyringKeys, rewrapKeyMaterial, rewrapSecretValues } from "@/lib/crypto";
import { rewrapWebhookSigningSecret } from "@/lib/crypto/webhook-signing";
import {
  countSecretValuesNotUnder,
  listKeyMaterialNotUnder,
  pageSecretValuesNotUnder,
  listSigningSecretsNotUnder,
  swapKeyMaterial,
  swapSigningSecret,
  swapSecretValues,
  type TSwap,
} from "@/lib/dal/key-rewrap";

export type TRewrapProgress = { done: number; total: number; rewrapped: number; skipped: number; failed: number };
export type TRewrapResult = TRewrapProgress & { keyId: string; remaining: number; failedIds: string[] };

export async function rewrapAll(
  opts: { batchSize?: number; concurrency?: number; maxPasses?: number; onProgress?: (p: TRewrapProgress) => void } = {},
): Promise<TRewrapResult> {
  const batchSize = opts.batchSize ?? 500;
  const active = listKeyringKeys().find((k) => k.active)!;
  const progress: TRewrapProgress = { done: 0, total: 0, rewrapped: 0, skipped: 0, failed: 0 };
  const failedIds = new Set<string>();
  const failedSigning = new Set<string>();

  // Key material first: it is tiny, and the fingerprint key must be readable under the new key.
  for (const row of await listKeyMaterialNotUnder(active.keyId)) {
    const out = await rewrapKeyMaterial(row.name, row.wrapped);
    if (out) await swapKeyMaterial(row.name, row.wrapped, out.stored, out.keyId);
  }
  // Webhook signing secrets (lib/crypto/webhook-signing.ts context); a signing rotation meanwhile wins.
  for (let after: string | null = null; ; ) {
    const rows = await listSigningSecretsNotUnder(active.keyId, after, batchSize);
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    for (const r of rows) {
      try {
        const out = await rewrapWebhookSigningSecret(r);
        if (out) await swapSigningSecret(r.id, r.teamId, r.ciphertext, out.ciphertext);
      } catch (err) {
        if (!(err instanceof DecryptError)) throw err;
        failedSigning.add(r.id);
      }
    }
  }

  // A value skipped because it was rotated meanwhile is normally under the active key already; another
  // pass picks up the rest (e.g. written by an instance that still had the old key active).
  // Counted once before each pass and once after the last (a full scan of the table each).
  let pending = await countSecretValuesNotUnder(active.keyId);
  for (let pass = 0; pass < (opts.maxPasses ?? 3); pass++, pending = await countSecretValuesNotUnder(active.keyId)) {
    if (pending - failedIds.size <= 0) break;
    progress.total = progress.done + pending - failedIds.size;
    // Pipelined: the next batch is selected and re-wrapped while the current one commits.
    const prepare = async (after: string | null) => {
      const page = await pageSecretValuesNotUnder(active.keyId, after, batchSize);
      const todo = page.rows.filter((r) => !failedIds.has(r.secretId));
      // Local keys are re-wrapped on lib/crypto's worker thread meanwhile, other providers `concurrency` at a time.
      const outcomes = await rewrapSecretValues(
        todo.map((r) => ({ ciphertext: r.ciphertext, ctx: { teamId: r.teamId, secretId: r.secretId, version: r.version } })),
        opts.concurrency ?? 8,
      );
      const swaps: TSwap[] = [];
      outcomes.forEach((out, i) => {
        const r = todo[i]!;
        // A value that no key in the keyring opens is reported by id and left as it is; an outage
        // (KeyProviderUnavailableError) has thrown: the run stops, to be resumed later.
        if (out instanceof DecryptError) failedIds.add(r.secretId);
        else if (out) swaps.push({ secretId: r.secretId, teamId: r.teamId, from: r.ciphertext, to: out.ciphertext });
      });
      return { lastId: page.lastId, todo: todo.length, swaps };
    };
    let next = prepare(null);
    for (;;) {
      const batch = await next;
      if (batch.lastId === null) break;
      next = prepare(batch.lastId);
      // Rejections of the prefetch surface when it is awaited, after this batch has committed.
      next.catch(() => {});
      const counts = await swapSecretValues(active.keyId, batch.swaps);
      progress.rewrapped += counts.rewrapped;
      progress.skipped += counts.skipped;
      progress.failed = failedIds.size;
      progress.done += batch.todo;
      progress.total = Math.max(progress.total, progress.done);
      opts.onProgress?.({ ...progress });
    }
  }
  return { ...progress, keyId: active.keyId, remaining: pending, failedIds: [...failedIds, ...failedSigning] };
}

import "server-only";
// Key material kept in the database, wrapped by the key provider: today the fingerprint key. It is created
// on first use (by whichever instance gets there first; the others read the winner's row) and opened once
// per process. Re-wrapping it is part of `keys rotate` (lib/jobs/key-rewrap.ts).
import { eq, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { keyMaterial } from "@/db/schema";
import { newFingerprintKeyMaterial, openFingerprintKey, type FingerprintKey } from "@/lib/crypto";

const FINGERPRINT_KEY = "fingerprint";

const globalForKeys = globalThis as unknown as { __teamSecretsFingerprintKey?: Promise<FingerprintKey> };

// `older`: written before the current transaction began (now() is its start), so certainly committed,
// and not by a transaction of the caller's that may still roll back.
async function readRow(db: Executor): Promise<{ wrapped: string; older: boolean } | undefined> {
  const [row] = await db
    .select({ wrapped: keyMaterial.wrapped, older: sql<boolean>`${keyMaterial.createdAt} < now()` })
    .from(keyMaterial)
    .where(eq(keyMaterial.name, FINGERPRINT_KEY));
  return row;
}

/**
 * The opened fingerprint key, read through `db` (the caller's transaction: on PGlite a second connection
 * would wait for it forever). Cached per process once read from a row committed before this transaction;
 * a key created in the caller's transaction is not cached, because that transaction may still roll back.
 */
export async function getFingerprintKey(db: Executor): Promise<FingerprintKey> {
  const cached = globalForKeys.__teamSecretsFingerprintKey;
  if (cached) return cached;
  const stored = await readRow(db);
  if (stored && !stored.older) return openFingerprintKey(FINGERPRINT_KEY, stored.wrapped);
  if (stored) {
    const opening = openFingerprintKey(FINGERPRINT_KEY, stored.wrapped);
    globalForKeys.__teamSecretsFingerprintKey = opening;
    opening.catch(() => {
      if (globalForKeys.__teamSecretsFingerprintKey === opening) globalForKeys.__teamSecretsFingerprintKey = undefined;
    });
    return opening;
  }
  const created = await newFingerprintKeyMaterial(FINGERPRINT_KEY);
  // A concurrent creator wins the primary key; everyone then uses the stored row.
  await db.insert(keyMaterial).values({ name: FINGERPRINT_KEY, wrapped: created.stored, keyId: created.keyId }).onConflictDoNothing();
  return openFingerprintKey(FINGERPRINT_KEY, (await readRow(db))!.wrapped);
}

/** Forgets the opened key (after the process keyring is replaced in scripts and tests). */
export function forgetFingerprintKey(): void {
  globalForKeys.__teamSecretsFingerprintKey = undefined;
}

// npm run keys -- status | rotate [--batch N] | create-pkcs11-key LABEL
// Key lifecycle for operators: which keys wrap how many values, and an online re-wrap onto the active key.
// Uses the same environment as the app (SECRETS_KEY_PROVIDER and friends, DATABASE_URL).
import { closeDb } from "@/db/client";
import { KeyProviderUnavailableError, listKeyringKeys, type TKeyProviderKind } from "@/lib/crypto";
import { createPkcs11Key } from "@/lib/crypto/admin";
import { countEnvelopesByKey } from "@/lib/dal/key-rewrap";
import { rewrapAll, type TRewrapProgress } from "@/lib/jobs/key-rewrap";

const USAGE = "usage: npm run keys -- status | rotate [--batch N] | create-pkcs11-key LABEL";
const PROVIDER_BY_PREFIX: Record<string, TKeyProviderKind> = { k: "local", p: "pkcs11", a: "aws-kms" };

async function status(): Promise<number> {
  const keys = listKeyringKeys();
  const counts = await countEnvelopesByKey();
  const byKey = new Map<string, { values: number; material: number }>();
  for (const c of counts) {
    const e = byKey.get(c.keyId) ?? { values: 0, material: 0 };
    if (c.column === "secret_values.ciphertext") e.values += c.count;
    else e.material += c.count;
    byKey.set(c.keyId, e);
  }
  const rows = keys.map((k) => ({ ...k, configured: true }));
  for (const keyId of byKey.keys()) {
    if (!keys.some((k) => k.keyId === keyId)) {
      rows.push({ keyId, provider: PROVIDER_BY_PREFIX[keyId[0]!] ?? "local", label: "(not in the keyring: these values cannot be opened)", active: false, configured: false });
    }
  }
  const table = [["KEY ID", "PROVIDER", "ACTIVE", "VALUES", "OTHER (key material, signing secrets)", "LABEL"]];
  for (const r of rows) {
    const c = byKey.get(r.keyId) ?? { values: 0, material: 0 };
    table.push([r.keyId, r.provider, r.active ? "yes" : "no", String(c.values), String(c.material), r.label]);
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd());
  const elsewhere = rows.filter((r) => !r.active).reduce((n, r) => n + (byKey.get(r.keyId)?.values ?? 0) + (byKey.get(r.keyId)?.material ?? 0), 0);
  console.log(elsewhere === 0 ? "Every envelope is under the active key." : `${elsewhere} envelope(s) under other keys: run \`npm run keys -- rotate\`.`);
  return rows.some((r) => !r.configured) ? 1 : 0;
}

function bar(p: TRewrapProgress): string {
  const width = 30;
  const ratio = p.total === 0 ? 1 : Math.min(1, p.done / p.total);
  const filled = Math.round(ratio * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${p.done}/${p.total} re-wrapped ${p.rewrapped}, skipped ${p.skipped}, failed ${p.failed}`;
}

async function rotate(args: string[]): Promise<number> {
  const i = args.indexOf("--batch");
  const batchSize = i >= 0 ? Number(args[i + 1]) : 500;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) {
    console.error("--batch must be a whole number from 1 to 5000");
    return 2;
  }
  const active = listKeyringKeys().find((k) => k.active)!;
  console.log(`Active key ${active.keyId} (${active.provider}: ${active.label}). Re-wrapping every envelope under other keys, ${batchSize} per transaction.`);
  const tty = process.stderr.isTTY;
  const result = await rewrapAll({
    batchSize,
    onProgress: (p) => process.stderr.write(tty ? `\r${bar(p)}` : `${bar(p)}\n`),
  });
  if (tty) process.stderr.write("\n");
  console.log(`Done: ${result.rewrapped} re-wrapped, ${result.skipped} skipped (rotated meanwhile), ${result.failed} could not be opened; ${result.remaining} remain under other keys.`);
  if (result.failedIds.length > 0) console.log(`Could not be opened by any key in the keyring (secret ids): ${result.failedIds.join(", ")}`);
  if (result.remaining > result.failed) {
    console.log("Some values were written under another key while this ran (an instance with an older configuration?). Restart every instance with this configuration and run rotate again.");
  }
  return result.remaining === 0 ? 0 : 1;
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  try {
    if (command === "status") return await status();
    if (command === "rotate") return await rotate(args);
    if (command === "create-pkcs11-key" && args[0]) {
      console.log(`Created AES-256 key "${args[0]}" (sensitive, not extractable) with key id ${createPkcs11Key(args[0])}.`);
      return 0;
    }
    console.error(USAGE);
    return 2;
  } catch (err) {
    if (err instanceof KeyProviderUnavailableError) {
      console.error(`${err.message}. Nothing was left half-written; run the command again when the provider is back.`);
      return 1;
    }
    console.error(`keys ${command}: ${err instanceof Error ? `${err.name}: ${err.message}` : "failed"}`);
    return 1;
  } finally {
    await closeDb();
  }
}

process.exitCode = await main();

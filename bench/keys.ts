// `npm run bench:keys` (also run by `npm run bench`): cost of `keys rotate`.
//  1. Re-wrap of 10,000 values with the local provider (A -> B -> A ...) against a floor measured in the
//     same run, interleaved: a raw UPDATE of the same rows in the same batches (one transaction each),
//     writing ciphertexts of the same size with no crypto, no selection by key and no audit. Goal <= 2x.
//     The floor as it stands (kept as it was when the goal was set): it writes each row's own key id back,
//     which leaves Postgres free to skip index maintenance (a HOT update) where a re-wrap cannot, but an
//     UPDATE writing a new key id measured the same here; and it sends three bind parameters per row in a
//     VALUES list, which drizzle builds fragment by fragment: the same UPDATE from three unnest()ed arrays
//     took ~1/3 less CPU on PGlite and ~2/3 less on Postgres. So the floor errs on the generous side.
//  2. SoftHSM2 (when installed): per-value cost of wrap and unwrap inside the token, and of a re-wrap
//     local -> pkcs11, next to the local provider's per-value cost.
//
//   npm run bench:keys [-- --pg] [--n=10000] [--rounds=5] [--batch=500]
//
// Database: DATABASE_URL when set; `--pg` a fresh database on the local Postgres, dropped afterwards;
// otherwise in-memory PGlite. Keys are random per run and stay in memory. Nothing secret is printed.
// BENCH_PROFILE_DIR / BENCH_STATEMENTS=1: a CPU profile / statement times of each round (see ./profiler.ts).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => Number(args.find((x) => x.startsWith(`--${name}=`))?.split("=")[1] ?? dflt);
const N = opt("n", 10_000);
const ROUNDS = opt("rounds", 5);
const BATCH = opt("batch", 500);
const GOAL = 2;

let pgDbName: string | null = null;
if (args.includes("--pg")) {
  const url = execFileSync(process.execPath, ["scripts/test-db.mjs"], { encoding: "utf8" }).trim();
  pgDbName = url.slice(url.lastIndexOf("/") + 1);
  process.env.DATABASE_URL = url;
}
if (!process.env.DATABASE_URL) process.env.PGLITE_DATA_DIR = "memory://";
(process.env as Record<string, string | undefined>).NODE_ENV ??= "test";

const { closeDb, getDb } = await import("@/db/client");
const { secretValues } = await import("@/db/schema");
const { setProcessKeyring } = await import("@/lib/crypto");
const { buildKeyring } = await import("@/lib/crypto/keyring");
const { Pkcs11KeyProvider, Pkcs11Token } = await import("@/lib/crypto/providers/pkcs11");
const { LocalKeyProvider } = await import("@/lib/crypto/providers/local");
const { seedBench } = await import("./seed");
const { forgetFingerprintKey } = await import("@/lib/dal/key-material");
const { rewrapAll } = await import("@/lib/jobs/key-rewrap");
const { printStatements, profiled } = await import("./profiler");
const { printCpu, withCpu } = await import("./cpu");
type TCpu = import("./cpu").TCpu;

const KEY_A = randomBytes(32).toString("base64");
const KEY_B = randomBytes(32).toString("base64");
const ringAB = (active: string, previous: string) => buildKeyring({ SECRETS_MASTER_KEY: active, SECRETS_PREVIOUS_MASTER_KEYS: previous });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;

async function seed(): Promise<void> {
  setProcessKeyring(buildKeyring({ SECRETS_MASTER_KEY: KEY_A }));
  // The page benchmark's seeder: bulk inserts of sealed values, 500 per transaction.
  await seedBench(randomBytes(4).toString("hex"), [N], "owner");
}

/** The floor: the same rows, the same batches, one UPDATE per batch in its own transaction, no crypto. */
// CPU time during each re-wrap and raw UPDATE (bench/cpu.ts): this process's (every thread; the database
// server's share is not in it) and the main thread's, less sensitive than wall time to the other work on a
// shared machine.
const rewrapCpu: TCpu[] = [];
const rawCpu: TCpu[] = [];

async function rawUpdate(): Promise<number> {
  const { cpu } = await withCpu(rawUpdateRun);
  rawCpu.push(cpu);
  return cpu.ms;
}

async function rawUpdateRun(): Promise<void> {
  const db = await getDb();
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const rows = await db
      .select({ id: secretValues.secretId, c: secretValues.ciphertext, k: secretValues.keyId })
      .from(secretValues)
      .where(sql`${secretValues.secretId} > ${after}`)
      .orderBy(secretValues.secretId)
      .limit(BATCH);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    await db.transaction(async (tx) => {
      const values = sql.join(rows.map((r) => sql`(${r.id}::uuid, ${r.c}::text, ${r.k}::text)`), sql`, `);
      await tx.execute(sql`update ${secretValues} as sv set ciphertext = v.c, key_id = v.k from (values ${values}) as v(id, c, k) where sv.secret_id = v.id`);
    });
  }
}

async function rewrapTo(active: string, previous: string): Promise<number> {
  setProcessKeyring(ringAB(active, previous));
  const { result: r, cpu } = await withCpu(() => rewrapAll({ batchSize: BATCH }));
  rewrapCpu.push(cpu);
  if (r.rewrapped !== N || r.remaining !== 0) throw new Error(`re-wrap incomplete: ${r.rewrapped}/${N}, ${r.remaining} remaining`);
  return cpu.ms;
}

function perValue(label: string, provider: InstanceType<typeof LocalKeyProvider> | InstanceType<typeof Pkcs11KeyProvider>, count: number) {
  return (async () => {
    const ctx = { purpose: "secret-value", layer: "key", team: "t", secret: "s", version: "1" };
    const key = randomBytes(32);
    const wrapped: Buffer[] = [];
    const t0 = performance.now();
    for (let i = 0; i < count; i++) wrapped.push(await provider.wrap(key, ctx));
    const t1 = performance.now();
    for (const w of wrapped) await provider.unwrap(w, ctx);
    const t2 = performance.now();
    return { label, wrapUs: ((t1 - t0) * 1000) / count, unwrapUs: ((t2 - t1) * 1000) / count };
  })();
}

try {
  console.log(`keys bench: ${N} values, batches of ${BATCH}, ${ROUNDS} interleaved rounds, ${process.env.DATABASE_URL ? "postgres" : "PGlite (in memory)"}`);
  await seed();
  await rawUpdate(); // warm-up of the same path, not measured
  const raw: number[] = [];
  const rewrap: number[] = [];
  let current = KEY_A;
  for (let round = 0; round < ROUNDS; round++) {
    raw.push(await profiled("raw-update", rawUpdate));
    const next = current === KEY_A ? KEY_B : KEY_A;
    rewrap.push(await profiled("rewrap", () => rewrapTo(next, current)));
    current = next;
    console.log(`round ${round + 1}: raw UPDATE ${fmt(raw.at(-1)!)}   re-wrap (local) ${fmt(rewrap.at(-1)!)}   ratio ${(rewrap.at(-1)! / raw.at(-1)!).toFixed(2)}x`);
  }
  const ratio = median(rewrap) / median(raw);
  console.log(
    `median: raw UPDATE ${fmt(median(raw))}   re-wrap ${fmt(median(rewrap))}   ` +
      `(${((median(rewrap) * 1000) / N).toFixed(0)} us/value)   ratio ${ratio.toFixed(2)}x   goal <= ${GOAL}x: ${ratio <= GOAL ? "met" : "NOT met"}`,
  );
  // The measured rounds only (the warm-up's floor is the first entry).
  printCpu("", ["re-wrap", "raw UPDATE"], rewrapCpu, rawCpu.slice(1), N, Boolean(process.env.DATABASE_URL));

  printStatements();

  const { softHsmUnavailable, createSoftHsmToken } = await import("@/tests/support/softhsm");
  const skip = softHsmUnavailable();
  if (skip) {
    console.log(`SoftHSM2: skipped (${skip})`);
  } else {
    const hsm = createSoftHsmToken("bench");
    const token = new Pkcs11Token({ modulePath: hsm.module, tokenLabel: hsm.label, pin: hsm.pin });
    token.generateKey("bench-key");
    const count = Math.min(N, 2000);
    const local = new LocalKeyProvider(randomBytes(32), "bench");
    const pk = new Pkcs11KeyProvider(token, "bench-key");
    const results = [];
    for (let r = 0; r < 2; r++) results.push(await perValue("local", local, count), await perValue("pkcs11 (SoftHSM2)", pk, count));
    for (const label of ["local", "pkcs11 (SoftHSM2)"]) {
      const mine = results.filter((x) => x.label === label);
      console.log(`${label.padEnd(18)} wrap ${median(mine.map((x) => x.wrapUs)).toFixed(1).padStart(7)} us/value   unwrap ${median(mine.map((x) => x.unwrapUs)).toFixed(1).padStart(7)} us/value`);
    }
    // A provider move local -> pkcs11 of all N values through the real re-wrap.
    setProcessKeyring(
      buildKeyring({
        SECRETS_KEY_PROVIDER: "pkcs11",
        SECRETS_PKCS11_MODULE: hsm.module,
        SECRETS_PKCS11_TOKEN_LABEL: hsm.label,
        SECRETS_PKCS11_PIN: hsm.pin,
        SECRETS_PKCS11_KEY_LABEL: "bench-key",
        SECRETS_PREVIOUS_MASTER_KEYS: current,
      }),
    );
    const t0 = performance.now();
    const moved = await rewrapAll({ batchSize: BATCH });
    const ms = performance.now() - t0;
    console.log(`re-wrap local -> pkcs11 (SoftHSM2): ${moved.rewrapped} values in ${fmt(ms)} (${((ms * 1000) / N).toFixed(0)} us/value), ratio to raw UPDATE ${(ms / median(raw)).toFixed(2)}x`);
    token.close();
    hsm.cleanup();
  }
} finally {
  setProcessKeyring(undefined);
  forgetFingerprintKey();
  await closeDb();
  if (pgDbName) execFileSync(process.execPath, ["scripts/test-db.mjs", "drop", pgDbName]);
}

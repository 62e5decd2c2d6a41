// `npm run keys -- rotate` killed with SIGKILL half way, then run again: it completes, and every value
// opens with only the new key. The re-wrap runs in a child process exactly as an operator runs it.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { setProcessKeyring } from "@/lib/crypto";
import { buildKeyring } from "@/lib/crypto/keyring";
import { countEnvelopesByKey } from "@/lib/dal/key-rewrap";
import { resolveSecretValues } from "@/lib/dal/secret-values";
import { insertSecretTx } from "@/lib/dal/secrets";
import { restartWithKeyring } from "../support/keys";
import { isolatedDatabase, type TIsolatedDb } from "../support/isolated-db";
import { makeTeam, makeUser, type TTestTeam } from "../support/fixtures";

const KEY_A = process.env.SECRETS_MASTER_KEY!;
const KEY_B = randomBytes(32).toString("base64");
const N = 400;
let isolated: TIsolatedDb;
let team: TTestTeam;
const values = new Map<string, string>();

beforeAll(async () => {
  isolated = await isolatedDatabase("keyskill");
  setProcessKeyring(buildKeyring({ SECRETS_MASTER_KEY: KEY_A }));
  const owner = await makeUser("kill-owner");
  team = await makeTeam(owner);
  const db = await getDb();
  await db.transaction(async (tx) => {
    for (let i = 0; i < N; i++) {
      const name = `KILL_${i}`;
      const value = `v-${i}-${randomBytes(6).toString("hex")}`;
      await insertSecretTx(tx, { teamId: team.id, actor: owner.actor }, { name, value, visibility: "masked" });
      values.set(name, value);
    }
  });
  // PGlite has one owner per directory: the child opens it only after this process closed it.
  await closeDb();
}, 120_000);

afterAll(async () => {
  restartWithKeyring(undefined);
  await closeDb();
  await isolated?.drop();
});

function runRotate(killAfterBatches: number | null): Promise<{ code: number | null; signal: string | null; out: string }> {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/keys.ts", "rotate", "--batch", "10"], {
    env: { ...process.env, ...isolated.env, SECRETS_MASTER_KEY: KEY_B, SECRETS_PREVIOUS_MASTER_KEYS: KEY_A, NODE_ENV: "test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let batches = 0;
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    batches = (out.match(/\] \d+\/\d+/g) ?? []).length;
    if (killAfterBatches !== null && batches >= killAfterBatches && !child.killed) child.kill("SIGKILL");
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, out })));
}

it("a re-wrap killed with SIGKILL mid-way and restarted completes, every value readable with only the new key", async () => {
  const keyA = buildKeyring({ SECRETS_MASTER_KEY: KEY_A }).active.keyId;
  const keyB = buildKeyring({ SECRETS_MASTER_KEY: KEY_B }).active.keyId;

  const killed = await runRotate(5);
  expect(killed.signal).toBe("SIGKILL");
  setProcessKeyring(buildKeyring({ SECRETS_MASTER_KEY: KEY_B, SECRETS_PREVIOUS_MASTER_KEYS: KEY_A }));
  const mid = await countEnvelopesByKey();
  const underA = mid.find((c) => c.column === "secret_values.ciphertext" && c.keyId === keyA)?.count ?? 0;
  const underB = mid.find((c) => c.column === "secret_values.ciphertext" && c.keyId === keyB)?.count ?? 0;
  // Killed part way: some batches committed, the rest untouched, nothing in between.
  expect(underB).toBeGreaterThan(0);
  expect(underA).toBeGreaterThan(0);
  expect(underA + underB).toBe(N);
  // Mid-way, with both keys, every value reads.
  expect((await resolveSecretValues(team.id, [...values.keys()])).size).toBe(N);
  await closeDb();

  const resumed = await runRotate(null);
  expect(resumed.code, resumed.out).toBe(0);
  expect(resumed.out).toMatch(new RegExp(`Done: ${underA} re-wrapped, 0 skipped .*; 0 remain under other keys`));

  restartWithKeyring(buildKeyring({ SECRETS_MASTER_KEY: KEY_B }));
  const counts = await countEnvelopesByKey();
  expect(counts.filter((c) => c.keyId !== keyB)).toEqual([]);
  const got = await resolveSecretValues(team.id, [...values.keys()]);
  for (const [name, value] of values) expect(got.get(name)?.value).toBe(value);
}, 180_000);

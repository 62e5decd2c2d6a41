// Provider moves through the same `keys rotate` path: local -> pkcs11 (SoftHSM2) -> aws-kms (loopback KMS
// JSON protocol), each time ending with a keyring that holds only the new key and opens every value; and a
// provider outage: reads fail with "key provider unavailable" (nothing returned), readiness reports it.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { KeyProviderUnavailableError, keyProviderHealth, setProcessKeyring } from "@/lib/crypto";
import { buildKeyring } from "@/lib/crypto/keyring";
import { Pkcs11Token } from "@/lib/crypto/providers/pkcs11";
import { countEnvelopesByKey } from "@/lib/dal/key-rewrap";
import { resolveSecretValues } from "@/lib/dal/secret-values";
import { createSecret, rotateSecret } from "@/lib/dal/secrets";
import { rewrapAll } from "@/lib/jobs/key-rewrap";
import { startKmsServer, type TKmsServer } from "../support/kms-server";
import { createSoftHsmToken, softHsmUnavailable, type TSoftHsmToken } from "../support/softhsm";
import { restartWithKeyring } from "../support/keys";
import { isolatedDatabase, type TIsolatedDb } from "../support/isolated-db";
import { makeTeam, makeUser, type TTestTeam, type TTestUser } from "../support/fixtures";

const KEY_A = process.env.SECRETS_MASTER_KEY!;
const N = 60;
let isolated: TIsolatedDb;
let kms: TKmsServer;
let hsm: TSoftHsmToken | null = null;
let owner: TTestUser;
let team: TTestTeam;
const values = new Map<string, { id: string; value: string; version: number }>();
const hsmSkip = softHsmUnavailable();
if (hsmSkip) console.warn(`[skip] local -> pkcs11 move: ${hsmSkip}; moving local -> aws-kms directly`);

beforeAll(async () => {
  isolated = await isolatedDatabase("keyprov");
  process.env.AWS_ACCESS_KEY_ID = "AKIDTESTTESTTEST";
  process.env.AWS_SECRET_ACCESS_KEY = "test-secret-access-key";
  kms = await startKmsServer();
  if (!hsmSkip) {
    hsm = createSoftHsmToken();
    const token = new Pkcs11Token({ modulePath: hsm.module, tokenLabel: hsm.label, pin: hsm.pin });
    token.generateKey("team-secrets-1");
    token.close();
  }
  setProcessKeyring(buildKeyring({ SECRETS_MASTER_KEY: KEY_A }));
  owner = await makeUser("prov-owner");
  team = await makeTeam(owner);
  for (let i = 0; i < N; i++) {
    const value = `p-${i}-${randomBytes(6).toString("hex")}`;
    const s = await createSecret({ actor: owner.actor, teamSlug: team.slug, name: `PROV_${i}`, value, visibility: "masked" });
    values.set(s.name, { id: s.id, value, version: s.version });
  }
}, 120_000);

afterAll(async () => {
  restartWithKeyring(undefined);
  await closeDb();
  await kms?.close();
  hsm?.cleanup();
  await isolated?.drop();
});

async function moveTo(config: Parameters<typeof buildKeyring>[0], onlyNew: Parameters<typeof buildKeyring>[0]) {
  setProcessKeyring(buildKeyring(config));
  const result = await rewrapAll({ batchSize: 25 });
  expect(result).toMatchObject({ rewrapped: N, remaining: 0, failed: 0 });
  restartWithKeyring(buildKeyring(onlyNew));
  const counts = await countEnvelopesByKey();
  const activeId = buildKeyring(onlyNew).active.keyId;
  expect(counts.filter((c) => c.keyId !== activeId)).toEqual([]);
  const got = await resolveSecretValues(team.id, [...values.keys()]);
  for (const [name, v] of values) expect(got.get(name)?.value).toBe(v.value);
  // New writes work under the new provider alone.
  const s = values.get("PROV_0")!;
  const next = `rotated-${randomBytes(6).toString("hex")}`;
  s.version = (await rotateSecret({ actor: owner.actor, teamSlug: team.slug, secretId: s.id, value: next, expectedVersion: s.version })).version;
  s.value = next;
  expect((await resolveSecretValues(team.id, ["PROV_0"])).get("PROV_0")?.value).toBe(next);
}

it("moves local -> pkcs11 -> aws-kms with keys rotate; an outage fails reads clearly and shows in readiness", async () => {
  const arn = kms.createKey();
  const kmsOnly = { SECRETS_KEY_PROVIDER: "aws-kms" as const, SECRETS_AWS_KMS_KEY_ARN: arn, SECRETS_AWS_KMS_ENDPOINT: kms.endpoint };
  if (hsm) {
    const p11 = {
      SECRETS_PKCS11_MODULE: hsm.module,
      SECRETS_PKCS11_TOKEN_LABEL: hsm.label,
      SECRETS_PKCS11_PIN: hsm.pin,
    };
    await moveTo(
      { SECRETS_KEY_PROVIDER: "pkcs11", ...p11, SECRETS_PKCS11_KEY_LABEL: "team-secrets-1", SECRETS_PREVIOUS_MASTER_KEYS: KEY_A },
      { SECRETS_KEY_PROVIDER: "pkcs11", ...p11, SECRETS_PKCS11_KEY_LABEL: "team-secrets-1" },
    );
    await moveTo({ ...kmsOnly, ...p11, SECRETS_PKCS11_PREVIOUS_KEY_LABELS: "team-secrets-1" }, kmsOnly);
  } else {
    await moveTo({ ...kmsOnly, SECRETS_PREVIOUS_MASTER_KEYS: KEY_A }, kmsOnly);
  }
  expect(kms.calls.Encrypt).toBeGreaterThanOrEqual(N);

  expect(await keyProviderHealth()).toMatchObject({ ok: true, provider: "aws-kms" });
  kms.setDown(true);
  try {
    const err = await resolveSecretValues(team.id, [...values.keys()]).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(KeyProviderUnavailableError);
    expect(err!.message).toMatch(/^Key provider unavailable \(aws-kms\)/);
    for (const v of values.values()) expect(err!.message).not.toContain(v.value);
    // A fresh keyring object: the health cache (5 s) is per keyring.
    setProcessKeyring(buildKeyring(kmsOnly));
    expect(await keyProviderHealth()).toMatchObject({ ok: false, provider: "aws-kms", message: expect.stringMatching(/Key provider unavailable/) });
  } finally {
    kms.setDown(false);
  }
  setProcessKeyring(buildKeyring(kmsOnly));
  expect(await keyProviderHealth()).toMatchObject({ ok: true });
  expect((await resolveSecretValues(team.id, ["PROV_1"])).get("PROV_1")?.value).toBe(values.get("PROV_1")!.value);
  await getDb();
}, 180_000);

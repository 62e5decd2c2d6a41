// decryptSecretValues: the one way back to plaintext (lib/crypto/index.ts), on the process keyring.
import { afterEach, describe, expect, it } from "vitest";
import { DecryptError, decryptSecretValues, setProcessKeyring } from "./index";
import { seal } from "./envelope";
import { buildKeyring } from "./keyring";

const KEY = Buffer.alloc(32, 7).toString("base64");
const ring = buildKeyring({ SECRETS_KEY_PROVIDER: "local", SECRETS_MASTER_KEY: KEY });
afterEach(() => setProcessKeyring(undefined));

describe("decryptSecretValues", () => {
  it("answers each entry in order: its value, or its DecryptError (never with a value)", async () => {
    setProcessKeyring(ring);
    const ctx = (secretId: string, version = 1) => ({ teamId: "t1", secretId, version });
    const a = await seal(ring, "value-a", ctx("a"));
    const b = await seal(ring, "value-b", ctx("b"));
    const c = await seal(ring, "value-c", ctx("c"));
    const out = await decryptSecretValues([
      { ciphertext: a.envelope, ctx: ctx("a") },
      { ciphertext: b.envelope, ctx: ctx("b", 2) }, // sealed for version 1
      { ciphertext: "v2:garbage", ctx: ctx("x") },
      { ciphertext: c.envelope, ctx: ctx("c") },
    ]);
    expect(out[0]).toBe("value-a");
    expect(out[1]).toBeInstanceOf(DecryptError);
    expect(out[2]).toBeInstanceOf(DecryptError);
    expect(out[3]).toBe("value-c");
    for (const e of [out[1], out[2]] as Error[]) expect(e.message).not.toMatch(/value-/);
    expect(await decryptSecretValues([])).toEqual([]);
  });

  it("a value under a key the keyring does not hold is that value's DecryptError, not a failure of the call", async () => {
    const other = buildKeyring({ SECRETS_KEY_PROVIDER: "local", SECRETS_MASTER_KEY: Buffer.alloc(32, 8).toString("base64") });
    const sealed = await seal(other, "v", { teamId: "t", secretId: "s", version: 1 });
    setProcessKeyring(ring);
    expect((await decryptSecretValues([{ ciphertext: sealed.envelope, ctx: { teamId: "t", secretId: "s", version: 1 } }]))[0]).toBeInstanceOf(DecryptError);
  });
});

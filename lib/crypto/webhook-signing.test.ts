import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { DecryptError, open } from "./envelope";
import { getKeyring } from "./keyring";
import { newWebhookSigningSecret, signWebhookMessage, webhookSigningContext } from "./webhook-signing";

const TEAM = "4b9f3c1e-0d55-4a55-9f0e-6c2a1d0b7a10";
const HOOK = "9d1c7e0a-3b2f-4c8e-8a61-2f5d4e3c2b1a";

describe("webhook signing secrets", () => {
  it("are whsec_ + base64 of 32 random bytes, sealed as v2:<keyId>:… and never in the ciphertext", async () => {
    const a = await newWebhookSigningSecret(TEAM, HOOK, 1);
    const b = await newWebhookSigningSecret(TEAM, HOOK, 1);
    expect(a.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.secret.slice(6), "base64")).toHaveLength(32);
    expect(a.secret).not.toBe(b.secret);
    expect(a.ciphertext.startsWith(`v2:${getKeyring().active.keyId}:`)).toBe(true);
    expect(a.ciphertext).not.toContain(a.secret.slice(6, 20));
    expect(await open(getKeyring(), a.ciphertext, webhookSigningContext(TEAM, HOOK, 1))).toBe(a.secret);
  });

  it("have their own associated data: the envelope opens for that webhook and version only, never as a secret value", async () => {
    const { ciphertext } = await newWebhookSigningSecret(TEAM, HOOK, 2);
    const ring = getKeyring();
    for (const ctx of [
      { teamId: TEAM, secretId: HOOK, version: 2 }, // a secret value's context with the same ids
      webhookSigningContext(TEAM, HOOK, 1),
      webhookSigningContext(TEAM, "0d3c7e0a-3b2f-4c8e-8a61-2f5d4e3c2b1a", 2),
      webhookSigningContext("5b9f3c1e-0d55-4a55-9f0e-6c2a1d0b7a10", HOOK, 2),
    ]) {
      await expect(open(ring, ciphertext, ctx)).rejects.toThrow(DecryptError);
    }
  });

  it("sign exactly what the standardwebhooks library verifies, with one v1 signature per live key", async () => {
    const oldKey = await newWebhookSigningSecret(TEAM, HOOK, 1);
    const newKey = await newWebhookSigningSecret(TEAM, HOOK, 2);
    const body = Buffer.from(JSON.stringify({ event: "secret.rotated", note: 'é "q" 🔑' }), "utf8");
    const ts = new Date();
    const keys = [newKey, oldKey].map((k, i) => ({ teamId: TEAM, webhookId: HOOK, version: 2 - i, ciphertext: k.ciphertext }));
    const signature = await signWebhookMessage(keys, "msg_1", ts, body);
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
    const headers = { "webhook-id": "msg_1", "webhook-timestamp": String(Math.floor(ts.getTime() / 1000)), "webhook-signature": signature };
    for (const k of [oldKey, newKey]) expect(new Webhook(k.secret).verify(body, headers)).toEqual(JSON.parse(body.toString()));
    const third = (await newWebhookSigningSecret(TEAM, HOOK, 3)).secret;
    expect(() => new Webhook(third).verify(body, headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(newKey.secret).verify(Buffer.concat([body, Buffer.from(" ")]), headers)).toThrow(/No matching signature/);
  });

  it("refuse a body that is not valid UTF-8 rather than sign other bytes than those sent", async () => {
    const k = await newWebhookSigningSecret(TEAM, HOOK, 1);
    await expect(signWebhookMessage([{ teamId: TEAM, webhookId: HOOK, version: 1, ciphertext: k.ciphertext }], "m", new Date(), Buffer.from([0xff, 0xfe]))).rejects.toThrow(/UTF-8/);
  });
});

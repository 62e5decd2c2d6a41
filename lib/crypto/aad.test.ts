import { describe, expect, it } from "vitest";
import { aadBytes, envelopeAad, envelopeAadText, keyMaterialContext } from "./aad";

// The generic canonical form, written out here independently: JSON of the entries sorted by key.
const canonical = (c: Record<string, string>) =>
  Buffer.from(`team-secrets/aad/v2\0${JSON.stringify(Object.entries(c).sort(([a], [b]) => (a < b ? -1 : 1)))}`, "utf8");

describe("associated data", () => {
  const ids = ["0b9c1a7e-4a0b-4c47-9a6a-3b9e2f1c0d11", 'a"quote', "back\\slash", "ünï\u2028code", "", "new\nline"];

  it("an envelope layer's precomputed bytes are the canonical bytes of its entries", () => {
    for (const teamId of ids)
      for (const secretId of ids)
        for (const layer of ["key", "value"] as const) {
          const ctx = envelopeAad({ teamId, secretId, version: 7 }, layer);
          const plain = { purpose: "secret-value", layer, team: teamId, secret: secretId, version: "7" };
          expect(aadBytes(ctx).equals(canonical(plain))).toBe(true);
          // A copy without the precomputed bytes (as a provider would spread it) computes the same bytes.
          expect(aadBytes({ ...ctx }).equals(aadBytes(ctx))).toBe(true);
          // The text the bulk worker gets is the same bytes.
          expect(Buffer.from(envelopeAadText({ teamId, secretId, version: 7 }, layer), "utf8").equals(aadBytes(ctx))).toBe(true);
        }
    expect(aadBytes(keyMaterialContext("fingerprint")).equals(canonical({ purpose: "key-material", name: "fingerprint" }))).toBe(true);
  });

  it("the bytes are not an entry: spreading, listing or serializing a context shows its five entries only", () => {
    const ctx = envelopeAad({ teamId: "t", secretId: "s", version: 2 }, "key");
    expect(Object.isFrozen(ctx)).toBe(true);
    expect({ ...ctx }).toEqual({ purpose: "secret-value", layer: "key", team: "t", secret: "s", version: "2" });
    expect(Object.getOwnPropertySymbols({ ...ctx })).toEqual([]);
    expect(JSON.parse(JSON.stringify(ctx))).toEqual({ ...ctx });
  });

  it("contexts that differ in any entry have different bytes", () => {
    const base = { teamId: "t", secretId: "s", version: 1 };
    const all = [
      envelopeAad(base, "key"),
      envelopeAad(base, "value"),
      envelopeAad({ ...base, teamId: "u" }, "key"),
      envelopeAad({ ...base, secretId: "r" }, "key"),
      envelopeAad({ ...base, version: 2 }, "key"),
    ].map((c) => aadBytes(c).toString("hex"));
    expect(new Set(all).size).toBe(all.length);
  });
});

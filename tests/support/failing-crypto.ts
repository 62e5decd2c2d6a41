// lib/crypto with one marked value that cannot be sealed: a test writes FAIL_HERE among good values to prove a
// failure half way through a write leaves nothing behind. Use from a vi.mock factory:
//   vi.mock("@/lib/crypto", async (importOriginal) => (await import("../support/failing-crypto")).failOnMarkedValue(await importOriginal()));
type TCrypto = typeof import("@/lib/crypto");

export const FAILING_VALUE = "FAIL_HERE";

export function failOnMarkedValue(real: TCrypto): TCrypto {
  return {
    ...real,
    encryptSecretValue: (value, ...rest) => {
      if (value === FAILING_VALUE) throw new Error("simulated failure");
      return real.encryptSecretValue(value, ...rest);
    },
    encryptSecretValues: async (items, ...rest) => {
      if (items.some((i) => i.value === FAILING_VALUE)) throw new Error("simulated failure");
      return real.encryptSecretValues(items, ...rest);
    },
  };
}

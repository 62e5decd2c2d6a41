// The error a synchronous call throws, for tests that check more of it than toThrow does (its class, and what its
// message leaves out). The async counterpart is fixtures.errorOf.

/** The error `fn` throws; fails the test when `fn` returns instead. */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the call to throw, but it returned");
}

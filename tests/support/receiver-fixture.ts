// receiverFixture for Vitest files. Apart from tests/support/receiver.ts so that the e2e specs (Playwright)
// that start a receiver do not load Vitest.
import { afterAll, beforeAll } from "vitest";
import { startReceiver, type TReceiver } from "./receiver";

/**
 * A receiver on `host` started in a beforeAll of the calling file and closed in an afterAll: returned at once,
 * empty, and filled in place when the hook runs (as tests/support/cast.ts does with users).
 */
export function receiverFixture(host = "127.0.0.1"): TReceiver {
  const rx = {} as TReceiver;
  beforeAll(async () => {
    Object.assign(rx, await startReceiver(host));
  });
  afterAll(() => rx.close());
  return rx;
}

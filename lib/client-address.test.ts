// Which address is the client's, for every configuration (the function behind token ranges, failed-auth and
// sign-in budgets, and audit IPs). server.mjs's part — replacing PEER_HEADER with the socket's address — is
// simulated by the flag it sets; tests/scale/ drives the real server.mjs with forged headers.
import { afterEach, describe, expect, it } from "vitest";
import { clientAddress, normalizeAddress, PEER_FLAG, PEER_HEADER, type TProxyConfig } from "./client-address";

const NONE: TProxyConfig = { TRUSTED_PROXY_HOPS: 0 };
const h = (peer: string | null, xff?: string) => {
  const headers = new Headers();
  if (peer !== null) headers.set(PEER_HEADER, peer);
  if (xff !== undefined) headers.set("x-forwarded-for", xff);
  return headers;
};
const underServer = (on: boolean) => ((globalThis as Record<symbol, unknown>)[PEER_FLAG] = on);
afterEach(() => underServer(false));

describe("without a proxy configured (the default)", () => {
  it("is the socket's peer, whatever X-Forwarded-For claims", () => {
    underServer(true);
    expect(clientAddress(h("198.51.100.7"), NONE)).toBe("198.51.100.7");
    expect(clientAddress(h("198.51.100.7", "203.0.113.9"), NONE)).toBe("198.51.100.7");
    expect(clientAddress(h("198.51.100.7", "203.0.113.9, 10.0.0.1"), NONE)).toBe("198.51.100.7");
    expect(clientAddress(h("::ffff:198.51.100.7", "203.0.113.9"), NONE)).toBe("198.51.100.7");
    const other = new Headers({ [PEER_HEADER]: "198.51.100.7", "x-real-ip": "203.0.113.9", forwarded: "for=203.0.113.9" });
    expect(clientAddress(other, NONE)).toBe("198.51.100.7");
  });

  it("is unknown (null) when not running under server.mjs: a client-sent peer header is not believed", () => {
    expect(clientAddress(h("203.0.113.9", "203.0.113.9"), NONE)).toBeNull();
  });
});

describe("TRUSTED_PROXY_HOPS", () => {
  it("takes the entry N hops from the right of [X-Forwarded-For..., peer]", () => {
    underServer(true);
    const one: TProxyConfig = { TRUSTED_PROXY_HOPS: 1 };
    expect(clientAddress(h("10.0.0.2", "6.6.6.6, 203.0.113.9"), one)).toBe("203.0.113.9");
    expect(clientAddress(h("10.0.0.2", "203.0.113.9"), one)).toBe("203.0.113.9");
    const two: TProxyConfig = { TRUSTED_PROXY_HOPS: 2 };
    expect(clientAddress(h("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.3"), two)).toBe("203.0.113.9");
    // Fewer entries than hops: the request did not come through every proxy; the leftmost is all there is.
    expect(clientAddress(h("10.0.0.2"), two)).toBe("10.0.0.2");
    // An entry that is not an address is unknown, never a string to match ranges against.
    expect(clientAddress(h("10.0.0.2", "6.6.6.6, not-an-ip"), one)).toBeNull();
    expect(clientAddress(h("10.0.0.2", "[2001:db8::1]:443"), one)).toBe("2001:db8::1");
  });

  it("behind a proxy under plain next start (no peer): the proxy's own entry counts", () => {
    expect(clientAddress(h(null, "6.6.6.6, 203.0.113.9"), { TRUSTED_PROXY_HOPS: 1 })).toBe("203.0.113.9");
  });
});

describe("TRUSTED_PROXIES", () => {
  it("walks from the right past trusted proxies to the first other address", () => {
    underServer(true);
    const cfg: TProxyConfig = { TRUSTED_PROXY_HOPS: 0, TRUSTED_PROXIES: "10.0.0.0/8, 192.168.1.5" };
    expect(clientAddress(h("10.0.0.2", "6.6.6.6, 203.0.113.9, 192.168.1.5"), cfg)).toBe("203.0.113.9");
    // A peer outside the list is the client itself: its X-Forwarded-For is not believed.
    expect(clientAddress(h("198.51.100.7", "203.0.113.9"), cfg)).toBe("198.51.100.7");
  });
});

it("normalizes address forms", () => {
  expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
  expect(normalizeAddress("203.0.113.9:5678")).toBe("203.0.113.9");
  expect(normalizeAddress("evil")).toBeNull();
  expect(normalizeAddress("")).toBeNull();
});

// The sender against real servers on loopback: the connect-time address check, the deadline, the
// response cap, and redirects not followed.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpFailure, sendHttp } from "./http";
import { allowedHostsFromEnv } from "./ssrf";

type Server = { port: number; hits: string[]; close: () => Promise<void> };

async function serve(host: string, handler: http.RequestListener): Promise<Server> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

let ok: Server;
let other: Server;
const allow = allowedHostsFromEnv("127.0.0.1");
const opts = { timeoutMs: 2000, maxResponseBytes: 1000, allowlist: allow };

beforeAll(async () => {
  other = await serve("127.0.0.2", (_req, res) => res.end("second"));
  ok = await serve("127.0.0.1", (req, res) => {
    if (req.url === "/big") return res.end("x".repeat(50_000));
    if (req.url === "/hang") return; // never answers
    if (req.url === "/redirect") {
      res.writeHead(302, { location: `http://127.0.0.2:${other.port}/stolen` });
      return res.end();
    }
    res.end("hello");
  });
});
afterAll(async () => {
  await ok.close();
  await other.close();
});

const get = (url: string) => ({ url, method: "GET", headers: [], body: "" });
async function failure(p: Promise<unknown>): Promise<HttpFailure> {
  try {
    await p;
  } catch (err) {
    return err as HttpFailure;
  }
  throw new Error("expected a failure");
}

describe("sendHttp", () => {
  it("reaches an allowlisted host", async () => {
    const r = await sendHttp(get(`http://127.0.0.1:${ok.port}/`), opts);
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe("hello");
  });

  it("checks the address actually connected to: a public-looking name that resolves to loopback is refused", async () => {
    const before = ok.hits.length;
    const lookup = ((_h: string, o: { all?: boolean }, cb: (...a: unknown[]) => void) =>
      o?.all ? cb(null, [{ address: "127.0.0.1", family: 4 }]) : cb(null, "127.0.0.1", 4)) as never;
    const err = await failure(sendHttp(get(`http://rebind.example.com:${ok.port}/`), { ...opts, lookup }));
    expect(err).toBeInstanceOf(HttpFailure);
    expect(err.kind).toBe("blocked");
    expect(ok.hits.length).toBe(before);
  });

  it("refuses localhost (resolved by the system) when it is not allowlisted", async () => {
    const before = ok.hits.length;
    await expect(sendHttp(get(`http://localhost:${ok.port}/`), opts)).rejects.toThrow();
    expect(ok.hits.length).toBe(before);
  });

  it("does not follow redirects", async () => {
    const r = await sendHttp(get(`http://127.0.0.1:${ok.port}/redirect`), opts);
    expect(r.status).toBe(302);
    expect(other.hits).toEqual([]);
  });

  it("caps the response it reads", async () => {
    const r = await sendHttp(get(`http://127.0.0.1:${ok.port}/big`), opts);
    expect(r.body.length).toBe(1000);
    expect(r.truncated).toBe(true);
  });

  it("gives up at the deadline", async () => {
    const started = Date.now();
    const err = await failure(sendHttp(get(`http://127.0.0.1:${ok.port}/hang`), { ...opts, timeoutMs: 300 }));
    expect(err.kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

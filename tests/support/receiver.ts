// A webhook receiver for tests: a real HTTP server on a loopback address that records every request and
// answers with whatever the test's responder says. Never listens anywhere but the address it is given.
import http from "node:http";
import type { AddressInfo } from "node:net";

/** `raw` is the body's bytes exactly as received (what a signature covers); `body` its UTF-8 text. */
export type TReceived = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string; raw: Buffer };
export type TResponder = (req: TReceived, res: http.ServerResponse) => void;

export type TReceiver = {
  host: string;
  port: number;
  url: (path?: string) => string;
  requests: TReceived[];
  respond: (fn: TResponder) => void;
  close: () => Promise<void>;
};

export async function startReceiver(host = "127.0.0.1"): Promise<TReceiver> {
  const requests: TReceived[] = [];
  let responder: TResponder = (_req, res) => res.end("ok");
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const r = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: raw.toString("utf8"), raw };
      requests.push(r);
      responder(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host,
    port,
    url: (path = "/hook") => `http://${host}:${port}${path}`,
    requests,
    respond: (fn) => {
      responder = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}


// The production server (`npm start`): Next in this process behind node:http, for two things `next start`
// cannot do.
// 1. The client's address. Next gives the app no peer address; here every request's PEER_HEADER is replaced
//    with the socket's address (whatever the client sent under that name is dropped), and a process-wide flag
//    tells lib/client-address.ts that the header can be believed. Forwarded headers count only when
//    TRUSTED_PROXY_HOPS or TRUSTED_PROXIES is configured (see lib/client-address.ts and docs/deploy.md).
// 2. The machine path: GET /api/v1/secrets[/NAME] is answered by the route's own handler without Next's
//    router (lib/server/machine-route.mjs; MACHINE_API_DIRECT=off sends it through Next like any route).
// 3. Graceful shutdown. On SIGTERM/SIGINT: readiness answers 503 at once, the listener stops accepting,
//    in-flight requests finish (up to SHUTDOWN_GRACE_MS, default 25 s), then the app's shutdown hook stops
//    the webhook worker (claimed deliveries finish; a claim whose lease lapses is taken by another instance),
//    writes pending usage and closes the database pool.
//
//   node server.mjs [-p PORT] [-H HOST]     (PORT / HOSTNAME from the environment otherwise, as `next start`)
import { createServer } from "node:http";
import next from "next";
import { MACHINE_API, machineApiRoute, machineRequest, sendMachineResponse } from "./lib/server/machine-route.mjs";

const PEER_HEADER = "x-team-secrets-peer";
globalThis[Symbol.for("team-secrets.peer-header-from-socket")] = true;
const DRAINING = Symbol.for("team-secrets.draining");
const SHUTDOWN = Symbol.for("team-secrets.shutdown");

const argv = process.argv.slice(2);
const arg = (short, long) => {
  const i = argv.findIndex((a) => a === short || a === long);
  return i >= 0 ? argv[i + 1] : undefined;
};
const port = Number(arg("-p", "--port") ?? process.env.PORT ?? 3000);
const hostname = arg("-H", "--hostname") ?? process.env.HOSTNAME ?? "0.0.0.0";
const graceMs = Number(process.env.SHUTDOWN_GRACE_MS ?? 25_000);

const app = next({ dev: false, dir: import.meta.dirname, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  // Node lower-cases header names; a repeated header is joined into one value, so this drops every copy.
  delete req.headers[PEER_HEADER];
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
  for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
    if (req.rawHeaders[i].toLowerCase() === PEER_HEADER) req.rawHeaders.splice(i, 2);
  }
  const direct = globalThis[MACHINE_API];
  const route = direct ? machineApiRoute(req.method, req.url) : null;
  if (route) {
    // The machine path (see lib/server/machine-route.mjs): the route files' own handler, without Next's router.
    direct(machineRequest(req), route.name)
      .then((answer) => sendMachineResponse(res, answer))
      .catch((err) => {
        console.error(`[server] machine API: ${err?.code ?? err?.name ?? "error"}`);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json", "cache-control": "no-store" });
        res.end('{"error":"unexpected"}');
      });
    return;
  }
  void handle(req, res);
});
server.keepAliveTimeout = 65_000; // longer than a load balancer's idle timeout, so it closes first
server.listen(port, hostname, () => console.info(`[server] listening on http://${hostname}:${port}`));

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  globalThis[DRAINING] = true;
  console.info(`[server] ${signal}: draining`);
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), graceMs);
  force.unref();
  await closed;
  clearTimeout(force);
  try {
    await globalThis[SHUTDOWN]?.();
  } catch (err) {
    console.error(`[server] shutdown hook failed: ${err?.code ?? err?.name ?? "error"}`);
  }
  console.info("[server] stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

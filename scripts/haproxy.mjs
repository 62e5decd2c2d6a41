// Starts Debian's HAProxy on loopback in front of app instances, for the scale tests: round robin, health
// checks on /api/ready, `option forwardfor` (appends the client address to X-Forwarded-For, so instances run
// with TRUSTED_PROXY_HOPS=1) and an X-Served-By response header naming the instance. Foreground (-db), own
// process group; stop() ends it. Not used in production (docs/deploy.md has a production-shaped config).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { processGroup, waitForPort } from "./child-process.mjs";

export const HAPROXY_BIN = ["/usr/sbin/haproxy", "/usr/bin/haproxy"].find((p) => existsSync(p)) ?? null;

/** @param {{ port: number, backends: { name: string, port: number }[], dir: string }} opts */
export async function startHaproxy({ port, backends, dir }) {
  if (!HAPROXY_BIN) throw new Error("haproxy is not installed (apt-get install -y haproxy)");
  mkdirSync(dir, { recursive: true });
  const cfg = path.join(dir, "haproxy.cfg");
  writeFileSync(
    cfg,
    [
      "global",
      "  maxconn 2000",
      "defaults",
      "  mode http",
      "  timeout connect 2s",
      "  timeout client 30s",
      "  timeout server 30s",
      "  option forwardfor",
      "  option http-server-close",
      "frontend app",
      `  bind 127.0.0.1:${port}`,
      "  default_backend instances",
      "backend instances",
      "  balance roundrobin",
      "  option httpchk GET /api/ready",
      "  default-server inter 500ms fall 2 rise 1",
      "  http-response set-header X-Served-By %[srv_name]",
      ...backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`),
      "",
    ].join("\n"),
  );
  const child = spawn(HAPROXY_BIN, ["-db", "-f", cfg], { detached: true, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const group = processGroup(child);
  await waitForPort(port, 10_000).catch((e) => {
    throw new Error(`haproxy did not start: ${err.slice(-500)}`, { cause: e });
  });
  const stop = () => group.stop("SIGTERM", 3000);
  return { url: `http://127.0.0.1:${port}`, stop, log: () => err };
}

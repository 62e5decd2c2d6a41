// Child processes of the test and benchmark harness (HAProxy, PgBouncer, app instances): each runs in its own
// process group (spawned `detached`), so stopping it ends whatever it started too.
import net from "node:net";

/** Resolves once something accepts connections on 127.0.0.1:port; rejects after `ms`. */
export function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve();
      });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/**
 * Tracks a detached child: `exited()`, and `stop(signal, graceMs)`, which sends `signal` to its process group
 * and SIGKILL if it has not exited after `graceMs`.
 * @param {import("node:child_process").ChildProcess} child
 */
export function processGroup(child) {
  let exited = false;
  child.on("exit", () => (exited = true));
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
      return true;
    } catch {
      return false;
    }
  };
  return {
    exited: () => exited,
    /** @param {NodeJS.Signals} signal @param {number} graceMs */
    async stop(signal, graceMs) {
      if (exited || child.pid === undefined) return;
      if (!kill(signal)) return;
      const deadline = Date.now() + graceMs;
      while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (!exited) kill("SIGKILL");
    },
  };
}

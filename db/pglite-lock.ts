import "server-only";
// One owner per embedded database. PGlite has no cross-process lock: two processes on one data directory
// (a `npm run db:seed` beside `npm run dev`) each see their own copy and can corrupt the files. The owner
// holds `<dir>.lock` (created exclusively, beside the directory, so PGlite's own files are untouched), which
// names its pid, host and start time; a second process is refused with a message naming the owner. A lock
// whose process is gone (killed with SIGKILL, a crash) is stale and taken over.
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";

type TLockInfo = { pid: number; host: string; startTime: string | null; command: string; since: string };

export class PgliteLockedError extends Error {
  readonly code = "pglite_locked";
  constructor(dir: string, owner: TLockInfo) {
    super(
      `The embedded database in ${dir} is in use by process ${owner.pid} (${owner.command}, since ${owner.since}). ` +
        "PGlite allows one process per data directory: stop that process first (e.g. the `npm run dev` server), " +
        "then run this command again — or point PGLITE_DATA_DIR at another directory.",
    );
    this.name = "PgliteLockedError";
  }
}

/** Linux: the process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat); tells a reused pid apart. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: TLockInfo): boolean {
  if (owner.host !== hostname()) return true; // another machine's process: cannot check, so not stale
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const now = processStartTime(owner.pid);
  // Same pid but a different start time: the owner died and the pid was reused.
  return !(owner.startTime && now && owner.startTime !== now);
}

function readLock(file: string): TLockInfo | null {
  try {
    const info = JSON.parse(readFileSync(file, "utf8")) as TLockInfo;
    return typeof info.pid === "number" ? info : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    // Unreadable or half-written: treat as held by nobody we can name (stale), rather than block forever.
    return { pid: -1, host: hostname(), startTime: null, command: "unknown", since: "unknown" };
  }
}

const held = new Map<string, () => void>();

/**
 * Takes the lock of the PGlite directory `dir` for this process, or throws PgliteLockedError naming the
 * owner. Re-entrant within one process. Returns the release function (also run at process exit).
 */
export function acquirePgliteLock(dir: string): () => void {
  const existing = held.get(dir);
  if (existing) return existing;
  const file = `${dir.replace(/\/+$/, "")}.lock`;
  const mine: TLockInfo = {
    pid: process.pid,
    host: hostname(),
    startTime: processStartTime(process.pid),
    command: process.argv.slice(1, 3).map((a) => a.split("/").slice(-2).join("/")).join(" ") || "node",
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      try {
        writeSync(fd, JSON.stringify(mine));
      } finally {
        closeSync(fd);
      }
      const release = () => {
        held.delete(dir);
        process.off("exit", release);
        try {
          if (readLock(file)?.pid === process.pid) unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.on("exit", release);
      held.set(dir, release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const owner = readLock(file);
    if (!owner) continue; // released meanwhile
    if (owner.pid === process.pid && owner.host === mine.host) {
      // Our own lock from a handle that failed to open (getDb retries): take it back.
      unlinkSync(file);
      continue;
    }
    if (isAlive(owner)) throw new PgliteLockedError(dir, owner);
    // Stale: move it aside atomically (only one process wins the rename), then try to create ours again.
    try {
      renameSync(file, `${file}.stale-${process.pid}`);
      unlinkSync(`${file}.stale-${process.pid}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  const owner = readLock(file);
  throw new PgliteLockedError(dir, owner ?? { pid: -1, host: hostname(), startTime: null, command: "unknown", since: "unknown" });
}

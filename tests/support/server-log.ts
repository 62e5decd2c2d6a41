// Captures what the server would log while a test runs: lib/log.ts's JSON lines (stdout) and anything
// still written with console.error / console.warn (libraries). Nothing reaches the terminal meanwhile.
import { inspect } from "node:util";
import { vi } from "vitest";

export type TServerLog = { text: () => string; lines: () => Record<string, unknown>[]; restore: () => void };

export function captureServerLog(): TServerLog {
  const chunks: string[] = [];
  const fmt = (a: unknown[]) => a.map((x) => (typeof x === "string" ? x : inspect(x, { depth: 20 }))).join(" ") + "\n";
  const write = vi.spyOn(process.stdout, "write").mockImplementation((c: unknown) => (chunks.push(String(c)), true));
  const error = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void chunks.push(fmt(a)));
  const warn = vi.spyOn(console, "warn").mockImplementation((...a: unknown[]) => void chunks.push(fmt(a)));
  return {
    text: () => chunks.join(""),
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    restore: () => {
      write.mockRestore();
      error.mockRestore();
      warn.mockRestore();
    },
  };
}

import type { ChildProcess } from "node:child_process";
export function waitForPort(port: number, ms: number): Promise<void>;
export function processGroup(child: ChildProcess): { exited: () => boolean; stop: (signal: NodeJS.Signals, graceMs: number) => Promise<void> };

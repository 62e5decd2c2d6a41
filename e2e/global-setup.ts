// Starts each run with an empty leak record (the web server, started before this, has already truncated
// its own log).
import { mkdirSync, rmSync } from "node:fs";
import { AUTH_DIR, LEAK_DIR } from "./support/env";

export default function globalSetup(): void {
  rmSync(LEAK_DIR, { recursive: true, force: true });
  mkdirSync(LEAK_DIR, { recursive: true });
  rmSync(AUTH_DIR, { recursive: true, force: true });
  mkdirSync(AUTH_DIR, { recursive: true });
}

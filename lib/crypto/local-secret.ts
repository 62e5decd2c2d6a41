import "server-only";
// Development-only key material kept in a file under the data directory (mode 0600), created once.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

export function readOrCreateLocalSecret(fileName: string, bytes: number): { value: string; created: boolean } {
  const dir = path.resolve(/* turbopackIgnore: true */ process.cwd(), env().DATA_DIR);
  const file = path.join(dir, fileName);
  if (existsSync(file)) return { value: readFileSync(file, "utf8").trim(), created: false };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const value = randomBytes(bytes).toString("base64");
  try {
    // "wx": never overwrite a key another process wrote a moment ago.
    writeFileSync(file, value + "\n", { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
    return { value, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") {
      return { value: readFileSync(file, "utf8").trim(), created: false };
    }
    throw err;
  }
}

// The run-wide leak check: every value any worker typed into the app against every response any worker
// recorded and the whole server log. Per-test checks cannot see values from another worker; this can.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { LEAK_DIR, serverLogPath } from "./support/env";
import { describeFindings, findLeaks, type TLeakSource, type TLeakValue } from "./support/leak-matcher";

function readNdjson<T>(prefix: string): T[] {
  if (!existsSync(LEAK_DIR)) return [];
  return readdirSync(LEAK_DIR)
    .filter((f) => f.startsWith(prefix) && f.endsWith(".ndjson"))
    .flatMap((f) =>
      readFileSync(path.join(LEAK_DIR, f), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as T),
    );
}

export default function globalTeardown(): void {
  const values = readNdjson<TLeakValue>("values-");
  const records = readNdjson<{ where: string; kind: string; body: string }>("responses-");
  const sources: TLeakSource[] = records.map((r) => ({ where: r.where, body: Buffer.from(r.body, "base64"), kind: r.kind }));
  const log = serverLogPath();
  if (existsSync(log)) sources.push({ where: `server log ${path.basename(log)}`, body: readFileSync(log) });
  else throw new Error(`Leak check: the server log ${log} is missing, so it could not be checked.`);

  const kinds = new Map<string, number>();
  for (const r of records) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
  const summary = [...kinds].map(([k, n]) => `${k} ${n}`).join(", ");
  console.log(`[leak check] ${values.length} values against ${records.length} responses (${summary}) and the server log`);
  // A check over nothing proves nothing.
  if (values.length === 0 || records.length === 0) throw new Error("Leak check: nothing was recorded; the recorder is broken.");

  // Run-wide, every shown-once value must have been shown in exactly one response of the whole run.
  const findings = findLeaks(values, sources, () => true);
  if (findings.length > 0) {
    throw new Error(`Leak check (whole run): values typed into the app were found in responses or the server log:\n${describeFindings(findings)}`);
  }
}

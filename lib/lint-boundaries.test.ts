// The layer boundaries of eslint.config.mjs fire: each rule is shown a fixture that breaks it (and one that
// keeps it), linted as if it stood at a real path, so a rule that stopped matching (a renamed folder, a glob
// that misses a file) fails here instead of passing silently in `npm run lint`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
let eslint: ESLint;

/** The boundary messages ESLint reports for `code` placed at `file`. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === "@typescript-eslint/no-restricted-imports").map((m) => m.message);
}

beforeAll(async () => {
  eslint = new ESLint({ cwd: root });
  // The first lint loads the whole config and its plugins (seconds on a loaded machine): not inside a test's timeout.
  await eslint.lintText("export {};\n", { filePath: path.join(root, "lib/fixture.ts") });
}, 60_000);

describe("client code (components, client modules) imports nothing of the server", () => {
  const refused: [string, string][] = [
    ['import { listSecrets } from "@/lib/dal/secrets";\nexport const x = listSecrets;\n', "the DAL"],
    ['import type { TSecretDTO } from "@/lib/dal/secrets";\nexport type X = TSecretDTO;\n', "a DAL type"],
    ['import { listSecrets } from "../../lib/dal/secrets";\nexport const x = listSecrets;\n', "the DAL by a relative path"],
    ['import { encryptSecretValue } from "@/lib/crypto";\nexport const x = encryptSecretValue;\n', "lib/crypto"],
    ['import { getDb } from "@/db/client";\nexport const x = getDb;\n', "db/"],
    ['import type { TRole } from "@/db/schema";\nexport type X = TRole;\n', "a db/ type"],
    ['import { startWebhookWorker } from "@/lib/jobs/webhook-worker";\nexport const x = startWebhookWorker;\n', "lib/jobs"],
    ['import { requireTeamPermission } from "@/lib/authz";\nexport const x = requireTeamPermission;\n', "lib/authz's database half"],
  ];
  it.each(refused)("%#: refuses %s (%s)", async (code) => {
    expect(await boundaryErrors("components/secrets/fixture.tsx", code)).toHaveLength(1);
    expect(await boundaryErrors("app/providers.tsx", code)).toHaveLength(1);
  });

  it("allows the type-only DTO modules and the pure policy", async () => {
    const code = 'import type { TSecretDTO } from "@/lib/types/secrets";\nimport { ROLE_LABELS, type TRole } from "@/lib/authz/policy";\nexport const x: [TSecretDTO | null, TRole, typeof ROLE_LABELS] = [null, "owner", ROLE_LABELS];\n';
    expect(await boundaryErrors("components/secrets/fixture.tsx", code)).toEqual([]);
  });

  it("covers every file that says \"use client\" (a client file outside the rule's globs would not be checked)", async () => {
    const clientFiles: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(path.join(root, dir))) {
        const rel = path.join(dir, name);
        if (statSync(path.join(root, rel)).isDirectory()) walk(rel);
        else if (/\.tsx?$/.test(name) && /^\s*["']use client["']/.test(readFileSync(path.join(root, rel), "utf8"))) clientFiles.push(rel);
      }
    };
    for (const dir of ["app", "components", "lib"]) walk(dir);
    expect(clientFiles.length).toBeGreaterThan(10);
    for (const file of clientFiles) {
      expect(await boundaryErrors(file, 'import { getDb } from "@/db/client";\nexport const x = getDb;\n'), file).toHaveLength(1);
    }
  });
});

/** A module that imports `name` from `from` and uses it (`* as name` for a namespace, `default` for a default import). */
function importing(name: string, from: string): string {
  const binding = name === "default" ? "c" : name.startsWith("* as ") ? name : `{ ${name} }`;
  return `import ${binding} from "${from}";\nexport const x = ${name === "default" ? "c" : name.replace("* as ", "")};\n`;
}

describe("the DAL does not reach up a layer", () => {
  it.each([
    ["GET", "@/app/api/teams/[team]/secrets/route"],
    ["Button", "@/components/ui/button"],
    ["startDeliveryWorker", "@/lib/jobs/webhook-worker"],
    ["runTeamAction", "@/lib/team-action"],
    ["toActionResult", "@/lib/server-action"],
    ["failureResponse", "@/lib/route-handler"],
    ["teamReadRoute", "@/lib/team-route"],
  ])("refuses %s from %s", async (name, from) => {
    expect(await boundaryErrors("lib/dal/fixture.ts", importing(name, from))).toHaveLength(1);
  });

  it("allows what sits below it", async () => {
    const code = 'import { getDb } from "@/db/client";\nimport { AppError } from "@/lib/errors";\nimport type { TActor } from "@/lib/types/actor";\nexport const x: [unknown, unknown, TActor | null] = [getDb, AppError, null];\n';
    expect(await boundaryErrors("lib/dal/fixture.ts", code)).toEqual([]);
  });
});

describe("only lib/crypto uses node:crypto's key-material functions", () => {
  it.each([
    ["createCipheriv", "node:crypto"],
    ["createHmac", "crypto"],
    ["* as c", "node:crypto"],
    ["default", "node:crypto"],
  ])("refuses %s from %s outside lib/crypto", async (name, from) => {
    const code = importing(name, from);
    for (const file of ["lib/dal/fixture.ts", "lib/jobs/fixture.ts", "app/api/fixture/route.ts"]) {
      expect(await boundaryErrors(file, code), file).toHaveLength(1);
    }
    expect(await boundaryErrors("lib/crypto/fixture.ts", code)).toEqual([]);
  });

  it("leaves hashes and random bytes to everyone", async () => {
    expect(await boundaryErrors("lib/dal/fixture.ts", importing("createHash", "node:crypto"))).toEqual([]);
    expect(await boundaryErrors("lib/dal/fixture.ts", importing("randomBytes", "node:crypto"))).toEqual([]);
  });
});

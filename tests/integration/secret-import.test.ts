// Bulk import against a real database: preview states without values, one transaction for the import
// (a failure half way leaves nothing), skip or rotate by choice, audit events, authorization.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Encryption fails for one marked value, to prove a failure half way through rolls everything back.
vi.mock("@/lib/crypto", async (importOriginal) => (await import("../support/failing-crypto")).failOnMarkedValue(await importOriginal()));

import { closeDb, getDb } from "@/db/client";
import { setProcessKeyring } from "@/lib/crypto";
import { BULK_MIN, BulkCryptoError } from "@/lib/crypto/bulk";
import { getKeyring } from "@/lib/crypto/keyring";
import { LocalKeyProvider } from "@/lib/crypto/providers/local";
import { auditEvents, secrets } from "@/db/schema";
import { importSecrets, previewImport } from "@/lib/dal/secret-import";
import { FIRST_CHUNK, INSERT_CHUNK, insertChunks } from "@/lib/dal/secrets";
import { resolveSecretValues } from "@/lib/dal/secret-values";
import { createSecret } from "@/lib/dal/secrets";
import { outsiderCast, roleTeamCast } from "../support/cast";
import { errorOf, makeTeam, runId, snapshot } from "../support/fixtures";

const { owner, editor, team } = roleTeamCast("imp");
const { outsider } = outsiderCast("imp");
let existingValue: string;
const EXISTING = `EXISTING_${runId().toUpperCase()}`;

beforeAll(async () => {
  existingValue = `old-${runId()}`;
  await createSecret({ actor: owner.actor, teamSlug: team.slug, name: EXISTING, value: existingValue, visibility: "masked" });
});

afterAll(async () => {
  await closeDb();
});

const envFile = (extra = "") =>
  [
    "# exported from somewhere",
    `export NEW_ONE_${tag}="multi`,
    `line value"`,
    `NEW_TWO_${tag}=a=b=c`,
    `${EXISTING.toLowerCase()}=new-value-${tag}`,
    `1BAD_${tag}=whatever-${tag}`,
    extra,
  ].join("\n");
const tag = runId();

describe("bulk import", () => {
  it("previews names and states, never values", async () => {
    const p = await previewImport(owner.actor, team.slug, envFile(), ".env");
    expect(p.entries).toEqual([
      { name: `NEW_ONE_${tag}`, line: 2, state: "new", reason: null, visibility: null },
      { name: `NEW_TWO_${tag}`, line: 4, state: "new", reason: null, visibility: null },
      { name: EXISTING, line: 5, state: "exists", reason: null, visibility: "masked" },
      { name: `1BAD_${tag}`, line: 6, state: "invalid", reason: "Invalid name: A name cannot start with a digit.", visibility: null },
    ]);
    expect(JSON.stringify(p)).not.toContain(`value-${tag}`);
    expect(JSON.stringify(p)).not.toContain("multi");
  });

  it("an unquoted multi-line PEM: no line of it becomes a secret, and the preview shows none of its text", async () => {
    const body = ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7", "Proc-Type: 4,ENCRYPTED", "dGhpcyBpcyBhIHRlc3Q=", `c2Vjb25k${tag}==`];
    const text = [`PEM_${tag}=-----BEGIN PRIVATE KEY-----`, ...body, "-----END PRIVATE KEY-----", `OK_${tag}=fine-${tag}`].join("\n");
    const own = await makeTeam(owner); // its own team: other tests count this one's secrets
    const p = await previewImport(owner.actor, own.slug, text, ".env");
    expect(p.entries.map((e) => [e.name, e.line, e.state])).toEqual([
      [`PEM_${tag}`, 1, "invalid"],
      ["", 2, "invalid"],
      [`OK_${tag}`, 7, "new"],
    ]);
    const shown = JSON.stringify(p);
    for (const t of ["MIIEv", "Proc-Type", "ENCRYPTED", "dGhpcy", "c2Vjb25k", "END PRIVATE", `fine-${tag}`]) expect(shown).not.toContain(t);

    const r = await importSecrets({ actor: owner.actor, teamSlug: own.slug, text, fileName: ".env", visibility: "restricted", rotate: [] });
    expect(r).toEqual({ created: 1, rotated: 0, skipped: 0, invalid: 2 });
    const db = await getDb();
    const names = (await db.select({ name: secrets.name }).from(secrets).where(eq(secrets.teamId, own.id))).map((x) => x.name);
    expect(names).toEqual([`OK_${tag}`]);
  });

  it("only Owners and Admins can preview or import", async () => {
    expect((await errorOf(previewImport(editor.actor, team.slug, envFile(), null))).code).toBe("forbidden");
    expect((await errorOf(previewImport(outsider.actor, team.slug, envFile(), null))).code).toBe("not_found");
    const before = await snapshot([team.id]);
    const err = await errorOf(importSecrets({ actor: editor.actor, teamSlug: team.slug, text: envFile(), fileName: null, visibility: "masked", rotate: [] }));
    expect(err.code).toBe("forbidden");
    expect(await snapshot([team.id])).toEqual(before);
  });

  it("all or nothing: a failure half way writes nothing", async () => {
    const before = await snapshot([team.id]);
    const text = envFile(`ZZ_LAST_${tag}=FAIL_HERE`);
    await expect(importSecrets({ actor: owner.actor, teamSlug: team.slug, text, fileName: null, visibility: "masked", rotate: [EXISTING] })).rejects.toThrow(
      "simulated failure",
    );
    expect(await snapshot([team.id])).toEqual(before);
  });

  it("all or nothing past the first chunk: a value that fails while the chunk before it is being written writes nothing", async () => {
    // The import seals chunk n+1 while the database writes chunk n (lib/dal/secrets.ts): a failure in that
    // overlap must still roll back everything, chunk n included, and leave no stray rejection behind.
    const before = await snapshot([team.id]);
    const lines = Array.from({ length: INSERT_CHUNK + 100 }, (_, i) => `BULK_${i}_${tag}=${i === INSERT_CHUNK + 50 ? "FAIL_HERE" : `v${i}`}`);
    expect(INSERT_CHUNK + 50).toBeGreaterThanOrEqual(insertChunks(lines.length)[1]![0]); // past the first chunk
    await expect(
      importSecrets({ actor: owner.actor, teamSlug: team.slug, text: lines.join("\n"), fileName: null, visibility: "masked", rotate: [] }),
    ).rejects.toThrow("simulated failure");
    expect(await snapshot([team.id])).toEqual(before);
  });

  it("all or nothing on the bulk crypto worker: a sealing error there aborts the import and writes nothing", async () => {
    // After the small first chunk, a big import seals on lib/crypto's worker thread. Here the worker gets a key
    // AES-256 refuses (16 bytes) while this thread keeps the real one: the first chunk seals and is written,
    // the worker fails the second, and the transaction takes the first chunk back with it.
    class WorkerGetsABadKey extends LocalKeyProvider {
      override copyKeyForBulkWorker() {
        return new Uint8Array(16);
      }
    }
    const real = getKeyring();
    const active = new WorkerGetsABadKey(Buffer.from(process.env.SECRETS_MASTER_KEY!, "base64"), "SECRETS_MASTER_KEY");
    expect(active.keyId).toBe(real.active.keyId);
    setProcessKeyring({ active, byId: new Map([...real.byId, [active.keyId, active]]), close: () => {} });
    try {
      const before = await snapshot([team.id]);
      const lines = Array.from({ length: FIRST_CHUNK + BULK_MIN + 50 }, (_, i) => `WORKER_${i}_${tag}=w${i}`);
      const progress: number[] = [];
      const err = await errorOf(
        importSecrets({ actor: owner.actor, teamSlug: team.slug, text: lines.join("\n"), fileName: null, visibility: "masked", rotate: [], onProgress: (n) => void progress.push(n) }),
      );
      expect(err).toBeInstanceOf(BulkCryptoError);
      expect(progress).toContain(FIRST_CHUNK); // the first chunk was written before the worker failed
      expect(await snapshot([team.id])).toEqual(before);
    } finally {
      setProcessKeyring(real);
    }
  });

  it("skips existing secrets unless chosen for rotation", async () => {
    const r = await importSecrets({ actor: owner.actor, teamSlug: team.slug, text: envFile(), fileName: ".env", visibility: "restricted", rotate: [] });
    expect(r).toEqual({ created: 2, rotated: 0, skipped: 1, invalid: 1 });
    const values = await resolveSecretValues(team.id, [`NEW_ONE_${tag}`, `NEW_TWO_${tag}`, EXISTING]);
    expect(values.get(`NEW_ONE_${tag}`)?.value).toBe("multi\nline value");
    expect(values.get(`NEW_TWO_${tag}`)?.value).toBe("a=b=c");
    expect(values.get(EXISTING)?.value).toBe(existingValue);
    const db = await getDb();
    const [row] = await db.select({ visibility: secrets.visibility }).from(secrets).where(and(eq(secrets.teamId, team.id), eq(secrets.name, `NEW_ONE_${tag}`)));
    expect(row?.visibility).toBe("restricted");
    const again = await previewImport(owner.actor, team.slug, envFile(), null);
    expect(again.entries.map((e) => e.state)).toEqual(["exists", "exists", "exists", "invalid"]);
  });

  it("rotates an existing secret when chosen, with audit events", async () => {
    const r = await importSecrets({ actor: owner.actor, teamSlug: team.slug, text: envFile(), fileName: null, visibility: "masked", rotate: [EXISTING] });
    expect(r).toEqual({ created: 0, rotated: 1, skipped: 2, invalid: 1 });
    const v = (await resolveSecretValues(team.id, [EXISTING])).get(EXISTING);
    expect(v).toMatchObject({ version: 2, value: `new-value-${tag}` });
    const db = await getDb();
    const events = await db
      .select({ action: auditEvents.action, name: auditEvents.targetName, metadata: auditEvents.metadata })
      .from(auditEvents)
      .where(eq(auditEvents.teamId, team.id));
    const imported = events.filter((e) => (e.metadata as { via?: string } | null)?.via === "import");
    expect(imported.map((e) => `${e.action} ${e.name}`).sort()).toEqual(
      [`secret.created NEW_ONE_${tag}`, `secret.created NEW_TWO_${tag}`, `secret.rotated ${EXISTING}`].sort(),
    );
    expect(JSON.stringify(events)).not.toContain(`new-value-${tag}`);
  });

  it("refuses a file with nothing valid, bad JSON, and empty input", async () => {
    for (const [text, msg] of [
      [`1X=1\n`, /every entry is invalid/],
      ["{oops", /not valid JSON/],
      ["  \n", /empty/],
    ] as const) {
      const err = await errorOf(importSecrets({ actor: owner.actor, teamSlug: team.slug, text, fileName: null, visibility: "masked", rotate: [] }));
      expect(err.code).toBe("validation");
      expect(err.message).toMatch(msg);
    }
  });
});

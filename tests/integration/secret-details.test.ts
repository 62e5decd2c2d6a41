// Issue 12, descriptions: the optional Description of a secret on New secret and Edit details (server actions
// called as a browser would, against the real DAL and database), its rules (500 characters, refused and never
// cut), who may change it, its audit event, the table filter by description, and its export in the team list
// route and the machine API. Only what needs a Next request is replaced: who is signed in, request headers and
// revalidatePath.
import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { auditEvents, secrets } from "@/db/schema";
import { createAccessToken } from "@/lib/dal/access-tokens";
import { updateSecretDetails } from "@/lib/dal/secret-details";
import { createSecret, listSecrets } from "@/lib/dal/secrets";
import { ZCreateTokenInput } from "@/lib/validation/tokens";
import { ZListSecretsQuery } from "@/lib/validation/secrets";
import { errorOf, form, runId, snapshot, type TTestUser } from "../support/fixtures";
import { outsiderCast, roleTeamCast } from "../support/cast";
import { PEER_HEADER } from "../support/peer";
import { signedIn } from "../support/signed-in";

vi.mock("@/lib/session", async (importOriginal) => (await import("../support/signed-in")).sessionOf(await importOriginal()));
vi.mock("next/headers", async () => (await import("../support/signed-in")).headersOf({ "user-agent": "vitest-details", "x-team-secrets-peer": "198.51.100.12" }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const { revalidatePath } = await import("next/cache");
const { createSecretAction, updateSecretDetailsAction } = await import("@/app/teams/[team]/settings/secrets/actions");
const { GET: listRoute } = await import("@/app/api/teams/[team]/secrets/route");
const { GET: machineList } = await import("@/app/api/v1/secrets/route");
const { GET: machineOne } = await import("@/app/api/v1/secrets/[name]/route");

const { owner, admin, editor, team } = roleTeamCast("det");
const { outsider, otherTeam } = outsiderCast("det");

afterAll(async () => {
  await closeDb();
});

beforeEach(() => {
  signedIn.user = null;
  vi.mocked(revalidatePath).mockClear();
});

const as = (u: TTestUser | null) => {
  signedIn.user = u ? { id: u.id, name: u.name, email: u.email } : null;
};
const secretValue = () => `sk_details_${runId()}${runId()}`;
const q = (input: Record<string, unknown> = {}) => ZListSecretsQuery.parse(input);

async function seed(description: string | null = null, t = team, by = owner) {
  const name = `DET_${runId().toUpperCase()}`;
  const s = await createSecret({ actor: by.actor, teamSlug: t.slug, name, value: secretValue(), visibility: "masked", description });
  return s;
}

async function stored(id: string) {
  const db = await getDb();
  const [row] = await db.select({ description: secrets.description }).from(secrets).where(eq(secrets.id, id));
  return row?.description;
}

async function detailEvents(id: string) {
  const db = await getDb();
  return db
    .select({ action: auditEvents.action, metadata: auditEvents.metadata, actorId: auditEvents.actorId })
    .from(auditEvents)
    .where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, "secret.details_updated")));
}

describe("New secret with a description", () => {
  it("stores the trimmed text and lists it; a blank description is none", async () => {
    as(owner);
    const name = `NEW_${runId().toUpperCase()}`;
    const r = await createSecretAction(team.slug, form({ name, value: secretValue(), visibility: "masked", description: "  Stripe key of the billing job\nrotate with finance  " }));
    expect(r).toEqual({ ok: true, data: { name, version: 1 } });
    const list = await listSecrets(owner.actor, team.slug, q({ q: name }));
    expect(list.items[0]?.description).toBe("Stripe key of the billing job\nrotate with finance");

    const blank = `BLANK_${runId().toUpperCase()}`;
    expect((await createSecretAction(team.slug, form({ name: blank, value: secretValue(), visibility: "masked", description: "   " }))).ok).toBe(true);
    expect((await listSecrets(owner.actor, team.slug, q({ q: blank }))).items[0]?.description).toBeNull();
    const none = `NONE_${runId().toUpperCase()}`;
    expect((await createSecretAction(team.slug, form({ name: none, value: secretValue(), visibility: "masked" }))).ok).toBe(true);
    expect((await listSecrets(owner.actor, team.slug, q({ q: none }))).items[0]?.description).toBeNull();
  });

  it("accepts exactly 500 characters (counted as code points) and refuses 501 with a message, creating nothing", async () => {
    as(owner);
    const ok = `MAX_${runId().toUpperCase()}`;
    // 500 emoji: 1,000 UTF-16 units, 500 characters as Postgres counts them.
    const r = await createSecretAction(team.slug, form({ name: ok, value: secretValue(), visibility: "masked", description: "🔑".repeat(500) }));
    expect(r.ok).toBe(true);

    const before = await snapshot([team.id]);
    const value = secretValue();
    const refused = await createSecretAction(team.slug, form({ name: `OVER_${runId().toUpperCase()}`, value, visibility: "masked", description: "d".repeat(501) }));
    expect(refused).toMatchObject({ ok: false, code: "validation" });
    if (refused.ok) throw new Error("unreachable");
    expect(refused.fieldErrors?.description).toEqual(["Descriptions are at most 500 characters (this one has 501)."]);
    expect(JSON.stringify(refused)).not.toContain(value);
    expect(await snapshot([team.id])).toEqual(before);
  });

  it("refuses control characters", async () => {
    as(owner);
    const refused = await createSecretAction(team.slug, form({ name: `CTL_${runId().toUpperCase()}`, value: secretValue(), visibility: "masked", description: "a\u0000b" }));
    expect(refused).toMatchObject({ ok: false, code: "validation", fieldErrors: { description: ["Descriptions cannot contain control characters."] } });
  });

  it("the database refuses an over-long description even past the application (CHECK constraint)", async () => {
    const s = await seed();
    const db = await getDb();
    const err = await errorOf(db.update(secrets).set({ description: "x".repeat(501) }).where(eq(secrets.id, s.id)));
    expect(String((err as { cause?: { message?: string } }).cause?.message ?? err.message)).toMatch(/secrets_description_length|check/i);
    expect(await stored(s.id)).toBeNull();
  });
});

describe("Edit details (updateSecretDetailsAction)", () => {
  it("Owners and Admins change the description; one audit event names the field, never its text", async () => {
    const s = await seed("first text");
    for (const [user, text] of [
      [owner, "owner's text"],
      [admin, "admin's words"],
    ] as const) {
      as(user);
      const r = await updateSecretDetailsAction(team.slug, { secretId: s.id, description: text });
      expect(r).toEqual({ ok: true, data: { name: s.name, changed: ["description"] } });
      expect(await stored(s.id)).toBe(text);
    }
    expect(revalidatePath).toHaveBeenCalledWith(`/teams/${team.slug}/settings/secrets`);
    const events = await detailEvents(s.id);
    expect(events).toHaveLength(2);
    expect(events.map((e) => e.actorId).sort()).toEqual([owner.id, admin.id].sort());
    for (const e of events) {
      expect(e.metadata).toEqual({ changed: ["description"] });
      expect(JSON.stringify(e)).not.toMatch(/owner's text|admin's words|first text/);
    }
  });

  it("clearing the description stores none; saving the same text changes and records nothing", async () => {
    const s = await seed("to be cleared");
    as(admin);
    expect(await updateSecretDetailsAction(team.slug, { secretId: s.id, description: "  " })).toMatchObject({ ok: true, data: { changed: ["description"] } });
    expect(await stored(s.id)).toBeNull();
    const before = await snapshot([team.id]);
    expect(await updateSecretDetailsAction(team.slug, { secretId: s.id, description: "" })).toEqual({ ok: true, data: { name: s.name, changed: [] } });
    expect(await snapshot([team.id])).toEqual(before);
    expect(await detailEvents(s.id)).toHaveLength(1);
  });

  it("Editors are refused (they see descriptions, they do not edit them); outsiders and signed-out callers too; nothing changes", async () => {
    const s = await seed("kept as is");
    for (const [user, code] of [
      [editor, "forbidden"],
      [outsider, "not_found"],
      [null, "unauthenticated"],
    ] as const) {
      as(user);
      const before = await snapshot([team.id]);
      const r = await updateSecretDetailsAction(team.slug, { secretId: s.id, description: "hijacked" });
      expect(r).toMatchObject({ ok: false, code });
      expect(await snapshot([team.id])).toEqual(before);
    }
    expect(revalidatePath).not.toHaveBeenCalled();
    const editorList = await listSecrets(editor.actor, team.slug, q({ q: s.name }));
    expect(editorList.items[0]?.description).toBe("kept as is");
    expect(editorList.canEditDetails).toBe(false);
    expect((await listSecrets(admin.actor, team.slug, q({ q: s.name }))).canEditDetails).toBe(true);
    const err = await errorOf(updateSecretDetails({ actor: editor.actor, teamSlug: team.slug, secretId: s.id, description: "x" }));
    expect(err.message).toBe("Only Owners and Admins can edit a secret's details.");
  });

  it("refuses 501 characters with the message on the field, never shortening; nothing changes", async () => {
    const s = await seed("short");
    as(owner);
    const before = await snapshot([team.id]);
    const r = await updateSecretDetailsAction(team.slug, { secretId: s.id, description: "é".repeat(501) });
    expect(r).toMatchObject({ ok: false, code: "validation", fieldErrors: { description: ["Descriptions are at most 500 characters (this one has 501)."] } });
    expect(await snapshot([team.id])).toEqual(before);
    expect(await stored(s.id)).toBe("short");
  });

  it("a secret of another team (a guessed id) is not touched; an unknown id is refused", async () => {
    const foreign = await seed("foreign", otherTeam, outsider);
    as(owner);
    const r = await updateSecretDetailsAction(team.slug, { secretId: foreign.id, description: "mine now" });
    expect(r).toMatchObject({ ok: false, code: "stale" });
    expect(await stored(foreign.id)).toBe("foreign");
    expect(await updateSecretDetailsAction(team.slug, { secretId: "not-a-uuid", description: "x" })).toMatchObject({ ok: false, code: "validation" });
  });
});

describe("the filter searches descriptions with the name", () => {
  it("finds a secret by words of its description, ignoring case, with LIKE wildcards taken literally", async () => {
    const tag = runId();
    const a = await seed(`Used by the Payroll-${tag} export (50% of runs)`);
    const b = await seed(`unrelated ${tag}`);
    const byWord = await listSecrets(editor.actor, team.slug, q({ q: `payroll-${tag.toUpperCase()}` }));
    expect(byWord.items.map((i) => i.name)).toEqual([a.name]);
    expect(byWord.total).toBe(1);
    const both = await listSecrets(editor.actor, team.slug, q({ q: tag }));
    expect(both.items.map((i) => i.name).sort()).toEqual([a.name, b.name].sort());
    expect((await listSecrets(editor.actor, team.slug, q({ q: `${tag} export (50%` }))).items.map((i) => i.name)).toEqual([a.name]);
    expect((await listSecrets(editor.actor, team.slug, q({ q: `${tag}%runs` }))).total).toBe(0);
    // By name still works.
    expect((await listSecrets(editor.actor, team.slug, q({ q: b.name.toLowerCase() }))).items.map((i) => i.name)).toEqual([b.name]);
  });
});

describe("exports", () => {
  it("the team list route returns descriptions", async () => {
    const s = await seed("listed description");
    as(editor);
    const res = await listRoute(new NextRequest(new URL(`http://localhost/api/teams/${team.slug}/secrets?q=${s.name}`)), {
      params: Promise.resolve({ team: team.slug }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { name: string; description: string | null }[] };
    expect(body.items).toEqual([expect.objectContaining({ name: s.name, description: "listed description" })]);
  });

  it("the machine API lists, reads and polls a secret with its description, and without the field when there is none", async () => {
    const described = await seed("Billing service account");
    const bare = await seed();
    const data = ZCreateTokenInput.parse({ name: `det-tok-${runId()}`, secrets: [{ name: described.name }, { name: bare.name }] });
    const { token } = await createAccessToken({ actor: owner.actor, teamSlug: team.slug, data });
    const req = (path = "") =>
      new Request(`http://localhost/api/v1/secrets${path}`, {
        headers: { authorization: `Bearer ${token}`, [PEER_HEADER]: "192.0.2.201", "user-agent": "vitest-details" },
      });
    const all = (await (await machineList(req())).json()) as { secrets: Record<string, unknown>[] };
    const byName = Object.fromEntries(all.secrets.map((x) => [x.name, x]));
    expect(byName[described.name]).toMatchObject({ description: "Billing service account", version: 1, value: expect.any(String) });
    expect(byName[bare.name]).not.toHaveProperty("description");
    const poll = (await (await machineList(req("?values=false"))).json()) as { secrets: Record<string, unknown>[] };
    expect(poll.secrets.find((x) => x.name === described.name)).toEqual({ name: described.name, env: described.name, version: 1, description: "Billing service account" });
    const one = await machineOne(req(`/${described.name}`), { params: Promise.resolve({ name: described.name }) });
    expect(await one.json()).toMatchObject({ name: described.name, description: "Billing service account" });
  });
});

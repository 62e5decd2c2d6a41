// The authorization matrix: every server action and route handler of the app, called as Owner, Admin,
// Editor, a member of another team, and signed out. The list of entry points is derived from the code
// (every export of every "use server" module / actions.ts, every HTTP method of every route.ts outside
// app/api/auth), so a new action or route without a row here fails this file, naming the export.
//
// Each cell runs against a fresh team (so an allowed removal cannot spoil the next cell) with the real DAL
// and database. Allowed cells must succeed (ok: true, a NEXT_REDIRECT, or HTTP 2xx) and, for mutations,
// change something; refused cells must return the expected refusal (unauthenticated / forbidden /
// not_found, or HTTP 401 / 403 / 404) and leave every row the fixtures touch exactly as it was.
// Only what needs a Next request is replaced: who is signed in (currentUser / currentSessionId), request
// headers and cookies, and revalidatePath. next-auth's signIn/signOut and Next's redirect() are real.
//
// Each row names the rule of lib/authz it exercises (a permission, or a permission plus a visibility use:
// a Restricted secret attached or sent). Its team callers must be exactly the roles that policy gives, and
// every permission and every visibility rule of the policy must be exercised by a row here or by a page
// read below: a rule added to lib/authz without a test fails this file, naming the rule.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { isRedirectError } from "next/dist/client/components/redirect-error";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { memberships, userSessions, webhookDeliveries, webhooks, webhookSecrets, type TRole, type TVisibility } from "@/db/schema";
import { createAccessToken } from "@/lib/dal/access-tokens";
import { createEmailVerification } from "@/lib/dal/email-verification";
import { createInvitation } from "@/lib/dal/invitations";
import { createSecret } from "@/lib/dal/secrets";
import { createUserSession } from "@/lib/dal/sessions";
import { flushUsage } from "@/lib/dal/usage-recorder";
import { createUser, type TSessionUser } from "@/lib/dal/users";
import { listAccessTokens } from "@/lib/dal/access-tokens";
import { listAuditEvents } from "@/lib/dal/audit";
import { listInvitations } from "@/lib/dal/invitations";
import { listMembers } from "@/lib/dal/members";
import { listSecrets } from "@/lib/dal/secrets";
import { listDeliveryAttempts } from "@/lib/dal/delivery-log";
import { getSecretHistory } from "@/lib/dal/secret-history";
import { listWebhooks } from "@/lib/dal/webhooks";
import {
  PERMISSIONS,
  ROLES,
  rolesUsing,
  rolesWith,
  VISIBILITIES,
  VISIBILITY_USES,
  type TPermission,
  type TVisibilityUse,
} from "@/lib/authz/policy";
import { AppError } from "@/lib/errors";
import { ZAuditQuery } from "@/lib/validation/audit";
import { ZListSecretsQuery } from "@/lib/validation/secrets";
import { ZCreateTokenInput } from "@/lib/validation/tokens";
import { scopedRows } from "../support/db-scope";
import { makeTeam, makeUser, runId, type TTestTeam, type TTestUser, webhookInput } from "../support/fixtures";
import { startSmtpReceiver, type TSmtpReceiver } from "../support/smtp";
import type { TWebhookInput } from "@/lib/validation/webhooks";
import "../support/peer";

const signedIn = vi.hoisted(() => ({ user: null as TSessionUser | null, sid: null as string | null }));

vi.mock("@/lib/session", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/session")>();
  return { ...real, currentUser: vi.fn(async () => signedIn.user), currentSessionId: vi.fn(async () => signedIn.sid) };
});
vi.mock("next/headers", () => ({
  headers: async () =>
    new Headers({ host: "localhost:3000", "x-forwarded-proto": "http", "user-agent": "vitest-matrix", "x-team-secrets-peer": "192.0.2.77" }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => {}, delete: () => {} }),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn(), updateTag: vi.fn() }));

const { revalidatePath } = await import("next/cache");

// ---- Discovery: the entry points, from the code -------------------------------------------------------

const ROOT = path.resolve(import.meta.dirname, "../..");
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** True when the module's first statement is the "use server" directive. */
function isUseServerModule(source: string): boolean {
  const code = source.replace(/^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, "");
  return /^["']use server["']/.test(code);
}

function sourceFiles(dir: string): string[] {
  return (readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
    .map((f) => path.posix.join(dir, f.split(path.sep).join("/")))
    .filter((f) => /\.(ts|tsx|js|mjs)$/.test(f) && !/\.test\.|\.spec\./.test(f));
}

type TEntry = { key: string; kind: "action" | "route"; fn: (...args: unknown[]) => Promise<unknown> };

async function discoverEntryPoints(): Promise<TEntry[]> {
  const files = [...sourceFiles("app"), ...sourceFiles("lib")];
  const actionFiles = files.filter(
    (f) => /(^|\/)actions\.(ts|tsx|js)$/.test(f) || isUseServerModule(readFileSync(path.join(ROOT, f), "utf8")),
  );
  const routeFiles = files.filter((f) => /^app\/.*(^|\/)route\.(ts|js)$/.test(f) && !f.startsWith("app/api/auth/"));
  const out: TEntry[] = [];
  for (const [kind, list] of [
    ["action", actionFiles],
    ["route", routeFiles],
  ] as const) {
    for (const file of list.sort()) {
      const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (typeof value !== "function") continue;
        if (kind === "route" && !HTTP_METHODS.includes(name)) continue;
        out.push({ key: `${file}#${name}`, kind, fn: value as TEntry["fn"] });
      }
    }
  }
  return out;
}

const ENTRY_POINTS = await discoverEntryPoints();

// ---- Fixtures ----------------------------------------------------------------------------------------

type TCaller = "owner" | "admin" | "editor" | "outsider" | "signedOut";
const CALLERS: TCaller[] = ["owner", "admin", "editor", "outsider", "signedOut"];
const EVERYONE = CALLERS;
const SIGNED_IN: TCaller[] = ["owner", "admin", "editor", "outsider"];
const TEAM_MEMBERS: TCaller[] = ["owner", "admin", "editor"];
const MANAGERS: TCaller[] = ["owner", "admin"];
const OWNER: TCaller[] = ["owner"];

const DEFAULT_REFUSAL: Record<TCaller, string> = {
  owner: "forbidden",
  admin: "forbidden",
  editor: "forbidden",
  outsider: "not_found",
  signedOut: "unauthenticated",
};

const tag = `mx${runId()}`;
const SIGNER_PASSWORD = `signer password ${runId()}`;
const users = {} as Record<"owner" | "admin" | "editor" | "outsider" | "target", TTestUser>;
let signer: TSessionUser;
let outsiderTeam: TTestTeam;

beforeAll(async () => {
  for (const k of ["owner", "admin", "editor", "outsider", "target"] as const) users[k] = await makeUser(`mx-${k}`);
  signer = await createUser({ name: "mx-signer", email: `mx-signer-${tag}@test.example`, password: SIGNER_PASSWORD });
  outsiderTeam = await makeTeam(users.outsider);
});

afterAll(async () => {
  await closeDb();
});

beforeEach(() => {
  signedIn.user = null;
  signedIn.sid = null;
  vi.mocked(revalidatePath).mockClear();
});

type TCell = { caller: TCaller; user: TTestUser | null; team: TTestTeam };
/**
 * The lib/authz rule a row exercises: a permission, or a permission plus what the call does with a secret
 * of a visibility (attach it to a consumer, send it). null: no team role decides (accounts, sign-in,
 * invitations addressed to a person, health checks, bearer tokens).
 */
type TRule = TPermission | { permission: TPermission; use: TVisibilityUse; visibility: TVisibility } | null;
const restricted = (permission: TPermission, use: TVisibilityUse): Exclude<TRule, null> => ({ permission, use, visibility: "restricted" });
type TInvoke = () => Promise<unknown>;
type TCase = {
  /** What the call does, for the test name. */
  does: string;
  rule: TRule;
  allowed: TCaller[];
  /** Expected refusal code per caller when it differs from DEFAULT_REFUSAL. */
  refusal?: Partial<Record<TCaller, string>>;
  /** Whether a successful call must change rows (default: actions yes, routes no). */
  mutates?: boolean | ((cell: TCell) => boolean);
  /** Extra memberships of the cell's team (the team always has owner, admin and editor). */
  members?: { user: "target"; role: TRole }[];
  /** Builds valid input for the cell (any setup happens here, before the "before" snapshot). */
  prepare: (fn: TEntry["fn"], cell: TCell) => Promise<TInvoke> | TInvoke;
  /** Extra checks after an allowed call. */
  verify?: (cell: TCell, result: unknown) => Promise<void>;
};

const fd = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
};
const secretValue = () => `sk_matrix_${runId()}${runId()}`;
const seedSecret = async (team: TTestTeam, visibility: "masked" | "restricted" = "masked") => {
  const value = secretValue();
  const s = await createSecret({ actor: users.owner.actor, teamSlug: team.slug, name: `MX_${runId()}`, value, visibility });
  return { ...s, value };
};
const routeCall = (fn: TEntry["fn"], url: string, params: Record<string, string>, headers: Record<string, string> = {}) => () =>
  fn(new NextRequest(new URL(url, "http://localhost:3000"), { headers: { "user-agent": "vitest-matrix", ...headers } }), {
    params: Promise.resolve(params),
  });
/** A secret of the cell's team and an access token (created by its Owner) bound to it. */
async function seedToken(team: TTestTeam, visibility: "masked" | "restricted" = "masked") {
  const s = await seedSecret(team, visibility);
  const data = ZCreateTokenInput.parse({ name: `mx-token-${runId()}`, secrets: [{ name: s.name }] });
  const t = await createAccessToken({ actor: users.owner.actor, teamSlug: team.slug, data });
  return { secret: s, token: t.token, tokenId: t.id };
}
const hookInput = (over: Partial<TWebhookInput> = {}) => webhookInput("mx-hook", "https://hooks.example.com/in", over);
/** A webhook of the team (written directly: setup, not under test), optionally carrying a Restricted secret. */
async function seedWebhook(team: TTestTeam, carries?: "restricted") {
  const db = await getDb();
  const [hook] = await db.insert(webhooks).values({ teamId: team.id, name: `mx-hook-${runId()}`, url: "http://127.0.0.1:9/in" }).returning({ id: webhooks.id });
  if (carries) {
    const s = await seedSecret(team, carries);
    await db.insert(webhookSecrets).values({ webhookId: hook!.id, secretId: s.id, teamId: team.id });
  }
  return hook!.id;
}
/** A row's prepare for a webhook action: the caller acts on `{ webhookId }` of a webhook seeded in the cell's team. */
const onSeededWebhook = (carries?: "restricted"): TCase["prepare"] => async (fn, cell) => {
  const webhookId = await seedWebhook(cell.team, carries);
  return () => fn(cell.team.slug, { webhookId });
};
/** A row's prepare for redelivery: the caller redelivers a failed, finished delivery of a seeded webhook. */
const onFinishedDelivery = (carries?: "restricted"): TCase["prepare"] => async (fn, cell) => {
  const webhookId = await seedWebhook(cell.team, carries);
  const db = await getDb();
  const [d] = await db
    .insert(webhookDeliveries)
    .values({ teamId: cell.team.id, webhookId, trigger: "test", status: "failed", attempts: 1 })
    .returning({ id: webhookDeliveries.id });
  return () => fn(cell.team.slug, { deliveryId: d!.id });
};
/** A mail receiver on loopback that accepts and drops every message (for the verification-email row). */
let smtp: Promise<TSmtpReceiver> | null = null;
/** A mail server that takes every message (started on first use). */
async function smtpUrl(): Promise<string> {
  smtp ??= startSmtpReceiver();
  return (await smtp).url;
}
afterAll(async () => {
  if (smtp) await (await smtp).close();
});
const ALL_UNAUTHENTICATED = { owner: "unauthenticated", admin: "unauthenticated", editor: "unauthenticated", outsider: "unauthenticated" } as const;
const roleIn = async (team: TTestTeam, userId: string) => {
  const db = await getDb();
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.teamId, team.id), eq(memberships.userId, userId)));
  return row?.role ?? null;
};

// ---- The matrix ----------------------------------------------------------------------------------------

const AUTH = "app/(auth)/actions.ts";
const TEAMS = "app/teams/actions.ts";
const INVITE = "app/invite/[token]/actions.ts";
const VERIFY = "app/verify-email/[token]/actions.ts";
const MEMBERS = "app/teams/[team]/settings/members/actions.ts";
const SECRETS = "app/teams/[team]/settings/secrets/actions.ts";
const TOKENS = "app/teams/[team]/settings/tokens/actions.ts";
const IMPORT = "app/teams/[team]/settings/secrets/import-actions.ts";
const WEBHOOKS = "app/teams/[team]/settings/webhooks/actions.ts";

const MATRIX: Record<string, TCase[]> = {
  // Not team-scoped: anyone may create an account (it signs them in: a redirect).
  [`${AUTH}#signUpAction`]: [
    {
      does: "creates an account",
      rule: null,
      allowed: EVERYONE,
      prepare: (fn) => () =>
        fn(fd({ name: "New person", email: `su-${tag}-${runId()}@test.example`, password: "a long enough password" })),
    },
  ],
  [`${AUTH}#signInAction`]: [
    {
      does: "signs in with valid credentials",
      rule: null,
      allowed: EVERYONE,
      prepare: (fn) => () => fn(fd({ email: signer.email, password: SIGNER_PASSWORD })),
    },
  ],
  // The same actions through <form action> (useActionState's (previous, formData) shape; issue 9 item 13).
  [`${AUTH}#signUpFormAction`]: [
    {
      does: "creates an account from the form",
      rule: null,
      allowed: EVERYONE,
      prepare: (fn) => () =>
        fn(null, fd({ name: "New person", email: `suf-${tag}-${runId()}@test.example`, password: "a long enough password" })),
    },
  ],
  [`${AUTH}#signInFormAction`]: [
    {
      does: "signs in from the form with valid credentials",
      rule: null,
      allowed: EVERYONE,
      prepare: (fn) => () => fn(null, fd({ email: signer.email, password: SIGNER_PASSWORD })),
    },
  ],
  // Signing out is always allowed; for a signed-in caller it revokes their server-side session.
  [`${AUTH}#signOutAction`]: [
    {
      does: "signs out",
      rule: null,
      allowed: EVERYONE,
      mutates: (cell) => cell.user !== null,
      prepare: async (fn, cell) => {
        if (cell.user) signedIn.sid = await createUserSession(cell.user.id, 3600);
        return () => fn();
      },
      verify: async (cell) => {
        if (!signedIn.sid) return;
        const db = await getDb();
        const [s] = await db.select({ revokedAt: userSessions.revokedAt }).from(userSessions).where(eq(userSessions.id, signedIn.sid));
        expect(s?.revokedAt, `${cell.caller}'s session is revoked`).toBeInstanceOf(Date);
      },
    },
  ],
  [`${TEAMS}#createTeamAction`]: [
    {
      does: "creates a team",
      rule: null,
      allowed: SIGNED_IN,
      prepare: (fn) => () => fn(fd({ name: `Matrix ${tag}` })),
    },
  ],
  [`${TEAMS}#createTeamFormAction`]: [
    {
      does: "creates a team from the form",
      rule: null,
      allowed: SIGNED_IN,
      prepare: (fn) => () => fn(null, fd({ name: `Matrix form ${tag}` })),
    },
  ],
  [`${INVITE}#acceptInvitationFormAction`]: [
    {
      does: "accepts from the form an invitation addressed to the member of another team",
      rule: null,
      allowed: ["outsider"],
      refusal: { owner: "forbidden", admin: "forbidden", editor: "forbidden" },
      prepare: async (fn, cell) => {
        const inv = await createInvitation({ actor: users.owner.actor, teamSlug: cell.team.slug, email: users.outsider.email, role: "editor" });
        return () => fn(null, fd({ token: inv.token }));
      },
      verify: async (cell) => expect(await roleIn(cell.team, users.outsider.id)).toBe("editor"),
    },
  ],
  // Any signed-in account may ask for its own verification email (mail configured for the call only: with
  // SMTP_URL set, invitations need a verified address, which other rows do not set up).
  [`${INVITE}#resendVerificationFormAction`]: [
    {
      does: "sends the caller's own verification email",
      rule: null,
      allowed: SIGNED_IN,
      prepare: (fn) => async () => {
        const url = await smtpUrl();
        const saved = process.env.SMTP_URL;
        process.env.SMTP_URL = url;
        try {
          return await fn(null, fd({}));
        } finally {
          if (saved === undefined) delete process.env.SMTP_URL;
          else process.env.SMTP_URL = saved;
        }
      },
    },
  ],
  // The link's token is the credential: whoever holds it confirms that address (a POST from the link's page).
  [`${VERIFY}#verifyEmailAction`]: [
    {
      does: "verifies an address with its link",
      rule: null,
      allowed: EVERYONE,
      prepare: async (fn) => {
        // A new account per cell (its email carries the run's tag, so the snapshots see its rows change).
        const person = await makeUser(`ve-${tag}`);
        const v = await createEmailVerification({ userId: person.id });
        return () => fn(fd({ token: v.token }));
      },
      verify: async (_cell, result) => expect(String(result)).toContain("result=verified"),
    },
  ],
  // Only the invited person (here the member of another team) may accept; team members are not the invitee.
  [`${INVITE}#acceptInvitationAction`]: [
    {
      does: "accepts an invitation addressed to the member of another team",
      rule: null,
      allowed: ["outsider"],
      refusal: { owner: "forbidden", admin: "forbidden", editor: "forbidden" },
      prepare: async (fn, cell) => {
        const inv = await createInvitation({ actor: users.owner.actor, teamSlug: cell.team.slug, email: users.outsider.email, role: "editor" });
        return () => fn(inv.token);
      },
      verify: async (cell) => expect(await roleIn(cell.team, users.outsider.id)).toBe("editor"),
    },
  ],
  [`${MEMBERS}#inviteMemberAction`]: [
    {
      does: "invites an Editor",
      rule: "members.invite",
      allowed: MANAGERS,
      prepare: (fn, cell) => () => fn(cell.team.slug, { email: `inv-${tag}-${runId()}@test.example`, role: "editor" }),
    },
    {
      does: "invites an Owner",
      rule: "members.invite_owner",
      allowed: OWNER,
      prepare: (fn, cell) => () => fn(cell.team.slug, { email: `inv-${tag}-${runId()}@test.example`, role: "owner" }),
    },
  ],
  [`${MEMBERS}#revokeInvitationAction`]: [
    {
      does: "revokes a pending invitation",
      rule: "members.invite",
      allowed: MANAGERS,
      prepare: async (fn, cell) => {
        const inv = await createInvitation({ actor: users.owner.actor, teamSlug: cell.team.slug, email: `rv-${tag}-${runId()}@test.example`, role: "editor" });
        return () => fn(cell.team.slug, { invitationId: inv.id });
      },
    },
    {
      does: "revokes a pending Owner invitation",
      rule: "members.invite_owner",
      allowed: OWNER,
      prepare: async (fn, cell) => {
        const inv = await createInvitation({ actor: users.owner.actor, teamSlug: cell.team.slug, email: `rvo-${tag}-${runId()}@test.example`, role: "owner" });
        return () => fn(cell.team.slug, { invitationId: inv.id });
      },
    },
  ],
  [`${MEMBERS}#changeMemberRoleAction`]: [
    {
      does: "makes an Editor an Admin",
      rule: "members.manage",
      allowed: MANAGERS,
      members: [{ user: "target", role: "editor" }],
      prepare: (fn, cell) => () => fn(cell.team.slug, { userId: users.target.id, role: "admin" }),
      verify: async (cell) => expect(await roleIn(cell.team, users.target.id)).toBe("admin"),
    },
    {
      does: "makes an Admin an Editor",
      rule: "members.manage_owners",
      allowed: OWNER,
      members: [{ user: "target", role: "admin" }],
      prepare: (fn, cell) => () => fn(cell.team.slug, { userId: users.target.id, role: "editor" }),
    },
    {
      does: "makes an Editor an Owner",
      rule: "members.manage_owners",
      allowed: OWNER,
      members: [{ user: "target", role: "editor" }],
      prepare: (fn, cell) => () => fn(cell.team.slug, { userId: users.target.id, role: "owner" }),
    },
  ],
  [`${MEMBERS}#removeMemberAction`]: [
    {
      does: "removes an Editor",
      rule: "members.manage",
      allowed: MANAGERS,
      members: [{ user: "target", role: "editor" }],
      prepare: (fn, cell) => () => fn(cell.team.slug, { userId: users.target.id }),
      verify: async (cell) => expect(await roleIn(cell.team, users.target.id)).toBeNull(),
    },
    {
      does: "removes an Admin",
      rule: "members.manage_owners",
      allowed: OWNER,
      members: [{ user: "target", role: "admin" }],
      prepare: (fn, cell) => () => fn(cell.team.slug, { userId: users.target.id }),
    },
  ],
  [`${MEMBERS}#transferOwnershipAction`]: [
    {
      does: "transfers ownership to an Admin",
      rule: "members.transfer_ownership",
      allowed: OWNER,
      members: [{ user: "target", role: "admin" }],
      prepare: (fn, cell) => () => fn(cell.team.slug, { userId: users.target.id }),
      verify: async (cell) => expect(await roleIn(cell.team, users.target.id)).toBe("owner"),
    },
  ],
  // Any member may leave (the team has a second Owner, so the Owner is not the last one).
  [`${MEMBERS}#leaveTeamAction`]: [
    {
      does: "leaves the team",
      rule: "team.read",
      allowed: TEAM_MEMBERS,
      members: [{ user: "target", role: "owner" }],
      prepare: (fn, cell) => () => fn(cell.team.slug),
      verify: async (cell) => expect(await roleIn(cell.team, cell.user!.id)).toBeNull(),
    },
  ],
  [`${SECRETS}#createSecretAction`]: [
    {
      does: "creates a secret",
      rule: "secrets.write",
      allowed: MANAGERS,
      prepare: (fn, cell) => () => fn(cell.team.slug, fd({ name: `MX_${runId()}`, value: secretValue(), visibility: "masked" })),
    },
  ],
  [`${SECRETS}#rotateSecretAction`]: [
    {
      does: "rotates a secret",
      rule: "secrets.write",
      allowed: MANAGERS,
      prepare: async (fn, cell) => {
        const s = await seedSecret(cell.team);
        return () => fn(cell.team.slug, fd({ secretId: s.id, value: secretValue(), expectedVersion: "1" }));
      },
    },
  ],
  [`${SECRETS}#deleteSecretAction`]: [
    {
      does: "deletes a secret",
      rule: "secrets.write",
      allowed: MANAGERS,
      prepare: async (fn, cell) => {
        const s = await seedSecret(cell.team);
        return () => fn(cell.team.slug, { secretId: s.id, expectedVersion: 1 });
      },
    },
  ],
  // Check value: every member may check a Masked secret, only Owners/Admins a Restricted one. An allowed check
  // writes its audit event (the change the matrix sees) and answers whether the candidate matched.
  [`${SECRETS}#checkSecretValueAction`]: [
    {
      does: "checks a value against a Masked secret",
      rule: "secrets.check",
      allowed: TEAM_MEMBERS,
      prepare: async (fn, cell) => {
        const s = await seedSecret(cell.team);
        return () => fn(cell.team.slug, fd({ secretId: s.id, candidate: s.value }));
      },
      verify: async (_cell, result) => expect(result).toMatchObject({ ok: true, data: { matches: true, version: 1 } }),
    },
    {
      does: "checks a value against a Restricted secret",
      rule: restricted("secrets.check", "check"),
      allowed: MANAGERS,
      prepare: async (fn, cell) => {
        const s = await seedSecret(cell.team, "restricted");
        return () => fn(cell.team.slug, fd({ secretId: s.id, candidate: s.value }));
      },
      verify: async (_cell, result) => expect(result).toMatchObject({ ok: true, data: { matches: true, version: 1 } }),
    },
  ],
  [`${SECRETS}#updateSecretDetailsAction`]: [
    {
      does: "edits a secret's description",
      rule: "secrets.details",
      allowed: MANAGERS,
      prepare: async (fn, cell) => {
        const s = await seedSecret(cell.team);
        return () => fn(cell.team.slug, { secretId: s.id, description: `Described by the matrix ${runId()}` });
      },
    },
  ],
  // Bulk import: the preview reads names only (no change); the import writes.
  [`${IMPORT}#previewImportAction`]: [
    {
      does: "previews an import",
      rule: "secrets.write",
      allowed: MANAGERS,
      mutates: false,
      prepare: (fn, cell) => () => fn(cell.team.slug, { text: `MX_${runId()}=${secretValue()}\n`, fileName: ".env" }),
    },
  ],
  [`${IMPORT}#importSecretsAction`]: [
    {
      does: "imports secrets from a .env file",
      rule: "secrets.write",
      allowed: MANAGERS,
      prepare: (fn, cell) => () => fn(cell.team.slug, { text: `MX_${runId()}=${secretValue()}\n`, fileName: ".env", visibility: "masked", rotate: [] }),
    },
  ],
  [`${TOKENS}#createTokenAction`]: [
    {
      does: "creates an access token for a secret",
      rule: "tokens.manage",
      allowed: MANAGERS,
      prepare: async (fn, cell) => {
        const s = await seedSecret(cell.team);
        return () => fn(cell.team.slug, { name: `mx-token-${runId()}`, secrets: [{ name: s.name }], expires: "30", cidrs: "" });
      },
    },
  ],
  [`${TOKENS}#revokeTokenAction`]: [
    {
      does: "revokes an access token",
      rule: "tokens.manage",
      allowed: MANAGERS,
      prepare: async (fn, cell) => {
        const { tokenId } = await seedToken(cell.team);
        return () => fn(cell.team.slug, { tokenId });
      },
    },
  ],
  // Webhooks: every member may create, edit, delete and test one; only Owners/Admins may attach a Restricted
  // secret, change a webhook that carries one, or set a secret's allowed hosts.
  [`${WEBHOOKS}#createWebhookAction`]: [
    {
      does: "creates a webhook with a Masked secret",
      rule: "webhooks.write",
      allowed: TEAM_MEMBERS,
      prepare: async (fn, cell) => {
        const s = await seedSecret(cell.team);
        return () => fn(cell.team.slug, hookInput({ secretIds: [s.id], payload: `{"k":"\${${s.name}}"}` }));
      },
    },
    {
      does: "creates a webhook with a Restricted secret",
      rule: restricted("webhooks.write", "attach"),
      allowed: MANAGERS,
      prepare: async (fn, cell) => {
        const s = await seedSecret(cell.team, "restricted");
        return () => fn(cell.team.slug, hookInput({ secretIds: [s.id] }));
      },
    },
  ],
  [`${WEBHOOKS}#updateWebhookAction`]: [
    {
      does: "edits a webhook without Restricted secrets",
      rule: "webhooks.write",
      allowed: TEAM_MEMBERS,
      prepare: async (fn, cell) => {
        const webhookId = await seedWebhook(cell.team);
        return () => fn(cell.team.slug, { webhookId, ...hookInput({ name: `mx-renamed-${runId()}` }) });
      },
    },
    {
      does: "edits a webhook that carries a Restricted secret",
      rule: restricted("webhooks.write", "attach"),
      allowed: MANAGERS,
      prepare: async (fn, cell) => {
        const webhookId = await seedWebhook(cell.team, "restricted");
        return () => fn(cell.team.slug, { webhookId, ...hookInput({ name: `mx-renamed-${runId()}` }) });
      },
    },
  ],
  [`${WEBHOOKS}#deleteWebhookAction`]: [
    {
      does: "deletes a webhook without Restricted secrets",
      rule: "webhooks.write",
      allowed: TEAM_MEMBERS,
      prepare: onSeededWebhook(),
    },
    {
      does: "deletes a webhook that carries a Restricted secret",
      rule: restricted("webhooks.write", "attach"),
      allowed: MANAGERS,
      prepare: onSeededWebhook("restricted"),
    },
  ],
  // The seeded webhook points at 127.0.0.1 (not allowlisted here): the attempt is refused before any
  // connection, and still logged.
  [`${WEBHOOKS}#sendTestWebhookAction`]: [
    {
      does: "sends a test delivery",
      rule: "webhooks.write",
      allowed: TEAM_MEMBERS,
      prepare: onSeededWebhook(),
    },
    {
      // webhooks.restricted: the receiver's answer could echo the value back to an Editor (issue 9 item 1).
      does: "sends a test of a webhook that carries a Restricted secret",
      rule: restricted("webhooks.write", "send"),
      allowed: MANAGERS,
      prepare: onSeededWebhook("restricted"),
    },
  ],
  // Signing secrets are shown (once) and rotated by Owners/Admins only; so is redelivery.
  [`${WEBHOOKS}#rotateSigningSecretAction`]: [
    {
      does: "rotates a webhook's signing secret",
      rule: "webhooks.signing_secret",
      allowed: MANAGERS,
      prepare: onSeededWebhook(),
      verify: async (_cell, result) => expect((result as { data: { signingSecret: string } }).data.signingSecret).toMatch(/^whsec_/),
    },
  ],
  [`${WEBHOOKS}#redeliverAction`]: [
    {
      does: "redelivers a finished delivery of a webhook that carries a Restricted secret",
      rule: restricted("webhooks.redeliver", "send"),
      allowed: MANAGERS,
      prepare: onFinishedDelivery("restricted"),
    },
    {
      does: "redelivers a finished delivery",
      rule: "webhooks.redeliver",
      allowed: MANAGERS,
      prepare: onFinishedDelivery(),
    },
  ],
  [`${WEBHOOKS}#setAllowedHostsAction`]: [
    {
      does: "sets a secret's allowed hosts",
      rule: "secrets.write",
      allowed: MANAGERS,
      prepare: async (fn, cell) => {
        const s = await seedSecret(cell.team);
        return () => fn(cell.team.slug, { secretId: s.id, hosts: ["hooks.example.com"] });
      },
    },
  ],
  ["app/api/teams/[team]/secrets/route.ts#GET"]: [
    {
      does: "lists the team's secrets",
      rule: "secrets.read",
      allowed: TEAM_MEMBERS,
      prepare: async (fn, cell) => {
        await seedSecret(cell.team);
        return routeCall(fn, `/api/teams/${cell.team.slug}/secrets`, { team: cell.team.slug });
      },
      verify: async (_cell, res) => expect(((await (res as Response).json()) as { items: unknown[] }).items).toHaveLength(1),
    },
  ],
  // History of a secret: metadata of every version, for any member (fingerprints by role, tested elsewhere).
  ["app/api/teams/[team]/secrets/[secret]/history/route.ts#GET"]: [
    {
      does: "reads a secret's version history",
      rule: "secrets.read",
      allowed: TEAM_MEMBERS,
      prepare: async (fn, cell) => {
        const s = await seedSecret(cell.team);
        return routeCall(fn, `/api/teams/${cell.team.slug}/secrets/${s.id}/history`, { team: cell.team.slug, secret: s.id });
      },
      verify: async (_cell, res) => {
        const body = (await (res as Response).json()) as { versions: { version: number }[] };
        expect(body.versions.map((v) => v.version)).toEqual([1]);
      },
    },
  ],
  // The settings pages' list data (TanStack Query), one route per page: metadata only, never a token, a
  // hash or a value.
  ["app/api/teams/[team]/tokens/route.ts#GET"]: [
    {
      does: "lists the team's access tokens, by prefix only",
      rule: "tokens.manage",
      allowed: MANAGERS,
      prepare: async (fn, cell) => {
        const { token, tokenId, secret } = await seedToken(cell.team);
        const call = routeCall(fn, `/api/teams/${cell.team.slug}/tokens`, { team: cell.team.slug });
        return async () => {
          const res = (await call()) as Response;
          const text = await res.clone().text();
          expect(text).not.toContain(token.slice(10));
          expect(text).not.toContain(secret.value);
          if (res.ok) expect((JSON.parse(text) as { id: string }[]).map((t) => t.id)).toEqual([tokenId]);
          return res;
        };
      },
    },
  ],
  ["app/api/teams/[team]/members/route.ts#GET"]: [
    {
      does: "lists the team's members",
      rule: "members.read",
      allowed: TEAM_MEMBERS,
      prepare: (fn, cell) => routeCall(fn, `/api/teams/${cell.team.slug}/members`, { team: cell.team.slug }),
      verify: async (_cell, res) => {
        const body = (await (res as Response).json()) as { members: { email: string }[] };
        expect(body.members.map((m) => m.email).sort()).toEqual([users.admin.email, users.editor.email, users.owner.email].sort());
      },
    },
  ],
  ["app/api/teams/[team]/invitations/route.ts#GET"]: [
    {
      does: "lists pending invitations, without their links",
      rule: "members.invite",
      allowed: MANAGERS,
      prepare: async (fn, cell) => {
        const email = `li-${tag}-${runId()}@test.example`;
        const inv = await createInvitation({ actor: users.owner.actor, teamSlug: cell.team.slug, email, role: "editor" });
        const call = routeCall(fn, `/api/teams/${cell.team.slug}/invitations`, { team: cell.team.slug });
        return async () => {
          const res = (await call()) as Response;
          const text = await res.clone().text();
          expect(text).not.toContain(inv.token.slice(4));
          if (res.ok) expect((JSON.parse(text) as { email: string }[]).map((i) => i.email)).toEqual([email]);
          return res;
        };
      },
    },
  ],
  ["app/api/teams/[team]/webhooks/route.ts#GET"]: [
    {
      does: "lists the team's webhooks",
      rule: "webhooks.read",
      allowed: TEAM_MEMBERS,
      prepare: async (fn, cell) => {
        const id = await seedWebhook(cell.team);
        const call = routeCall(fn, `/api/teams/${cell.team.slug}/webhooks`, { team: cell.team.slug });
        return async () => {
          const res = (await call()) as Response;
          if (res.ok) expect(((await res.clone().json()) as { items: { id: string }[] }).items.map((w) => w.id)).toEqual([id]);
          return res;
        };
      },
    },
  ],
  // Which deliveries a role sees (none of a webhook carrying a Restricted secret, for Editors) is a page read below.
  ["app/api/teams/[team]/webhooks/deliveries/route.ts#GET"]: [
    {
      does: "lists the team's webhook deliveries",
      rule: "webhooks.read",
      allowed: TEAM_MEMBERS,
      prepare: (fn, cell) => routeCall(fn, `/api/teams/${cell.team.slug}/webhooks/deliveries`, { team: cell.team.slug }),
      verify: async (_cell, res) => expect(await (res as Response).json()).toEqual([]),
    },
  ],
  // Bulk import with streamed progress: the invoke reads the whole stream, so the import has finished (and
  // its rows are in the "after" snapshot) when the matrix compares.
  ["app/api/teams/[team]/secrets/import/route.ts#POST"]: [
    {
      does: "imports secrets through the streaming route",
      rule: "secrets.write",
      allowed: MANAGERS,
      mutates: true,
      prepare: (fn, cell) => async () => {
        const url = new URL(`/api/teams/${cell.team.slug}/secrets/import`, "http://localhost:3000");
        const req = new NextRequest(url, {
          method: "POST",
          headers: { "content-type": "application/json", origin: "http://localhost:3000", "user-agent": "vitest-matrix" },
          body: JSON.stringify({ text: `MX_${runId()}=${secretValue()}\n`, fileName: ".env" }),
        });
        const res = (await fn(req, { params: Promise.resolve({ team: cell.team.slug }) })) as Response;
        return new Response(await res.text(), { status: res.status });
      },
      verify: async (_cell, res) => expect(await (res as Response).text()).toMatch(/"type":"result","ok":true,"data":\{"created":1,/),
    },
  ],
  ["app/api/teams/[team]/audit/export/route.ts#GET"]: [
    {
      does: "exports the audit log as JSON",
      rule: "audit.read",
      allowed: MANAGERS,
      prepare: (fn, cell) => routeCall(fn, `/api/teams/${cell.team.slug}/audit/export?format=json`, { team: cell.team.slug }),
      verify: async (_cell, res) => {
        const body = (await (res as Response).json()) as { events: { action: string }[] };
        expect(body.events.map((e) => e.action)).toContain("team.created");
      },
    },
  ],
  // Liveness and readiness answer everyone (load balancers have no session) and read no secret.
  ["app/api/health/route.ts#GET"]: [
    {
      does: "answers liveness",
      rule: null,
      allowed: EVERYONE,
      prepare: (fn) => () => fn(),
      verify: async (_cell, res) => expect(await (res as Response).json()).toEqual({ status: "ok" }),
    },
  ],
  ["app/api/ready/route.ts#GET"]: [
    {
      does: "answers readiness",
      rule: null,
      allowed: EVERYONE,
      prepare: (fn) => () => fn(),
      verify: async (_cell, res) => expect(await (res as Response).json()).toEqual({ ready: true, reason: "ok" }),
    },
  ],
  // The machine API takes bearer tokens only: a browser session, whoever it belongs to, gets 401; a valid
  // token reads its bound secret whoever (if anyone) is signed in, and each read is audited.
  ...Object.fromEntries(
    (
      [
        ["app/api/v1/secrets/route.ts#GET", (_slug: string, _name: string) => [`/api/v1/secrets`, {}] as const],
        ["app/api/v1/secrets/[name]/route.ts#GET", (_slug: string, name: string) => [`/api/v1/secrets/${name}`, { name }] as const],
      ] as const
    ).map(([key, target]) => [
      key,
      [
        {
          does: "reads values with a session but no bearer token",
          rule: null,
          allowed: [],
          refusal: ALL_UNAUTHENTICATED,
          prepare: async (fn: TEntry["fn"], cell: TCell) => {
            const { secret } = await seedToken(cell.team);
            const [url, params] = target(cell.team.slug, secret.name);
            return routeCall(fn, url, params);
          },
        },
        {
          does: "reads values with a valid bearer token",
          rule: null,
          allowed: EVERYONE,
          mutates: true,
          prepare: async (fn: TEntry["fn"], cell: TCell) => {
            const { secret, token } = await seedToken(cell.team);
            const [url, params] = target(cell.team.slug, secret.name);
            const call = routeCall(fn, url, params, { authorization: `Bearer ${token}` });
            return async () => {
              const res = (await call()) as Response;
              expect(await res.clone().text()).toContain(secret.value);
              return res;
            };
          },
        },
      ] satisfies TCase[],
    ]),
  ),
};

// ---- Page reads ----------------------------------------------------------------------------------------
// Pages are not entry points a caller can aim at with arbitrary input, but what they read is decided by the
// policy too: each DAL read a page makes, called as each team role and as a member of another team. `sees`
// turns a successful read into whether the guarded thing was shown (a field the policy hides); without it,
// resolving is being allowed.

type TPageRead = {
  does: string;
  rule: Exclude<TRule, null>;
  allowed: TCaller[];
  read: (cell: TCell & { user: TTestUser }) => Promise<unknown>;
  sees?: (result: unknown) => boolean;
};

const PAGE_READS: TPageRead[] = [
  { does: "lists the members (Members page)", rule: "members.read", allowed: TEAM_MEMBERS, read: (c) => listMembers(c.user.actor, c.team.slug) },
  { does: "lists pending invitations (Members page)", rule: "members.invite", allowed: MANAGERS, read: (c) => listInvitations(c.user.actor, c.team.slug) },
  { does: "lists webhooks (Webhooks page)", rule: "webhooks.read", allowed: TEAM_MEMBERS, read: (c) => listWebhooks(c.user.actor, c.team.slug) },
  {
    does: "lists the deliveries of a webhook that carries a Restricted secret (Webhooks page)",
    rule: restricted("webhooks.read", "send"),
    allowed: MANAGERS,
    read: async (c) => listDeliveryAttempts(c.user.actor, c.team.slug, { webhookId: await seedWebhook(c.team, "restricted") }),
  },
  { does: "lists access tokens (Access tokens page)", rule: "tokens.manage", allowed: MANAGERS, read: (c) => listAccessTokens(c.user.actor, c.team.slug) },
  { does: "lists audit events (Audit log page)", rule: "audit.read", allowed: MANAGERS, read: (c) => listAuditEvents(c.user.actor, c.team.slug, ZAuditQuery.parse({})) },
  ...VISIBILITIES.flatMap((visibility): TPageRead[] => [
    {
      does: `sees which version each consumer of a ${visibility} secret received (Team secrets page, list route)`,
      rule: "secrets.consumer_versions",
      allowed: MANAGERS,
      read: async (c) => {
        const { secret } = await seedToken(c.team, visibility);
        const list = await listSecrets(c.user.actor, c.team.slug, ZListSecretsQuery.parse({}));
        return list.items.find((i) => i.id === secret.id);
      },
      sees: (item) => (item as { consumerVersions: { consumers: unknown[] } | null } | undefined)?.consumerVersions?.consumers.length === 1,
    },
    {
      does: `sees which consumers received each version of a ${visibility} secret (History dialog)`,
      rule: "secrets.consumer_versions",
      allowed: MANAGERS,
      read: async (c) => {
        const { secret } = await seedToken(c.team, visibility);
        return getSecretHistory(c.user.actor, c.team.slug, secret.id);
      },
      sees: (h) => (h as { consumerVersions: unknown | null }).consumerVersions !== null,
    },
  ]),
  ...VISIBILITIES.map(
    (visibility): TPageRead => ({
      does: `sees the fingerprint of a ${visibility} secret (Team secrets page)`,
      rule: { permission: "secrets.read", use: "fingerprint", visibility },
      allowed: TEAM_MEMBERS.filter((r) => rolesUsing("fingerprint", visibility).includes(r as TRole)),
      read: async (c) => {
        const s = await seedSecret(c.team, visibility);
        const list = await listSecrets(c.user.actor, c.team.slug, ZListSecretsQuery.parse({}));
        return list.items.find((i) => i.id === s.id);
      },
      sees: (item) => typeof (item as { fingerprint: string | null } | undefined)?.fingerprint === "string",
    }),
  ),
];

describe("page reads follow lib/authz", () => {
  for (const r of PAGE_READS) {
    it.each(SIGNED_IN)(`${r.does}: %s`, async (caller) => {
      const cell = (await newCell(caller, { does: r.does, rule: r.rule, allowed: r.allowed, prepare: () => () => Promise.resolve() })) as TCell & {
        user: TTestUser;
      };
      let outcome: string;
      try {
        const result = await r.read(cell);
        outcome = !r.sees || r.sees(result) ? "allowed" : "hidden";
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        outcome = err.code;
      }
      const expected = r.allowed.includes(caller) ? "allowed" : caller === "outsider" ? "not_found" : r.sees ? "hidden" : "forbidden";
      expect(outcome, `${caller}: ${r.does}`).toBe(expected);
    });
  }
});

// ---- The matrix and lib/authz agree --------------------------------------------------------------------

const ruleKey = (rule: Exclude<TRule, null>) => (typeof rule === "string" ? rule : `${rule.permission} + ${rule.use} ${rule.visibility}`);
/** The team roles a rule allows, by the policy. */
function rolesAllowedBy(rule: Exclude<TRule, null>): TRole[] {
  if (typeof rule === "string") return rolesWith(rule);
  const using = rolesUsing(rule.use, rule.visibility);
  return rolesWith(rule.permission).filter((r) => using.includes(r));
}
const RULED = [
  ...Object.entries(MATRIX).flatMap(([key, cases]) => cases.map((c) => ({ where: `${key}: ${c.does}`, rule: c.rule, allowed: c.allowed }))),
  ...PAGE_READS.map((r) => ({ where: `page read: ${r.does}`, rule: r.rule, allowed: r.allowed })),
];

describe("the matrix follows lib/authz", () => {
  it.each(RULED.filter((r) => r.rule !== null).map((r) => [r.where, r]))("%s: its team callers are the roles the policy gives", (_where, r) => {
    const callers = TEAM_MEMBERS.filter((c) => r.allowed.includes(c));
    expect(callers, `allowed team callers of ${ruleKey(r.rule!)}`).toEqual(rolesAllowedBy(r.rule!));
  });

  it("exercises every permission of lib/authz", () => {
    const covered = new Set(RULED.flatMap((r) => (r.rule === null ? [] : [typeof r.rule === "string" ? r.rule : r.rule.permission])));
    expect(PERMISSIONS.filter((p) => !covered.has(p)), "permissions without a row").toEqual([]);
  });

  it("exercises every visibility rule of lib/authz that some role is refused", () => {
    const covered = new Set(RULED.flatMap((r) => (r.rule && typeof r.rule !== "string" ? [`${r.rule.use} ${r.rule.visibility}`] : [])));
    const rules = VISIBILITY_USES.flatMap((use) => VISIBILITIES.filter((v) => rolesUsing(use, v).length < ROLES.length).map((v) => `${use} ${v}`));
    expect(rules.length, "the policy has visibility rules").toBeGreaterThan(0);
    expect(rules.filter((k) => !covered.has(k)), "visibility rules without a row").toEqual([]);
  });
});

// ---- Running a cell ------------------------------------------------------------------------------------

type TOutcome = { ok: true; result: unknown } | { ok: false; code: string; result: unknown };

const STATUS_CODES: Record<number, string> = { 401: "unauthenticated", 403: "forbidden", 404: "not_found" };

async function outcomeOf(invoke: TInvoke): Promise<TOutcome> {
  let result: unknown;
  try {
    result = await invoke();
  } catch (err) {
    if (isRedirectError(err)) return { ok: true, result: err.digest };
    throw err;
  }
  if (result instanceof Response) {
    if (result.status >= 200 && result.status < 300) return { ok: true, result };
    return { ok: false, code: STATUS_CODES[result.status] ?? `http_${result.status}`, result };
  }
  if (result && typeof result === "object" && "ok" in result) {
    const r = result as { ok: boolean; code?: string };
    return r.ok ? { ok: true, result } : { ok: false, code: r.code ?? "(no code)", result };
  }
  throw new Error(`unrecognised result: ${JSON.stringify(result)}`);
}

async function newCell(caller: TCaller, c: TCase): Promise<TCell> {
  const extra = (c.members ?? []).map((m) => ({ user: users[m.user], role: m.role }));
  const team = await makeTeam(users.owner, [
    { user: users.admin, role: "admin" },
    { user: users.editor, role: "editor" },
    ...extra,
  ]);
  const user = caller === "signedOut" ? null : users[caller];
  return { caller, user, team };
}

function needles(cell: TCell): string[] {
  return [cell.team.id, outsiderTeam.id, tag, signer.id, signer.email, ...Object.values(users).flatMap((u) => [u.id, u.email])];
}

describe("every server action and route handler has a matrix row", () => {
  it("discovers the app's entry points", () => {
    expect(ENTRY_POINTS.length).toBeGreaterThan(10);
    expect(ENTRY_POINTS.filter((e) => e.kind === "route").length).toBeGreaterThan(1);
  });

  it.each(ENTRY_POINTS.map((e) => [e.key]))("%s has a row", (key) => {
    expect(
      MATRIX[key]?.length ?? 0,
      `${key} has no row in the authorization matrix (tests/integration/authz-matrix.test.ts): add one saying who may call it`,
    ).toBeGreaterThan(0);
  });

  it("has no row for an entry point that no longer exists", () => {
    const known = new Set(ENTRY_POINTS.map((e) => e.key));
    expect(Object.keys(MATRIX).filter((k) => !known.has(k))).toEqual([]);
  });
});

for (const entry of ENTRY_POINTS) {
  const cases = MATRIX[entry.key];
  if (!cases) continue;
  describe(entry.key, () => {
    for (const c of cases) {
      it.each(CALLERS)(`${c.does}: %s`, async (caller) => {
        const cell = await newCell(caller, c);
        signedIn.user = cell.user ? { id: cell.user.id, name: cell.user.name, email: cell.user.email } : null;
        const invoke = await c.prepare(entry.fn, cell);
        // "Last used" of earlier cells' machine reads is written off the read path, on a timer: write it now,
        // or it can land between the snapshots and pass for a change made by this call (seen in CI on loaded cores).
        await flushUsage();
        const before = await scopedRows(needles(cell));
        const outcome = await outcomeOf(invoke);
        const after = await scopedRows(needles(cell));

        if (c.allowed.includes(caller)) {
          expect(outcome, `${caller} may ${c.does}`).toMatchObject({ ok: true });
          const mutates = typeof c.mutates === "function" ? c.mutates(cell) : (c.mutates ?? entry.kind === "action");
          if (mutates) expect(after, `${caller}: ${c.does} changed rows`).not.toEqual(before);
          else expect(after).toEqual(before);
          await c.verify?.(cell, outcome.result);
        } else {
          const code = c.refusal?.[caller] ?? DEFAULT_REFUSAL[caller];
          expect(outcome, `${caller} is refused: ${c.does}`).toMatchObject({ ok: false, code });
          expect(after, `${caller}'s refused call changed nothing`).toEqual(before);
          expect(revalidatePath).not.toHaveBeenCalled();
        }
      });
    }
  });
}

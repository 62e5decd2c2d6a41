// The whole authorization policy, as data: which permissions each role holds, which secret visibilities
// each role may use and how, and small pure policies over those tables. The DAL enforces them and the DTOs'
// `can*` flags are computed from them, so the button a page shows and the refusal an action gives cannot
// disagree. No `role ===` outside this folder: a rule written twice drifts once. Pure (no server-only):
// client components read the labels; tests/integration/authz-matrix.test.ts reads the tables, so a
// permission or visibility rule without a matrix row fails there.
import type { TRole, TVisibility } from "@/db/schema";

// The role and visibility types, for client code (which imports nothing of db/).
export type { TRole, TVisibility };

export const ROLES = ["owner", "admin", "editor"] as const satisfies readonly TRole[];
export const VISIBILITIES = ["masked", "restricted"] as const satisfies readonly TVisibility[];

export const ROLE_LABELS: Record<TRole, string> = { owner: "Owner", admin: "Admin", editor: "Editor" };

export const PERMISSIONS = [
  "team.read",
  "secrets.read",
  "secrets.write",
  // Check value: compare a pasted candidate with a stored value (answer: matches or not), for the secrets
  // the visibility map lets the role check.
  "secrets.check",
  // Edit a secret's details (description, expiry and rotation policy) without touching its value.
  "secrets.details",
  // See which consumers (access tokens, webhooks) last received which version of a secret, and when: the
  // row's "2 of 5 consumers still on v3", the History and Rotate dialogs' lists, the list route's field.
  // Owners/Admins only, like the tokens it names (tokens.manage): Editors get null whatever the visibility.
  "secrets.consumer_versions",
  "members.read",
  // Invite Admins and Editors, revoke their invitations.
  "members.invite",
  // Owner-only: invite an Owner, and revoke or replace a pending Owner invitation.
  "members.invite_owner",
  // Change the role of Editors (to Admin or Editor) and remove them.
  "members.manage",
  // Owner-only: change the role of or remove Admins and Owners, grant Owner, change one's own role.
  "members.manage_owners",
  // Owner-only: hand Owner to another member and become an Admin.
  "members.transfer_ownership",
  "audit.read",
  "tokens.manage",
  "webhooks.read",
  "webhooks.write",
  // See a webhook's signing secret (once, when made) and rotate it.
  "webhooks.signing_secret",
  // Send a past delivery again.
  "webhooks.redeliver",
] as const;
export type TPermission = (typeof PERMISSIONS)[number];

const EDITOR: readonly TPermission[] = ["team.read", "secrets.read", "secrets.check", "members.read", "webhooks.read", "webhooks.write"];
const ADMIN: readonly TPermission[] = [
  ...EDITOR,
  "secrets.write",
  "secrets.details",
  "secrets.consumer_versions",
  "members.invite",
  "members.manage",
  "audit.read",
  "tokens.manage",
  "webhooks.signing_secret",
  "webhooks.redeliver",
];
const OWNER: readonly TPermission[] = [...ADMIN, "members.invite_owner", "members.manage_owners", "members.transfer_ownership"];

export const ROLE_PERMISSIONS: Record<TRole, readonly TPermission[]> = { owner: OWNER, admin: ADMIN, editor: EDITOR };

export function roleCan(role: TRole, permission: TPermission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** The roles holding a permission, in ROLES order. */
export const rolesWith = (permission: TPermission): TRole[] => ROLES.filter((r) => roleCan(r, permission));

/**
 * What a role may do with a secret of each visibility (Documenso's visibility map):
 * - fingerprint: see its fingerprint in lists and histories;
 * - check: get a yes/no to a candidate value (Check value) — like a fingerprint, a fact about the value;
 * - attach: bind it to a consumer (a webhook, an access token), and change or delete a consumer that has it;
 * - send: use a consumer that carries it and see what comes back (Send test, a webhook's delivery log):
 *   a receiver's answer can echo the value.
 */
export const VISIBILITY_USES = ["fingerprint", "check", "attach", "send"] as const;
export type TVisibilityUse = (typeof VISIBILITY_USES)[number];

const EVERY_VISIBILITY: readonly TVisibility[] = VISIBILITIES;
export const ROLE_VISIBILITIES: Record<TRole, Record<TVisibilityUse, readonly TVisibility[]>> = {
  owner: { fingerprint: EVERY_VISIBILITY, check: EVERY_VISIBILITY, attach: EVERY_VISIBILITY, send: EVERY_VISIBILITY },
  admin: { fingerprint: EVERY_VISIBILITY, check: EVERY_VISIBILITY, attach: EVERY_VISIBILITY, send: EVERY_VISIBILITY },
  // Editors see that a Restricted secret exists, nothing about its value.
  editor: { fingerprint: ["masked"], check: ["masked"], attach: ["masked"], send: ["masked"] },
};

export function canUseVisibility(role: TRole, use: TVisibilityUse, visibility: TVisibility): boolean {
  return ROLE_VISIBILITIES[role][use].includes(visibility);
}

/** The visibilities a role may not use this way (empty: every secret). DAL queries look for these. */
export const barredVisibilities = (role: TRole, use: TVisibilityUse): TVisibility[] =>
  VISIBILITIES.filter((v) => !canUseVisibility(role, use, v));

/** The roles that may use a visibility this way, in ROLES order. */
export const rolesUsing = (use: TVisibilityUse, visibility: TVisibility): TRole[] =>
  ROLES.filter((r) => canUseVisibility(r, use, visibility));

/**
 * What a role may learn about one secret's value: its fingerprint (the list's column, the History dialog) and
 * a yes/no to a candidate (Check value). Both the DTOs' flags and the DAL's refusals come from here.
 */
export function secretPolicy(role: TRole, visibility: TVisibility) {
  return {
    canSeeFingerprint: canUseVisibility(role, "fingerprint", visibility),
    canCheck: canUseVisibility(role, "check", visibility) && roleCan(role, "secrets.check"),
  };
}

/**
 * What a role may do with one webhook, given the visibilities of the secrets it carries: edit or delete it
 * when it may attach each of them; send a test of it and see its deliveries when it may send each of them.
 */
export function webhookPolicy(role: TRole, carried: readonly TVisibility[]) {
  const canSend = carried.every((v) => canUseVisibility(role, "send", v));
  return { canEdit: carried.every((v) => canUseVisibility(role, "attach", v)), canTest: canSend, canSeeDeliveries: canSend };
}

/**
 * Which members a permission lets its holder change and remove (by their role), and which roles it lets
 * them give. A holder of none changes nobody. `self`: whether it covers one's own role.
 */
const MEMBER_RULES: { permission: TPermission; targets: readonly TRole[]; grants: readonly TRole[]; self: boolean }[] = [
  { permission: "members.manage", targets: ["editor"], grants: ["admin", "editor"], self: false },
  { permission: "members.manage_owners", targets: ROLES, grants: ROLES, self: true },
];

/**
 * What `actorRole` may do to a member holding `targetRole` (the last-Owner rule is checked in the
 * transaction). Nobody removes themselves here: that is Leave team.
 */
export function memberPolicy(actorRole: TRole, targetRole: TRole, isSelf: boolean) {
  const rules = MEMBER_RULES.filter((r) => roleCan(actorRole, r.permission) && (isSelf ? r.self : r.targets.includes(targetRole)));
  const assignableRoles = ROLES.filter((role) => rules.some((r) => r.grants.includes(role)));
  return {
    assignableRoles,
    canRemove: !isSelf && rules.length > 0,
    // Ownership goes to someone who is not an Owner yet.
    canTransferOwnership: !isSelf && targetRole !== "owner" && roleCan(actorRole, "members.transfer_ownership"),
  };
}

/** The refusal memberPolicy stands for: an Admin is told what Admins may do instead. */
export function memberRefusal(actorRole: TRole, what: "change" | "remove"): string {
  const editorsOnly = roleCan(actorRole, "members.manage") && !roleCan(actorRole, "members.manage_owners");
  if (what === "change") return editorsOnly ? "Admins can change the role of Editors only, and cannot grant Owner." : "You cannot change this member's role.";
  return editorsOnly ? "Admins can remove Editors only." : "You cannot remove this member.";
}

/**
 * What moving a member from role `from` to `to` (null: out of the team) does: whether anything changes, and
 * whether the team loses an Owner by it (refused for its last Owner: a team always keeps one).
 */
export function roleChange(from: TRole, to: TRole | null) {
  return { changes: from !== to, takesAnOwner: from === "owner" && to !== "owner" };
}

/** The roles a role may invite members as (empty: it invites nobody). */
export function invitableRoles(actorRole: TRole): TRole[] {
  if (!roleCan(actorRole, "members.invite")) return [];
  return ROLES.filter((r) => r !== "owner" || roleCan(actorRole, "members.invite_owner"));
}

/** What a role may do with a pending invitation that would grant `invitationRole`: revoke it, or replace it by inviting the address again. */
export function invitationPolicy(actorRole: TRole, invitationRole: TRole) {
  const may = invitableRoles(actorRole).includes(invitationRole);
  return { canRevoke: may, canReplace: may };
}

/** Which pages and page-level controls of a team a role gets (the settings tabs, the headline actions). */
export function teamPolicy(role: TRole) {
  return {
    canWriteSecrets: roleCan(role, "secrets.write"),
    canInvite: invitableRoles(role).length > 0,
    canInviteOwner: invitableRoles(role).includes("owner"),
    canManageTokens: roleCan(role, "tokens.manage"),
    canReadAudit: roleCan(role, "audit.read"),
  };
}
export type TTeamPolicy = ReturnType<typeof teamPolicy>;

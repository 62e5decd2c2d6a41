// The policy's product rules, stated once more by hand: the tables are data, so a slip in them (an Editor
// given secrets.write, an Admin given an Owner-only permission) must fail here as well as in the matrix.
import { describe, expect, it } from "vitest";
import type { TRole } from "@/db/schema";
import {
  barredVisibilities,
  invitableRoles,
  invitationPolicy,
  memberPolicy,
  memberRefusal,
  ROLE_PERMISSIONS,
  ROLES,
  roleChange,
  rolesUsing,
  rolesWith,
  secretPolicy,
  teamPolicy,
  webhookPolicy,
} from "./policy";

describe("the permission table", () => {
  it("gives Owners exactly the Admin permissions plus the Owner-only ones", () => {
    const ownerOnly = ROLE_PERMISSIONS.owner.filter((p) => !ROLE_PERMISSIONS.admin.includes(p));
    expect(ownerOnly.sort()).toEqual(["members.invite_owner", "members.manage_owners", "members.transfer_ownership"]);
    expect(ROLE_PERMISSIONS.admin.every((p) => ROLE_PERMISSIONS.owner.includes(p))).toBe(true);
  });

  it("keeps secrets, tokens, the audit log and signing secrets from Editors", () => {
    for (const p of [
      "secrets.write",
      "secrets.consumer_versions",
      "tokens.manage",
      "audit.read",
      "webhooks.signing_secret",
      "webhooks.redeliver",
      "members.invite",
    ] as const) {
      expect(rolesWith(p), p).toEqual(["owner", "admin"]);
    }
    expect(rolesWith("webhooks.write")).toEqual(["owner", "admin", "editor"]);
  });
});

describe("the visibility map", () => {
  it("lets Editors fingerprint, check, attach and send Masked secrets only", () => {
    for (const use of ["fingerprint", "check", "attach", "send"] as const) {
      expect(rolesUsing(use, "masked"), use).toEqual(["owner", "admin", "editor"]);
      expect(rolesUsing(use, "restricted"), use).toEqual(["owner", "admin"]);
      expect(barredVisibilities("editor", use)).toEqual(["restricted"]);
      expect(barredVisibilities("admin", use)).toEqual([]);
    }
    expect(secretPolicy("editor", "restricted")).toEqual({ canSeeFingerprint: false, canCheck: false });
    expect(secretPolicy("editor", "masked")).toEqual({ canSeeFingerprint: true, canCheck: true });
    expect(secretPolicy("admin", "restricted")).toEqual({ canSeeFingerprint: true, canCheck: true });
  });

  it("makes a webhook that carries a Restricted secret Owners' and Admins' alone", () => {
    expect(webhookPolicy("editor", ["masked", "restricted"])).toEqual({ canEdit: false, canTest: false, canSeeDeliveries: false });
    expect(webhookPolicy("editor", ["masked"])).toEqual({ canEdit: true, canTest: true, canSeeDeliveries: true });
    expect(webhookPolicy("editor", [])).toEqual({ canEdit: true, canTest: true, canSeeDeliveries: true });
    expect(webhookPolicy("admin", ["restricted"])).toEqual({ canEdit: true, canTest: true, canSeeDeliveries: true });
  });
});

describe("memberPolicy", () => {
  // The rules as they were hand-written in lib/dal/members.ts before they became data.
  function previous(actor: TRole, target: TRole, isSelf: boolean) {
    const all: TRole[] = ["owner", "admin", "editor"];
    const base = isSelf
      ? { assignableRoles: actor === "owner" ? all : [], canRemove: false }
      : actor === "owner"
        ? { assignableRoles: all, canRemove: true }
        : actor === "admin" && target === "editor"
          ? { assignableRoles: ["admin", "editor"] as TRole[], canRemove: true }
          : { assignableRoles: [] as TRole[], canRemove: false };
    return { ...base, canTransferOwnership: actor === "owner" && !isSelf && target !== "owner" };
  }

  for (const actor of ROLES) {
    for (const target of ROLES) {
      for (const isSelf of [false, true]) {
        if (isSelf && actor !== target) continue;
        it(`${actor} → ${target}${isSelf ? " (self)" : ""}`, () => {
          expect(memberPolicy(actor, target, isSelf)).toEqual(previous(actor, target, isSelf));
        });
      }
    }
  }

  it("tells Admins what Admins may do, and others a plain refusal", () => {
    expect(memberRefusal("admin", "change")).toBe("Admins can change the role of Editors only, and cannot grant Owner.");
    expect(memberRefusal("admin", "remove")).toBe("Admins can remove Editors only.");
    expect(memberRefusal("editor", "change")).toBe("You cannot change this member's role.");
    expect(memberRefusal("owner", "remove")).toBe("You cannot remove this member.");
  });

  it("knows when a change takes an Owner from the team", () => {
    expect(roleChange("owner", "admin")).toEqual({ changes: true, takesAnOwner: true });
    expect(roleChange("owner", null)).toEqual({ changes: true, takesAnOwner: true });
    expect(roleChange("owner", "owner")).toEqual({ changes: false, takesAnOwner: false });
    expect(roleChange("admin", "owner")).toEqual({ changes: true, takesAnOwner: false });
  });
});

describe("invitations and page capabilities", () => {
  it("lets Owners alone invite Owners and revoke or replace their invitations", () => {
    expect(invitableRoles("owner")).toEqual(["owner", "admin", "editor"]);
    expect(invitableRoles("admin")).toEqual(["admin", "editor"]);
    expect(invitableRoles("editor")).toEqual([]);
    expect(invitationPolicy("admin", "owner")).toEqual({ canRevoke: false, canReplace: false });
    expect(invitationPolicy("admin", "editor")).toEqual({ canRevoke: true, canReplace: true });
    expect(invitationPolicy("owner", "owner")).toEqual({ canRevoke: true, canReplace: true });
  });

  it("shows the Access tokens and Audit log pages to Owners and Admins", () => {
    expect(teamPolicy("editor")).toEqual({ canWriteSecrets: false, canInvite: false, canInviteOwner: false, canManageTokens: false, canReadAudit: false });
    expect(teamPolicy("admin")).toEqual({ canWriteSecrets: true, canInvite: true, canInviteOwner: false, canManageTokens: true, canReadAudit: true });
    expect(teamPolicy("owner").canInviteOwner).toBe(true);
  });
});

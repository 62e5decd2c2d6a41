// Members and invitations as the Members page shows them, with the viewer's can* flags (lib/authz).
import type { TRole } from "@/db/schema";

export type TMemberDTO = {
  userId: string;
  name: string;
  email: string;
  role: TRole;
  joinedAt: string;
  lastActiveAt: string | null;
  isSelf: boolean;
  /** Roles the viewer may give this member (empty: the viewer cannot change it). */
  assignableRoles: TRole[];
  canRemove: boolean;
  canTransferOwnership: boolean;
};

export type TInvitationDTO = {
  id: string;
  email: string;
  role: TRole;
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
  isExpired: boolean;
  /** Whether the viewer may revoke it (an Owner invitation: Owners only). */
  canRevoke: boolean;
};

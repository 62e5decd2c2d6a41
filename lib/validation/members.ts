// Zod schemas for members and invitations, shared by dialogs and server actions.
import { z } from "zod";
import { ZEmail } from "./auth";

const ZRole = z.enum(["owner", "admin", "editor"], { error: "Choose a role." });

export const ZInviteInput = z.object({ email: ZEmail, role: ZRole });
export const ZMemberRef = z.object({ userId: z.uuid({ error: "Unknown member." }) });
export const ZChangeRoleInput = z.object({ userId: z.uuid({ error: "Unknown member." }), role: ZRole });
export const ZInvitationRef = z.object({ invitationId: z.uuid({ error: "Unknown invitation." }) });

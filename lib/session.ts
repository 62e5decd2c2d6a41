import "server-only";
// The signed-in user for server components, server actions and route handlers. A session whose account no
// longer exists counts as signed out.
import { cache } from "react";
import { auth } from "@/auth";
import { isSessionActive } from "@/lib/dal/sessions";
import { getUserById, type TSessionUser } from "@/lib/dal/users";
import type { TActor } from "@/lib/types/actor";

/** The session's server-side id, for sign-out. */
export async function currentSessionId(): Promise<string | null> {
  const session = await auth();
  const sid = (session as { sid?: unknown } | null)?.sid;
  return typeof sid === "string" ? sid : null;
}

/** Memoized per request (layout and page share one lookup). */
export const currentUser = cache(async function currentUser(): Promise<TSessionUser | null> {
  const session = await auth();
  const id = session?.user?.id;
  const sid = (session as { sid?: unknown } | null)?.sid;
  if (!id || typeof sid !== "string") return null;
  if (!(await isSessionActive(sid, id))) return null;
  return getUserById(id);
});

export const actorOf = (u: TSessionUser): TActor => ({ id: u.id, label: u.email });

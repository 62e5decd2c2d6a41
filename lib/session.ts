import "server-only";
// The signed-in user for server components, server actions and route handlers. A session whose account no
// longer exists counts as signed out.
import { auth } from "@/auth";
import { getUserById, type TSessionUser } from "@/lib/dal/users";
import type { TActor } from "@/lib/dal/audit";

export async function currentUser(): Promise<TSessionUser | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  return getUserById(id);
}

export const actorOf = (u: TSessionUser): TActor => ({ id: u.id, label: u.email });

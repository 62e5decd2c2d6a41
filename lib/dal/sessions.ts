import "server-only";
// Server-side session records. The session cookie is a JWT naming one of these rows; a row that is
// revoked (sign-out) or expired ends the session at once, whatever the cookie says.
import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { userSessions } from "@/db/schema";

const TOUCH_EVERY_MS = 5 * 60 * 1000;

export async function createUserSession(userId: string, maxAgeSeconds: number): Promise<string> {
  const db = await getDb();
  const [row] = await db
    .insert(userSessions)
    .values({ userId, expiresAt: new Date(Date.now() + maxAgeSeconds * 1000) })
    .returning({ id: userSessions.id });
  if (!row) throw new Error("session insert returned nothing");
  return row.id;
}

/** True when the session is live; refreshes its last-seen time at most every few minutes. */
export async function isSessionActive(sessionId: string, userId: string): Promise<boolean> {
  const db = await getDb();
  const [row] = await db
    .select({ lastSeenAt: userSessions.lastSeenAt })
    .from(userSessions)
    .where(
      and(
        eq(userSessions.id, sessionId),
        eq(userSessions.userId, userId),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, sql`now()`),
      ),
    )
    .limit(1);
  if (!row) return false;
  if (Date.now() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(userSessions).set({ lastSeenAt: sql`now()` }).where(eq(userSessions.id, sessionId));
  }
  return true;
}

export async function revokeUserSession(sessionId: string): Promise<void> {
  const db = await getDb();
  await db.update(userSessions).set({ revokedAt: sql`now()` }).where(and(eq(userSessions.id, sessionId), isNull(userSessions.revokedAt)));
  // Housekeeping: forget sessions that ended more than a day ago.
  await db
    .delete(userSessions)
    .where(or(lt(userSessions.expiresAt, sql`now() - interval '1 day'`), lt(userSessions.revokedAt, sql`now() - interval '1 day'`)));
}

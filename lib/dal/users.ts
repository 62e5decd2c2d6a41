import "server-only";
// Accounts and password verification. Passwords are hashed with argon2id (OWASP parameters) and never
// stored, returned or logged.
import { hash, verify } from "@node-rs/argon2";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { oauthAccounts, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { isUniqueViolation } from "@/db/errors";

const ARGON2 = { algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export type TSessionUser = { id: string; name: string; email: string };

export const hashPassword = (password: string) => hash(password, ARGON2);

// A real hash of a random password, verified when no account matches, so response time does not tell
// whether an email has an account.
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => (dummyHash ??= hash(crypto.randomUUID(), ARGON2));

export async function createUser(input: { name: string; email: string; password: string }): Promise<TSessionUser> {
  const db = await getDb();
  const passwordHash = await hashPassword(input.password);
  try {
    const [row] = await db
      .insert(users)
      .values({ name: input.name, email: input.email, passwordHash })
      .returning({ id: users.id, name: users.name, email: users.email });
    if (!row) throw new Error("user insert returned nothing");
    return row;
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError("conflict", "An account with this email already exists. Sign in instead.", {
        email: ["An account with this email already exists. Sign in instead."],
      });
    }
    throw err;
  }
}

/** The user for these credentials, or null. Same work whether or not the email has an account. */
export async function verifyCredentials(email: string, password: string): Promise<TSessionUser | null> {
  const db = await getDb();
  const [row] = await db
    .select({ id: users.id, name: users.name, email: users.email, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  if (!row?.passwordHash) {
    await verify(await getDummyHash(), password).catch(() => false);
    return null;
  }
  const ok = await verify(row.passwordHash, password).catch(() => false);
  return ok ? { id: row.id, name: row.name, email: row.email } : null;
}

export async function getUserById(id: string): Promise<TSessionUser | null> {
  const db = await getDb();
  const [row] = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return row ?? null;
}

/**
 * The user behind an OAuth/OIDC identity, created on first sign-in. An identity is never attached to an
 * existing password account by email alone (that would let a provider that does not verify emails take it over).
 */
export async function findOrCreateOAuthUser(input: {
  provider: string;
  providerAccountId: string;
  email: string;
  name: string;
}): Promise<TSessionUser | null> {
  const db = await getDb();
  const [linked] = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(oauthAccounts)
    .innerJoin(users, eq(users.id, oauthAccounts.userId))
    .where(and(eq(oauthAccounts.provider, input.provider), eq(oauthAccounts.providerAccountId, input.providerAccountId)))
    .limit(1);
  if (linked) return linked;
  try {
    return await db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ name: input.name, email: input.email })
        .returning({ id: users.id, name: users.name, email: users.email });
      if (!user) throw new Error("user insert returned nothing");
      await tx.insert(oauthAccounts).values({ provider: input.provider, providerAccountId: input.providerAccountId, userId: user.id });
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return null; // the email belongs to another account
    throw err;
  }
}

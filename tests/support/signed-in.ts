// Who is signed in and what the request looks like, for tests that call server actions and route handlers
// without a Next request. A file mocks the modules with these (vi.mock factories cannot see the file's own
// variables) and then sets `signedIn.user` (null: signed out):
//   vi.mock("@/lib/session", async (importOriginal) => (await import("../support/signed-in")).sessionOf(await importOriginal()));
//   vi.mock("next/headers", async () => (await import("../support/signed-in")).headersOf({ "user-agent": "vitest-x" }));
import { vi } from "vitest";
import type { TSessionUser } from "@/lib/dal/users";

export const signedIn = { user: null as TSessionUser | null };

/** lib/session with currentUser() answering `signedIn.user`. */
export function sessionOf(real: typeof import("@/lib/session")): typeof import("@/lib/session") {
  return { ...real, currentUser: vi.fn(async () => signedIn.user) };
}

/** next/headers whose headers() are these. */
export const headersOf = (headers: Record<string, string>) => ({ headers: async () => new Headers(headers) });

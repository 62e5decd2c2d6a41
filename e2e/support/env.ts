// Constants shared by the Playwright config, fixtures and specs.
import path from "node:path";

// E2E_PORT lets two checkouts run the suite at once on one machine.
export const PORT = Number(process.env.E2E_PORT ?? 3210);
export const BASE_URL = `http://127.0.0.1:${PORT}`;
export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const ARTIFACTS_DIR = path.join(ROOT, "e2e", ".artifacts");
export const LEAK_DIR = path.join(ARTIFACTS_DIR, "leak");
export const AUTH_DIR = path.join(ROOT, "e2e", ".auth");

export const TEAM = "acme";
export const OTHER_TEAM = "globex";
export const SECRETS_PATH = `/teams/${TEAM}/settings/secrets`;

export const ROLES = ["owner", "admin", "editor", "outsider"] as const;
export type TRole = (typeof ROLES)[number];

export const USERS: Record<TRole, { email: string; name: string }> = {
  owner: { email: "owner@example.com", name: "Olivia Owner" },
  admin: { email: "admin@example.com", name: "Adam Admin" },
  editor: { email: "editor@example.com", name: "Edith Editor" },
  outsider: { email: "outsider@example.com", name: "Oscar Outsider" },
};

export const storageStatePath = (role: TRole) => path.join(AUTH_DIR, `${role}.json`);

/** The seeded users' password for this run (set by playwright.config.ts). */
export function seedPassword(): string {
  const p = process.env.E2E_SEED_PASSWORD;
  if (!p) throw new Error("E2E_SEED_PASSWORD is not set: run the suite through playwright.config.ts");
  return p;
}

export const serverLogPath = () => process.env.E2E_SERVER_LOG ?? path.join(ARTIFACTS_DIR, "server.log");

// End-to-end suite: a production build of the app (`next build` into .next-e2e, then `next start`) against a
// fresh embedded database per run (or DATABASE_URL when set), driven in Debian's Chromium.
// Run-wide values (run id, seed password) are fixed here once, in the runner process; workers and the web
// server inherit them through the environment, so every process agrees on them.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { ARTIFACTS_DIR, AUTH_DIR, BASE_URL, PORT, ROLES } from "./e2e/support/env";

process.env.E2E_RUN_ID ??= `${Date.now()}`;
// A random password per run for the seeded users: the suite registers it with the leak recorder, and the seed
// script does not print a password that comes from SEED_PASSWORD.
process.env.E2E_SEED_PASSWORD ??= `seed-${randomBytes(12).toString("base64url")}`;
process.env.E2E_SERVER_LOG ??= path.join(ARTIFACTS_DIR, "server.log");

// With DATABASE_URL the suite runs on a database of its own beside it (NAME_e2e, emptied and migrated by
// e2e/support/web-server.mjs): the caller's database may hold another suite's rows and keys (the integration
// tests' fingerprint key is sealed under their own master key, which this server does not have).
function e2eDatabaseUrl(url: string): string {
  const u = new URL(url);
  u.pathname = `${u.pathname.replace(/\/+$/, "")}_e2e`;
  return u.toString();
}
const databaseUrl = process.env.DATABASE_URL ? e2eDatabaseUrl(process.env.DATABASE_URL) : "";
const serverEnv: Record<string, string> = {
  PORT: String(PORT),
  NEXT_DIST_DIR: ".next-e2e",
  NEXT_TELEMETRY_DISABLED: "1",
  // Fixed test keys: never used outside this suite.
  SECRETS_MASTER_KEY: "ZTJlLXRlc3QtbWFzdGVyLWtleS0wMTIzNDU2Nzg5YWI=",
  AUTH_SECRET: "e2e-auth-secret-not-for-production-0123456789",
  AUTH_TRUST_HOST: "true",
  SEED_PASSWORD: process.env.E2E_SEED_PASSWORD,
  DATA_DIR: `.data/e2e-${process.env.E2E_RUN_ID}`,
  E2E_SERVER_LOG: process.env.E2E_SERVER_LOG,
  // Sign-in failures are part of the suite; keep the real limits but never let them lock out the seeded users.
  SIGNIN_MAX_FAILURES_PER_IP: "1000",
  // e2e/webhooks.spec.ts delivers to a receiver it starts on 127.0.0.1; nothing else passes the SSRF guard.
  WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
  // Last used is written by the usage recorder off the read path; flush often so e2e sees it soon.
  USAGE_FLUSH_MS: "500",
  DATABASE_URL: databaseUrl,
  // The same database as its owner (CI's least-privilege roles), or none: never the caller's own database.
  DATABASE_MIGRATION_URL: databaseUrl && process.env.DATABASE_MIGRATION_URL ? e2eDatabaseUrl(process.env.DATABASE_MIGRATION_URL) : "",
  ...(databaseUrl ? {} : { PGLITE_DATA_DIR: `.data/e2e-${process.env.E2E_RUN_ID}/pglite` }),
};

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./e2e/.artifacts/test-results",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  timeout: 30_000,
  expect: { timeout: 7_500 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never", outputFolder: "e2e/.artifacts/report" }]] : "list",
  globalSetup: "./e2e/global-setup.ts",
  globalTeardown: "./e2e/global-teardown.ts",
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts$/ },
    {
      name: "chromium",
      testMatch: /\.spec\.ts$/,
      dependencies: ["setup"],
      use: { storageState: { cookies: [], origins: [] } },
    },
  ],
  webServer: {
    // Builds, seeds and starts the app, teeing its output to E2E_SERVER_LOG (read by the leak check).
    command: "node e2e/support/web-server.mjs",
    url: `${BASE_URL}/sign-in`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    env: serverEnv,
  },
  metadata: { roles: ROLES.join(","), authDir: AUTH_DIR },
});

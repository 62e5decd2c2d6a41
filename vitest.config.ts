import path from "node:path";
import { defineConfig } from "vitest/config";

// Unit tests sit beside the code; integration tests (tests/integration) run against embedded PGlite and,
// when DATABASE_URL is set, against that Postgres too (a second project).
const root = import.meta.dirname;
const shared = {
  alias: {
    "@": root,
    // `server-only` throws outside React's server build; in tests every module is server-side.
    "server-only": path.join(root, "tests/support/empty.ts"),
  },
};
const baseEnv = {
  NODE_ENV: "test" as const,
  SECRETS_MASTER_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
  AUTH_SECRET: "test-auth-secret-test-auth-secret-0123",
  DATA_DIR: ".data/test",
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve: shared,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "db/**/*.test.ts"],
          env: { ...baseEnv, DATABASE_URL: "" },
        },
      },
      {
        resolve: shared,
        test: {
          name: "pglite",
          include: ["tests/integration/**/*.test.ts"],
          // The kill -9 re-wrap test runs `keys rotate` in a second process on the same database, which an
          // embedded PGlite (one process per database) cannot share: it runs in the Postgres project only.
          exclude: ["tests/integration/key-rotation-crash.test.ts"],
          env: { ...baseEnv, DATABASE_URL: "", PGLITE_DATA_DIR: "memory://" },
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // next-auth imports "next/server" without an extension, which Node's ESM loader refuses;
          // inlined, Vite resolves it (server actions under test import lib/session -> auth.ts).
          server: { deps: { inline: ["next-auth"] } },
        },
      },
      ...(process.env.DATABASE_URL
        ? [
            {
              resolve: shared,
              test: {
                name: "postgres",
                include: ["tests/integration/**/*.test.ts"],
                env: { ...baseEnv, DATABASE_URL: process.env.DATABASE_URL },
                testTimeout: 30_000,
                hookTimeout: 60_000,
                server: { deps: { inline: ["next-auth"] } },
              },
            },
          ]
        : []),
    ],
  },
});

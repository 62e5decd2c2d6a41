import path from "node:path";
import { defineConfig } from "vitest/config";

// The scale tests (tests/scale): two production instances behind HAProxy, through PgBouncer. Separate from
// vitest.config.ts because they need the production build the e2e suite makes (`npm test` runs them after it).
const root = import.meta.dirname;
export default defineConfig({
  resolve: {
    alias: { "@": root, "server-only": path.join(root, "tests/support/empty.ts") },
  },
  test: {
    name: "scale",
    include: ["tests/scale/**/*.test.ts"],
    env: {
      NODE_ENV: "test",
      // Fixed test keys, shared with the instances this suite starts: never used outside tests.
      SECRETS_MASTER_KEY: "c2NhbGUtdGVzdC1tYXN0ZXIta2V5LTAxMjM0NTY3ODk=",
      AUTH_SECRET: "scale-test-auth-secret-not-for-production-0123",
      // The suite's webhook receiver listens on loopback (the instances get the same setting).
      WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
    },
    testTimeout: 60_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});

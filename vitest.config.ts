import { defineConfig } from "vitest/config";

// Two projects: `unit` needs no services; `int` (*.int.test.ts) needs Postgres and Redis, which
// scripts/test-run.ts provides through SHOAL_TEST_DATABASE_URL (admin URL) and REDIS_URL.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/**/src/**/*.test.ts", "apps/**/src/**/*.test.ts"],
          exclude: ["**/node_modules/**", "**/.next/**", "**/*.int.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "int",
          include: ["**/src/**/*.int.test.ts"],
          exclude: ["**/node_modules/**", "**/.next/**"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Real Postgres and Redis on 2 cores: at most two test files at a time.
          maxWorkers: 2,
        },
      },
    ],
  },
});

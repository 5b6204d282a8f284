import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

// global-setup.ts starts web + master + worker on SHOAL_E2E_WEB_PORT (scripts/test-run.ts picks a
// free one) and exports SHOAL_E2E_BASE_URL. Test workers are forked after global setup and load
// this file again, so they see the URL too.
process.env.SHOAL_E2E_WEB_PORT ??= String(20_000 + Math.floor(Math.random() * 20_000));
process.env.SHOAL_E2E_BASE_URL ??= `http://127.0.0.1:${process.env.SHOAL_E2E_WEB_PORT}`;

export default defineConfig({
  testDir: import.meta.dirname,
  testMatch: "*.spec.ts",
  outputDir: path.join(import.meta.dirname, "../test-results/e2e"),
  globalSetup: "./global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: "list",
  use: {
    baseURL: process.env.SHOAL_E2E_BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    video: "off",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--headless",
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
    },
  ],
});

// End-to-end tests in Debian's Chromium (/usr/bin/chromium; Playwright cannot download its own
// browser here) against a real `leerweek serve --demo` on a fresh database, and a plain
// `leerweek serve` on an empty one for the first run.
import { defineConfig } from "@playwright/test";

const port = process.env.E2E_PORT ?? "18080";
export const baseURL = `http://127.0.0.1:${port}`;
/** A second server on an empty database, for the first run (no demo, no CLI step). */
export const freshURL = `http://127.0.0.1:${process.env.E2E_FRESH_PORT ?? "18081"}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    locale: "nl-NL",
    timezoneId: "Europe/Amsterdam",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: [
    {
      command: "node e2e/server.mjs",
      url: `${baseURL}/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "node e2e/server.mjs fresh",
      url: `${freshURL}/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});

import { defineConfig } from '@playwright/test';

/**
 * The adoption test's browser checks (scripts/adoption-test.sh starts the stock app and sets
 * ADOPTION_URL). Debian's Chromium, as in playwright.config.ts: Playwright never downloads one.
 */
export default defineConfig({
  testDir: '.',
  testMatch: 'adoption.test.ts',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: true,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  outputDir: '../node_modules/.cache/adoption-test-results',
  use: {
    baseURL: process.env.ADOPTION_URL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});

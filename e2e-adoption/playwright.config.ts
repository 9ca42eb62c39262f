import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

/**
 * The adoption test's browser checks (scripts/adoption-test.sh starts the stock app and sets
 * ADOPTION_URL), in the same Debian Chromium and viewport as the end-to-end tests.
 */
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'adoption.test.ts',
  timeout: 120_000,
  forbidOnly: true,
  reporter: [['list']],
  outputDir: '../node_modules/.cache/adoption-test-results',
  use: { ...base.use, baseURL: process.env.ADOPTION_URL },
});

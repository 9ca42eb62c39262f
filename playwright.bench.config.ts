import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * Benchmarks in Chromium (not tests): `scripts/e2e.sh -c playwright.bench.config.ts` starts the
 * app if needed and prints the figures.
 */
export default defineConfig({
  ...base,
  testDir: 'packages/app/bench',
  testMatch: '*.bench.ts',
  reporter: [['list']],
  timeout: 300_000,
});

/*
 * Benchmark (not a test): the SBOM viewer with 10,000 components in Chromium — time to the first
 * rendered page and to a filtered result — next to the demo's real 15-component SBOM measured in
 * the same run. The 10k SBOM is served through the backend's own paging and filtering code
 * (sbomPage), so only the data differs.
 *
 *   scripts/e2e.sh -c playwright.bench.config.ts
 */
import { test, expect, Page } from '@playwright/test';
/* eslint-disable no-console -- a benchmark prints its figures */
import {
  SbomComponent,
  sbomPage,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { signInAsGuest } from '../e2e-tests/signIn';

const COMPONENTS = 10_000;
const ROUNDS = 5;
const TAB = '/catalog/default/component/frontend/zero-trust';

const synthetic: SbomComponent[] = Array.from(
  { length: COMPONENTS },
  (_, i) => ({
    name: `package-${String(i).padStart(5, '0')}`,
    version: `1.${i % 50}.0`,
    type: i % 10 === 0 ? 'operating-system' : 'library',
    purl: `pkg:npm/package-${i}@1.${i % 50}.0`,
    licenses: [i % 3 === 0 ? 'Apache-2.0' : 'MIT'],
    image: 'registry.test/frontend:v1',
    container: 'server',
    cluster: 'bench',
  }),
);

async function serveSynthetic(page: Page) {
  await page.route(
    '**/api/zero-trust/v1/entities/component/default/frontend/sbom?*',
    route => {
      const q = new URL(route.request().url()).searchParams;
      const body = sbomPage('component:default/frontend', synthetic, [], {
        offset: Number(q.get('offset') ?? 0),
        limit: Number(q.get('limit') ?? 50),
        name: q.get('name') ?? undefined,
        type: q.get('type') ?? undefined,
        license: q.get('license') ?? undefined,
      });
      return route.fulfill({ json: body });
    },
  );
}

/** Milliseconds to the first page of rows, then to the result of typing a filter. */
async function measure(page: Page, search: string, expected: string) {
  const start = Date.now();
  await page.goto(TAB);
  const table = page.getByRole('table', { name: 'SBOM components' });
  await expect(table.getByRole('row').nth(1)).toBeVisible();
  const firstRender = Date.now() - start;
  const typed = Date.now();
  await page.getByLabel('Search components').fill(search);
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table).toContainText(expected);
  return { firstRender, filter: Date.now() - typed };
}

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('SBOM viewer: 10k components against the demo SBOM', async ({ page }) => {
  await signInAsGuest(page);
  const demo: { firstRender: number; filter: number }[] = [];
  const large: { firstRender: number; filter: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    await page.unrouteAll();
    demo.push(await measure(page, 'netbase', 'netbase'));
    await serveSynthetic(page);
    large.push(await measure(page, 'package-09999', 'package-09999'));
  }
  const row = (name: string, xs: typeof demo) =>
    `${name.padEnd(34)}${String(median(xs.map(x => x.firstRender))).padStart(
      8,
    )} ms${String(median(xs.map(x => x.filter))).padStart(10)} ms`;
  console.log(
    `\nSBOM viewer in Chromium, median of ${ROUNDS} (tab load includes the posture request; filter includes the 250 ms search debounce)\n`,
  );
  console.log(
    `${''.padEnd(34)}${'first page'.padStart(11)}${'filter'.padStart(13)}`,
  );
  console.log(row('demo SBOM (15 components)', demo));
  console.log(row(`synthetic SBOM (${COMPONENTS} components)`, large));
});

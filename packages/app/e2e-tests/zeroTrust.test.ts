import { test, expect, Page } from '@playwright/test';
import fs from 'node:fs';
import { signInAsGuest, SCREENSHOT_DIR } from './signIn';

// The app's embedded default reads the Online Boutique demo snapshot; its README lists the
// deliberate findings these tests look for.

test.beforeEach(async ({ page }) => {
  await signInAsGuest(page);
});

const controlCard = (page: Page, title: string) =>
  page.getByRole('region', { name: `${title} control` });

const tab = (kind: string, name: string) =>
  `/catalog/default/${kind}/${name}/zero-trust`;

test('the Zero Trust tab opens on a component with a score and a card per control', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/checkoutservice');
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Zero Trust' })
    .click();
  await expect(page).toHaveURL(/\/zero-trust$/);
  await expect(page.getByText(/^Score: \d+\/100$/)).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'Needs attention' }),
  ).toBeVisible();
  for (const title of [
    'Mutual TLS',
    'Progressive delivery',
    'Workload identity',
  ]) {
    await expect(controlCard(page, title)).toBeVisible();
  }
  await page.screenshot({
    path: `${SCREENSHOT_DIR}/zero-trust-tab.png`,
    fullPage: true,
  });
});

test('adservice fails the require-ro-rootfs admission check', async ({
  page,
}) => {
  await page.goto(tab('component', 'adservice'));
  // Needs attention lists exactly the failing, then warning, controls.
  const attention = page.getByRole('region', { name: 'Needs attention' });
  // (The demo's images are not verified by any Kyverno verifyImages policy, and its cluster fails
  // 11 CIS checks: a warning on each component.)
  const rows = attention.getByRole('row');
  await expect(rows).toHaveCount(6);
  const expected = [
    'Admission policy',
    'Image provenance',
    'Vulnerabilities',
    'Runtime alerts',
    'CIS benchmark',
  ];
  for (const [i, title] of expected.entries()) {
    await expect(rows.nth(i + 1)).toContainText(title);
  }
  const admission = controlCard(page, 'Admission policy');
  await expect(
    admission.getByRole('img', { name: 'status: fail' }),
  ).toBeVisible();
  await expect(
    admission.getByRole('table', { name: 'Policy results' }),
  ).toContainText('require-ro-rootfs');
  await admission.screenshot({
    path: `${SCREENSHOT_DIR}/adservice-admission.png`,
  });
});

test('cartservice runs with mTLS STRICT; a link to the control scrolls to it and opens it', async ({
  page,
}) => {
  await page.goto(`${tab('component', 'cartservice')}#zt-mtls`);
  const mtls = controlCard(page, 'Mutual TLS');
  await expect(mtls.getByRole('img', { name: 'status: pass' })).toBeVisible();
  await expect(mtls).toBeInViewport();
  await expect(
    mtls.getByRole('table', { name: 'mTLS per workload' }),
  ).toContainText('STRICT');
  await mtls.screenshot({ path: `${SCREENSHOT_DIR}/cartservice-mtls.png` });
});

test('currencyservice shows the drift between its declared and allowed callers', async ({
  page,
}) => {
  await page.goto(tab('component', 'currencyservice'));
  await expect(
    page.getByText(/Drift: 1 declared caller\(s\) not allowed/),
  ).toBeVisible();
  const callers = page.getByRole('table', { name: 'Callers' });
  await expect(
    callers
      .getByRole('row')
      .filter({ hasText: 'component:default/checkoutservice' }),
  ).toContainText('NOT allowed');
  const card = page.getByRole('region', { name: 'Who can reach it' });
  await card.screenshot({
    path: `${SCREENSHOT_DIR}/currencyservice-reachability.png`,
  });
});

test('the SBOM viewer finds a package by name and downloads CycloneDX', async ({
  page,
}) => {
  await page.goto(tab('component', 'frontend'));
  const table = page.getByRole('table', { name: 'SBOM components' });
  await expect(table).toBeVisible();
  await page.getByLabel('Search components').fill('netbase');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table).toContainText('netbase');
  const sbom = page.getByRole('region', { name: 'SBOM' });
  await sbom.screenshot({ path: `${SCREENSHOT_DIR}/frontend-sbom.png` });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CycloneDX' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('frontend.cdx.json');
  const bom = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.5' });
  expect(bom.components.map((c: { name: string }) => c.name)).toContain(
    'netbase',
  );
});

test('the System page aggregates its components', async ({ page }) => {
  await page.goto(tab('system', 'online-boutique'));
  const matrix = page.getByRole('table', { name: 'Components by control' });
  await expect(matrix.getByRole('row')).toHaveCount(12);
  await expect(
    matrix.getByRole('row').filter({ hasText: 'Ad service' }),
  ).toContainText('fail');
  await expect(controlCard(page, 'Admission policy')).toHaveCount(0);
  await page.screenshot({
    path: `${SCREENSHOT_DIR}/online-boutique-system.png`,
    fullPage: true,
  });
});

test('the overview card on the Overview tab links each control', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/cartservice');
  const card = page.getByRole('region', { name: 'Zero Trust overview' });
  await expect(card.getByText(/^Score: \d+\/100$/)).toBeVisible();
  await expect(card.getByRole('link', { name: 'Mutual TLS' })).toBeVisible();
  await card.screenshot({ path: `${SCREENSHOT_DIR}/overview-card.png` });
});

test('the three software templates are offered under Create', async ({
  page,
}) => {
  await page.goto('/create');
  for (const title of [
    'Zero Trust service',
    'Zero Trust platform (cluster security stack)',
    'Upgrade Zero Trust baseline',
  ]) {
    await expect(page.getByText(title, { exact: true }).first()).toBeVisible();
  }
  await page.screenshot({
    path: `${SCREENSHOT_DIR}/create-templates.png`,
    fullPage: true,
  });
});

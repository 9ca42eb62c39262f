import AxeBuilder from '@axe-core/playwright';
import { test, expect, Page } from '@playwright/test';
import { signInAsGuest } from './signIn';
import {
  SERVICE_TEMPLATE,
  expandEverything,
  fillServicePage,
  nextButton,
  openZeroTrustTab,
  pickEntity,
  region,
  waitForComponentTables,
} from './zeroTrustPages';

// axe-core on every Zero Trust view and on the service template's form, in Chromium on the
// recorded demo: no serious or critical violation in what this plugin suite draws.

test.beforeEach(async ({ page }) => {
  await signInAsGuest(page);
});

/**
 * Nodes that are not ours and have violations of their own: Backstage's app shell and upstream
 * plugins. Each is excluded by selector; everything else on the page is checked.
 */
const NOT_OURS: string[] = [
  // The Create page's header tab: Backstage UI points its aria-controls at a tab panel that the
  // scaffolder does not render (aria-valid-attr-value).
  '[role="tab"][id$="-tab-templates"]',
  // The scaffolder's RepoUrlPicker: its Host select puts aria-label on a div and leaves the
  // native select without a name (aria-prohibited-attr, select-name).
  '[data-testid="host-select"]',
];

/** The serious and critical violations on the page, each with the nodes it was found on. */
async function seriousViolations(page: Page, exclude: string[] = []) {
  let axe = new AxeBuilder({ page })
    // Off by default as experimental; the accordion names are exactly this rule.
    .options({ rules: { 'label-content-name-mismatch': { enabled: true } } });
  for (const selector of [...NOT_OURS, ...exclude]) axe = axe.exclude(selector);
  const { violations } = await axe.analyze();
  return violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({
      rule: v.id,
      help: v.help,
      nodes: v.nodes.map(n => ({
        target: n.target.join(' '),
        summary: n.failureSummary,
      })),
    }));
}

test('the tab of a component with failures', async ({ page }) => {
  await openZeroTrustTab(page, 'component', 'adservice');
  await waitForComponentTables(page);
  expect(await seriousViolations(page)).toEqual([]);
  // Every section and every evidence table open.
  await expandEverything(page);
  expect(await seriousViolations(page)).toEqual([]);
});

test('the tab of a passing component', async ({ page }) => {
  await openZeroTrustTab(page, 'component', 'cartservice');
  await waitForComponentTables(page);
  expect(await seriousViolations(page)).toEqual([]);
});

test('the System view', async ({ page }) => {
  await openZeroTrustTab(page, 'system', 'online-boutique');
  await expect(
    page.getByRole('table', { name: 'Components by control' }),
  ).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await expandEverything(page);
  expect(await seriousViolations(page)).toEqual([]);
});

for (const [kind, name] of [
  ['component', 'adservice'],
  ['system', 'online-boutique'],
]) {
  test(`the overview card of ${kind} ${name}`, async ({ page }) => {
    await page.goto(`/catalog/default/${kind}/${name}`);
    await expect(
      region(page, 'Zero Trust overview').getByText(/^Score: \d+\/100$/),
    ).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });
}

test('the service template form, its errors and each page', async ({
  page,
}) => {
  await page.goto(SERVICE_TEMPLATE);
  await expect(page.locator('#root_name')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  // An open entity picker, then the form's errors.
  await page.locator('#root_system').fill('boutique');
  await expect(page.getByRole('option').first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await fillServicePage(page);
  await page.locator('#root_name').fill('Basket_Service');
  await nextButton(page).click();
  await expect(page.locator('[id="root_name__error"]')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.locator('#root_name').fill('basketservice');
  await nextButton(page).click();
  // Network, with two dependencies chosen.
  await pickEntity(page, 'callees', 'cartservice', 'Cart service');
  await pickEntity(page, 'callees', 'Redis', 'Redis cart store');
  expect(await seriousViolations(page)).toEqual([]);
  await nextButton(page).click();
  // Secrets and identity, then Repositories and delivery.
  await expect(page.getByText('Cloud identity').first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await nextButton(page).click();
  await expect(page.locator('#root_imageRepository')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

/**
 * Walks the page with Tab from the entity's "Zero Trust" tab link, `stops` times, and returns each
 * stop inside `main` that shows no focus ring of at least 2 px.
 */
async function stopsWithoutFocusRing(page: Page, stops: number) {
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Zero Trust' })
    .focus();
  const seen: string[] = [];
  const faint: string[] = [];
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || !el.closest('main')) return undefined;
      const style = getComputedStyle(el);
      const ring =
        style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
      const name = `${el.tagName.toLowerCase()} "${(
        el.getAttribute('aria-label') ??
        el.innerText ??
        ''
      )
        .trim()
        .slice(0, 40)}"`;
      return { name, ring };
    });
    if (!stop) break;
    seen.push(stop.name);
    if (!stop.ring) faint.push(stop.name);
  }
  return { seen, faint };
}

for (const [kind, name] of [
  ['component', 'adservice'],
  ['system', 'online-boutique'],
]) {
  test(`keyboard focus shows a ring on every stop of the ${kind} tab`, async ({
    page,
  }) => {
    await openZeroTrustTab(page, kind, name);
    if (kind === 'component') await waitForComponentTables(page);
    const { seen, faint } = await stopsWithoutFocusRing(page, 40);
    // Score help, export buttons, the legend, control links, section headers, ...
    expect(seen.length).toBeGreaterThanOrEqual(10);
    expect(faint).toEqual([]);
  });
}

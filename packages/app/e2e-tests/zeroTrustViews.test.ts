import { test, expect, Locator, Page } from '@playwright/test';
import fs from 'node:fs';
import { signInAsGuest } from './signIn';

// Evidence rows and their Kubernetes links, the export beside the score, filters kept in the URL,
// the System view at 1440 px, chip links that scroll once data loads and the overview card's
// place, on the recorded Online Boutique demo (examples/online-boutique/README.md).

test.beforeEach(async ({ page }) => {
  await signInAsGuest(page);
});

const tab = (kind: string, name: string) =>
  `/catalog/default/${kind}/${name}/zero-trust`;

const section = (page: Page, name: string) =>
  page.getByRole('region', { name, exact: true });

/** The values of a native select's options, in order. */
const optionValues = (select: Locator) =>
  select.evaluate(s => [...(s as HTMLSelectElement).options].map(o => o.value));

/** The query parameters of the page's URL. */
const query = (page: Page) => new URL(page.url()).searchParams;

test('evidence is one row per object, each linking to the Kubernetes tab', async ({
  page,
}) => {
  await page.goto(tab('component', 'adservice'));
  // The demo app installs the kubernetes plugin, and adservice has its annotations.
  await expect(
    page
      .getByRole('navigation', { name: 'Content navigation' })
      .getByRole('link', { name: 'Kubernetes' }),
  ).toBeVisible();
  const matrix = section(page, 'Evidence matrix');
  const links = matrix.getByRole('link', { name: /, on the Kubernetes tab$/ });
  await expect(links.first()).toBeVisible();
  expect(await links.count()).toBeGreaterThan(1);
  // One object per row: no Namespace/name cell holds a list.
  const names = await matrix
    .getByRole('row')
    .evaluateAll(rows =>
      rows
        .filter(r => r.children.length === 7 && r.querySelector('td'))
        .map(r => (r.children[3] as HTMLElement).innerText.trim()),
    );
  expect(names.length).toBeGreaterThan(1);
  for (const name of names) expect(name).not.toMatch(/,/);
  await expect(links.first()).toHaveAttribute(
    'href',
    '/catalog/default/component/adservice/kubernetes',
  );
  await links.first().click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/adservice\/kubernetes$/,
  );
});

test('the evidence export sits beside the score and downloads the CSV', async ({
  page,
}) => {
  await page.goto(tab('component', 'adservice'));
  const attention = section(page, 'Needs attention');
  const score = attention.getByText(/^Score: \d+\/100$/);
  const buttons = attention.getByRole('group', { name: 'Export evidence' });
  await expect(score).toBeVisible();
  await expect(buttons).toBeVisible();
  // Beside: on the same line as the score, above the table of what needs attention.
  const s = (await score.boundingBox())!;
  const b = (await buttons.boundingBox())!;
  expect(Math.abs(s.y + s.height / 2 - (b.y + b.height / 2))).toBeLessThan(24);
  const table = (await attention.getByRole('table').boundingBox())!;
  expect(b.y + b.height).toBeLessThanOrEqual(table.y);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    buttons.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(
    'adservice-zero-trust-evidence.csv',
  );
  const csv = fs.readFileSync(await download.path(), 'utf8');
  expect(csv.split('\r\n')[0]).toBe(
    'entityRef,control,status,summary,cluster,apiVersion,kind,namespace,name,uid,resourceVersion,observedAt',
  );
  expect(csv).toMatch(/^component:default\/adservice,admission,fail,/m);
});

test('SBOM filters offer only values with rows and survive a reload', async ({
  page,
}) => {
  await page.goto(tab('component', 'frontend'));
  const sbom = section(page, 'SBOM');
  const table = sbom.getByRole('table', { name: 'SBOM components' });
  await expect(table).toBeVisible();
  for (const [label, param] of [
    ['Type', 'type'],
    ['License', 'license'],
  ]) {
    const select = sbom.getByLabel(label, { exact: true });
    const values = await optionValues(select);
    expect(values[0]).toBe('all');
    expect(values.length).toBeGreaterThan(1);
    for (const value of values.slice(1)) {
      // The server's answer for the value: it has rows.
      const [response] = await Promise.all([
        page.waitForResponse(
          r =>
            r.url().includes('/sbom?') &&
            new URL(r.url()).searchParams.get(param) === value,
        ),
        select.selectOption(value),
      ]);
      expect((await response.json()).total).toBeGreaterThan(0);
      await expect(table.getByRole('row').nth(1)).toBeVisible();
    }
    await select.selectOption('all');
  }

  await sbom.getByLabel('License', { exact: true }).selectOption('Apache-2.0');
  // Count the rows of the server's answer to both filters, not those still shown for one.
  const [searched] = await Promise.all([
    page.waitForResponse(r => {
      const params = new URL(r.url()).searchParams;
      return (
        r.url().includes('/sbom?') &&
        params.get('name') === 'golang' &&
        params.get('license') === 'Apache-2.0'
      );
    }),
    sbom.getByLabel('Search components').fill('golang'),
  ]);
  await expect.poll(() => query(page).get('sbomName')).toBe('golang');
  expect(query(page).get('sbomLicense')).toBe('Apache-2.0');
  const { items } = await searched.json();
  expect(items.length).toBeGreaterThan(0);
  const rows = items.length + 1; // and the header row
  await expect(table.getByRole('row')).toHaveCount(rows);

  await page.reload();
  await expect(sbom.getByLabel('License', { exact: true })).toHaveValue(
    'Apache-2.0',
  );
  await expect(sbom.getByLabel('Search components')).toHaveValue('golang');
  await expect(table.getByRole('row')).toHaveCount(rows);
});

test('admission and vulnerability filters live in the URL', async ({
  page,
}) => {
  await page.goto(tab('component', 'adservice'));
  const admission = section(page, 'Admission policy control');
  const policyResults = admission.getByRole('table', {
    name: 'Policy results',
  });
  const result = admission.getByLabel('Result', { exact: true });
  await expect(result).toHaveValue('fail');
  for (const value of (await optionValues(result)).slice(1)) {
    await result.selectOption(value);
    await expect(policyResults.getByRole('row').nth(1)).toBeVisible();
  }
  await result.selectOption('all');
  await expect(policyResults).toContainText('disallow-latest-tag');
  expect(query(page).get('admissionResult')).toBe('all');

  const vulnerabilities = section(page, 'Vulnerabilities');
  const severity = vulnerabilities.getByLabel('At least', { exact: true });
  const severities = (await optionValues(severity)).slice(1);
  expect(severities.length).toBeGreaterThan(0);
  for (const value of severities) {
    const [response] = await Promise.all([
      page.waitForResponse(
        r =>
          r.url().includes('/vulnerabilities?') &&
          new URL(r.url()).searchParams.get('minSeverity') === value,
      ),
      severity.selectOption(value),
    ]);
    expect((await response.json()).total).toBeGreaterThan(0);
  }
  await severity.selectOption(severities[0]);
  await expect.poll(() => query(page).get('vulnSeverity')).toBe(severities[0]);
  await expect(
    vulnerabilities
      .getByRole('table', { name: 'Vulnerabilities' })
      .getByRole('row')
      .nth(1),
  ).toBeVisible();

  await page.reload();
  await expect(admission.getByLabel('Result', { exact: true })).toHaveValue(
    'all',
  );
  await expect(policyResults).toContainText('disallow-latest-tag');
  await expect(severity).toHaveValue(severities[0]);
});

test('the System view reads worst first at 1440 px, details by keyboard', async ({
  page,
}) => {
  await page.goto(tab('system', 'online-boutique'));
  const matrix = page.getByRole('table', { name: 'Components by control' });
  await expect(matrix.getByRole('row')).toHaveCount(12);

  // No sideways scrolling, neither of the table nor of the page.
  const widths = await matrix.evaluate(t => ({
    box: t.parentElement!.scrollWidth - t.parentElement!.clientWidth,
    page:
      document.documentElement.scrollWidth -
      document.documentElement.clientWidth,
  }));
  expect(widths).toEqual({ box: 0, page: 0 });

  // Every score on one line: one text line box per score cell.
  const lines = await matrix.evaluate(t =>
    [...t.querySelectorAll('tbody tr')].map(r => {
      const range = document.createRange();
      range.selectNodeContents(r.children[1]);
      return range.getClientRects().length;
    }),
  );
  expect(lines).toHaveLength(11);
  for (const n of lines) expect(n).toBe(1);

  // Worst first: the worst-status chips never get better down the table.
  const order = [
    'fail',
    'warn',
    'forbidden',
    'not-installed',
    'unknown',
    'pass',
    'not-applicable',
  ];
  const worst = await matrix.evaluate(t =>
    [...t.querySelectorAll('tbody tr')].map(
      r =>
        r.children[2]
          .querySelector('[role="img"]')
          ?.getAttribute('aria-label') ?? '',
    ),
  );
  const ranks = worst.map(w => order.indexOf(w.replace('status: ', '')));
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  expect(ranks[0]).toBe(0);

  // Details from the keyboard: focus the first row's button, press Enter, read the summaries.
  const details = matrix.getByRole('button', { name: /^Details of / }).first();
  await details.focus();
  await expect(details).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(details).toHaveAttribute('aria-expanded', 'true');
  const controls = matrix.getByRole('list', { name: /^Controls of / });
  await expect(controls).toBeVisible();
  expect(await controls.getByRole('listitem').count()).toBeGreaterThan(5);
  await expect(controls.getByRole('listitem').first()).toContainText(': ');
});

test('a chip link on the Overview tab scrolls to its section once the tab has loaded', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/adservice');
  const card = section(page, 'Zero Trust overview');
  // The last control of the card (worst first, so a passing one): far down the tab.
  const link = card.getByRole('listitem').last().getByRole('link');
  const title = (await link.textContent())!.trim();
  const href = (await link.getAttribute('href'))!;
  const id = href.split('#')[1];
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/zero-trust#${id}$`));
  const target = section(page, `${title} control`);
  await expect(target).toBeVisible();
  // Let the SBOM and vulnerabilities (below) and every other card load.
  await expect(
    section(page, 'Vulnerabilities').getByRole('table', {
      name: 'Vulnerabilities',
    }),
  ).toBeAttached();
  await expect
    .poll(async () => (await target.boundingBox())!.y)
    .toBeLessThan(100);
  expect((await target.boundingBox())!.y).toBeGreaterThanOrEqual(-2);
  await expect(target.getByRole('button').first()).toHaveAttribute(
    'aria-expanded',
    'true',
  );
});

test('on a System, a chip link lands on the control in Needs attention', async ({
  page,
}) => {
  await page.goto('/catalog/default/system/online-boutique');
  const card = section(page, 'Zero Trust overview');
  await card.getByRole('link', { name: 'Admission policy' }).click();
  await expect(page).toHaveURL(/\/zero-trust#zt-admission$/);
  const target = section(page, 'Needs attention').locator('#zt-admission');
  await expect(target).toHaveText('Admission policy');
  await expect(target).toBeInViewport();
});

test('the overview card is an info card at the top of the Overview tab', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/cartservice');
  const card = section(page, 'Zero Trust overview');
  await expect(card).toBeVisible();
  const box = (await card.boundingBox())!;
  // Starts within the first screen at 1440×900, in the info column on the right.
  expect(box.y).toBeLessThan(900);
  expect(box.x).toBeGreaterThan(1440 / 2);
});

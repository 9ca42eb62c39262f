import { Page, expect } from '@playwright/test';

// Helpers shared by the end-to-end tests of the Zero Trust views on the recorded demo.

/** The Zero Trust tab of an entity. */
export const zeroTrustTab = (kind: string, name: string) =>
  `/catalog/default/${kind}/${name}/zero-trust`;

/** A labelled region of the page, e.g. a control's section or a card. */
export const region = (page: Page, name: string) =>
  page.getByRole('region', { name, exact: true });

/** The status of each control as the posture route answered it. */
export type PostureControls = { control: string; status: string }[];

/**
 * Opens an entity's Zero Trust tab and returns the controls of the posture answer the page drew
 * from, so a test can compare what the page shows with what the API said.
 */
export async function openZeroTrustTab(
  page: Page,
  kind: string,
  name: string,
): Promise<PostureControls> {
  const [response] = await Promise.all([
    page.waitForResponse(
      r =>
        r.request().method() === 'GET' &&
        new URL(r.url()).pathname.endsWith(
          `/entities/${kind}/default/${name}/posture`,
        ),
    ),
    page.goto(zeroTrustTab(kind, name)),
  ]);
  expect(response.ok()).toBe(true);
  const posture = await response.json();
  await expect(region(page, 'Needs attention')).toBeVisible();
  return posture.controls.map((c: { control: string; status: string }) => ({
    control: c.control,
    status: c.status,
  }));
}

/** Waits until the tab's lazily loaded tables (SBOM, vulnerabilities) have drawn. */
export async function waitForComponentTables(page: Page) {
  await expect(
    region(page, 'SBOM').getByRole('table', { name: 'SBOM components' }),
  ).toBeVisible();
  const vulnerabilities = region(page, 'Vulnerabilities');
  await expect(
    vulnerabilities
      .getByRole('table', { name: 'Vulnerabilities' })
      .or(vulnerabilities.getByText('No vulnerability matches.')),
  ).toBeVisible();
}

/**
 * Opens every collapsed section of the tab: the controls' and evidence accordions and the System
 * view's Details buttons, until none is left.
 */
export async function expandEverything(page: Page) {
  const collapsed = page.locator(
    [
      'main .MuiAccordionSummary-root[aria-expanded="false"]',
      'main button[aria-controls^="zt-system-details-"][aria-expanded="false"]',
    ].join(', '),
  );
  for (let i = 0; i < 200; i++) {
    const n = await collapsed.count();
    if (n === 0) return;
    await collapsed.first().click();
  }
  throw new Error('some sections never expanded');
}

/** The Zero Trust service template's form under Create. */
export const SERVICE_TEMPLATE = '/create/templates/default/zero-trust-service';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Types into an ExistingEntityPicker and picks the option whose label starts with `option`. */
export async function pickEntity(
  page: Page,
  field: string,
  typed: string,
  option: string,
) {
  const input = page.locator(`#root_${field}`);
  await input.click();
  await input.fill(typed);
  await page
    .getByRole('option', { name: new RegExp(`^${escapeRegExp(option)}`) })
    .click();
}

/** Fills the first page of the service template (Service) with valid values. */
export async function fillServicePage(page: Page) {
  await page.locator('#root_name').fill('basketservice');
  await page.locator('#root_description').fill('Keeps each basket');
  await pickEntity(page, 'owner', 'platform', 'platform-security');
  await pickEntity(page, 'system', 'boutique', 'Online Boutique');
  await page.locator('#root_namespace').fill('online-boutique');
}

/** The button to the next step of the template form: Next, or Review on the last page. */
export const nextButton = (page: Page) =>
  page.getByRole('button', { name: /^(Next|Review)$/ });

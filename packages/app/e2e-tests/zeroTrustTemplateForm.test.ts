import { test, expect, Page } from '@playwright/test';
import { signInAsGuest } from './signIn';
import {
  SERVICE_TEMPLATE,
  fillServicePage,
  nextButton,
  pickEntity,
} from './zeroTrustPages';

// The Zero Trust service template's form under Create: help text keeps its <name> placeholders,
// every refused value is explained in words, and the entity pickers offer only catalog entities,
// found by name or by title.

test.beforeEach(async ({ page }) => {
  await signInAsGuest(page);
});

/** The errors rjsf shows under a field (its `<id>__error` element). */
const fieldErrors = (page: Page, field: string) =>
  page.locator(`[id="root_${field}__error"]`);

/** What ajv says when a template gives no message of its own. */
const RAW = /must match pattern|must NOT be valid|must match format/;

test('help text shows its <name> placeholders', async ({ page }) => {
  await page.goto(SERVICE_TEMPLATE);
  await expect(
    page.getByText('<name>-default-deny', { exact: true }),
  ).toBeVisible();
  await fillServicePage(page);
  await nextButton(page).click();
  await nextButton(page).click();
  await expect(
    page.getByText('/etc/secrets/<name>', { exact: true }),
  ).toBeVisible();
  await nextButton(page).click();
  for (const placeholder of [
    'apps/<name>',
    'ghcr.io/<owner>/<name>',
    'v<this>',
  ]) {
    await expect(
      page.getByText(placeholder, { exact: true }).first(),
    ).toBeVisible();
  }
});

test('every refused value is explained in plain words', async ({ page }) => {
  await page.goto(SERVICE_TEMPLATE);
  await fillServicePage(page);
  await page.locator('#root_name').fill('Basket_Service');
  await page.locator('#root_namespace').fill('-boutique');
  await page.locator('#root_description').fill('one\ttwo');
  await nextButton(page).click();
  await expect(fieldErrors(page, 'name')).toContainText(
    'Use lower-case letters, digits and hyphens, starting and ending with a letter or digit, e.g. cartservice.',
  );
  await expect(fieldErrors(page, 'namespace')).toContainText(
    'e.g. online-boutique.',
  );
  await expect(fieldErrors(page, 'description')).toContainText(
    'Use one line of text, without line breaks or tabs.',
  );
  await expect(page.locator('body')).not.toContainText(RAW);

  await page.locator('#root_name').fill('basketservice');
  await page.locator('#root_namespace').fill('online-boutique');
  await page.locator('#root_description').fill('Keeps each basket');
  await nextButton(page).click();
  // Network: a port of Istio's (one below 1024 the browser's own check refuses first).
  const port = page.locator('#root_port');
  await port.fill('15001');
  await nextButton(page).click();
  await expect(fieldErrors(page, 'port')).toContainText(
    'Ports 15000-15099 belong to Istio; use another port.',
  );
  await expect(page.locator('body')).not.toContainText(RAW);
  await port.fill('8080');
  await page.getByRole('button', { name: 'Add Item' }).click();
  await page.locator('#root_egressFqdns_0').fill('Not A Host');
  await nextButton(page).click();
  await expect(fieldErrors(page, 'egressFqdns_0')).toContainText(
    'Use a lower-case host name with at least one dot',
  );
  await expect(page.locator('body')).not.toContainText(RAW);
  await page.locator('#root_egressFqdns_0').fill('api.example.com');
  await nextButton(page).click();
  await nextButton(page).click();

  // Repositories and delivery: both repositories, then values that are refused.
  for (const [i, repo] of ['basketservice', 'boutique-gitops'].entries()) {
    await page.getByRole('textbox', { name: 'Owner' }).nth(i).fill('acme');
    await page.getByRole('textbox', { name: 'Repository' }).nth(i).fill(repo);
  }
  const imageRepository = page.locator('#root_imageRepository');
  await imageRepository.fill('ghcr.io/Acme/basket:1.0');
  await page.locator('#root_imageTag').fill('latest');
  await page.locator('#root_gitopsBranch').fill('feature/');
  await nextButton(page).click();
  await expect(fieldErrors(page, 'imageRepository')).toContainText(
    'Use a lower-case registry host and path without tag, e.g. ghcr.io/acme/cartservice.',
  );
  await expect(fieldErrors(page, 'imageTag')).toContainText('and not latest');
  await expect(fieldErrors(page, 'gitopsBranch')).toContainText(
    'Use a git branch name',
  );
  await expect(page.locator('body')).not.toContainText(RAW);
});

test('the System picker finds systems by name and title and takes only existing ones', async ({
  page,
}) => {
  await page.goto(SERVICE_TEMPLATE);
  const system = page.locator('#root_system');
  // By name ...
  await system.fill('online-boutique');
  await expect(
    page.getByRole('option', { name: /^Online Boutique \(online-boutique\)/ }),
  ).toBeVisible();
  // ... and by title.
  await system.fill('Online Bout');
  await expect(
    page.getByRole('option', { name: /^Online Boutique/ }),
  ).toBeVisible();
  // Free text is not a value: nothing is chosen, and Next asks for a system.
  await system.fill('no-such-system');
  await expect(page.getByRole('option')).toHaveCount(0);
  await page.locator('#root_namespace').click();
  await expect(system).toHaveValue('');
  await page.locator('#root_name').fill('basketservice');
  await page.locator('#root_description').fill('Keeps each basket');
  await pickEntity(page, 'owner', 'security', 'platform-security');
  await page.locator('#root_namespace').fill('online-boutique');
  // The browser's own check of the empty required field keeps the form on its first page.
  await nextButton(page).click();
  await expect(system).toHaveValue('');
  await expect(page.locator('#root_name')).toBeVisible();
  expect(await page.locator('#root_port').count()).toBe(0);
});

test('a system from the URL that is not in the catalog is refused on Next', async ({
  page,
}) => {
  const formData = {
    name: 'basketservice',
    description: 'Keeps each basket',
    owner: 'group:default/platform-security',
    system: 'system:default/no-such-system',
    namespace: 'online-boutique',
  };
  await page.goto(
    `${SERVICE_TEMPLATE}?formData=${encodeURIComponent(
      JSON.stringify(formData),
    )}`,
  );
  await expect(page.locator('#root_name')).toHaveValue('basketservice');
  await nextButton(page).click();
  await expect(fieldErrors(page, 'system')).toContainText(
    'system:default/no-such-system is not in the catalog: pick an entity from the list.',
  );
  await expect(page.locator('#root_port')).toHaveCount(0);
  // Picking a real one lets the form go on.
  await pickEntity(page, 'system', 'Online', 'Online Boutique');
  await nextButton(page).click();
  await expect(page.locator('#root_port')).toBeVisible();
});

test('dependencies are found by name and by title, and only catalog entities are taken', async ({
  page,
}) => {
  await page.goto(SERVICE_TEMPLATE);
  await fillServicePage(page);
  await nextButton(page).click();
  // By name: upstream's MultiEntityPicker matched titles only, so "cartservice" found nothing.
  await pickEntity(
    page,
    'callees',
    'cartservice',
    'Cart service (cartservice)',
  );
  // By title, and a Resource beside the Components.
  await pickEntity(page, 'callees', 'Redis cart', 'Redis cart store');
  await pickEntity(page, 'callers', 'frontend', 'Frontend');
  const callees = page
    .locator('#root_callees')
    .locator('xpath=ancestor::*[contains(@class,"MuiAutocomplete-root")][1]');
  await expect(
    callees.getByRole('button', { name: /Cart service/ }),
  ).toBeVisible();
  await expect(
    callees.getByRole('button', { name: /Redis cart store/ }),
  ).toBeVisible();
  // Free text adds nothing when the field is left.
  await page.locator('#root_callees').fill('made-up-service');
  await page.keyboard.press('Tab');
  await expect(callees.getByRole('button', { name: /made-up/ })).toHaveCount(0);
  // The choices survive a step forth and back (kept as entity references, drawn as labels).
  await nextButton(page).click();
  await expect(page.getByText('Cloud identity').first()).toBeVisible();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(
    callees.getByRole('button', { name: /^Cart service \(cartservice\)/ }),
  ).toBeVisible();
});

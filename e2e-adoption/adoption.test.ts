import fs from 'node:fs';
import path from 'node:path';
import { expect, test, Page } from '@playwright/test';
import YAML from 'yaml';

/*
 * What an adopter sees after following README.md's installation steps in a stock app (started by
 * scripts/adoption-test.sh, which sets ADOPTION_URL): the Zero Trust card and tab on the annotated
 * component, the scaffolder actions in the action reference, and the templates under Create.
 * The names checked come from the README and the templates it registers, so the test follows them.
 */

const REPO = path.resolve(__dirname, '..');
const README = path.join(REPO, 'README.md');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseSteps } = require('./readme-steps.cjs') as {
  parseSteps(readme: string): Array<{ directive: string; body: string }>;
};

/** The component the README's catalog step adds, with the kubernetes plugin's annotations. */
function annotatedComponent(): string {
  for (const step of parseSteps(README)) {
    if (!step.directive.startsWith('append ')) continue;
    for (const doc of YAML.parseAllDocuments(step.body)) {
      const entity = doc.toJS();
      if (
        entity?.kind === 'Component' &&
        entity.metadata?.annotations?.['backstage.io/kubernetes-id']
      ) {
        return entity.metadata.name;
      }
    }
  }
  throw new Error(
    'README.md adds no Component with a backstage.io/kubernetes-id annotation to the catalog',
  );
}

/** Every zerotrust:* action the README names: each must be registered. */
function documentedActions(): string[] {
  const text = fs.readFileSync(README, 'utf8');
  const ids = [...new Set(text.match(/\bzerotrust:[a-z]+:[a-z-]+/g) ?? [])];
  if (ids.length === 0) {
    throw new Error('README.md names no zerotrust:* action');
  }
  return ids;
}

/** The titles of the templates the README's steps register (zero-trust-templates/<name>/...). */
function registeredTemplateTitles(): string[] {
  const titles: string[] = [];
  for (const step of parseSteps(README)) {
    if (!step.directive.startsWith('merge ')) continue;
    const locations = YAML.parse(step.body)?.catalog?.locations ?? [];
    for (const { target } of locations as Array<{ target: string }>) {
      const name = target.match(
        /zero-trust-templates\/([^/]+)\/template\.yaml$/,
      )?.[1];
      if (!name) continue;
      const template = path.join(REPO, 'templates', name, 'template.yaml');
      titles.push(YAML.parse(fs.readFileSync(template, 'utf8')).metadata.title);
    }
  }
  if (titles.length === 0) {
    throw new Error('README.md registers no template of templates/');
  }
  return titles;
}

async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/** Fails on anything a broken plugin shows instead of its content. */
async function expectNoErrorPanel(page: Page) {
  await expect(
    page.getByText(
      /Something went wrong|Error in |Failed to load|Could not load|No such extension/i,
    ),
  ).toHaveCount(0);
}

test.beforeEach(async ({ page }) => {
  await signInAsGuest(page);
});

test('the annotated component has the Zero Trust card and tab', async ({
  page,
}) => {
  const name = annotatedComponent();
  const entityPath = `/catalog/default/component/${name}`;
  // The catalog ingests the README's entity shortly after the backend starts.
  await expect(async () => {
    await page.goto(entityPath);
    await expect(page.getByRole('heading', { name })).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 90_000 });

  const card = page.getByRole('region', { name: 'Zero Trust overview' });
  await expect(card).toBeVisible();
  await expect(card.getByText('Zero Trust', { exact: true })).toBeVisible();
  await expect(card.getByRole('list', { name: 'Controls' })).toBeVisible();
  await expectNoErrorPanel(page);

  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Zero Trust', exact: true })
    .click();
  await expect(page).toHaveURL(new RegExp(`${entityPath}/zero-trust$`));
  // No cluster answers in the stock app: every control is unknown, and the cluster says why.
  await expect(page.getByText(/controls have no evidence/)).toBeVisible();
  await expect(page.getByText(/Cluster prod/).first()).toBeVisible();
  await expectNoErrorPanel(page);
  await page.screenshot({
    path: path.join(
      REPO,
      'node_modules/.cache/adoption-test-results/zero-trust-tab.png',
    ),
    fullPage: true,
  });
});

test('the zerotrust actions are in the action reference', async ({ page }) => {
  await page.goto('/create/actions');
  for (const id of documentedActions()) {
    await expect(page.getByText(id, { exact: true }).first()).toBeVisible();
  }
});

test('the templates are under Create', async ({ page }) => {
  await page.goto('/create');
  for (const title of registeredTemplateTitles()) {
    await expect(page.getByText(title, { exact: true }).first()).toBeVisible();
  }
});

import { test, expect } from '@playwright/test';
import { signInAsGuest, SCREENSHOT_DIR } from './signIn';

const SERVICES = [
  'frontend',
  'cartservice',
  'productcatalogservice',
  'currencyservice',
  'paymentservice',
  'shippingservice',
  'emailservice',
  'checkoutservice',
  'recommendationservice',
  'adservice',
  'loadgenerator',
];

const entityLink = (kind: string, name: string) =>
  `a[href$="/catalog/default/${kind}/${name}"]`;

test.beforeEach(async ({ page }) => {
  await signInAsGuest(page);
});

test('the catalog lists the 12 Online Boutique entities', async ({ page }) => {
  await page.goto('/?filters%5Bkind%5D=component&filters%5Buser%5D=all');
  for (const name of SERVICES) {
    await expect(
      page.locator(entityLink('component', name)).first(),
    ).toBeVisible();
  }
  await page.goto('/?filters%5Bkind%5D=resource&filters%5Buser%5D=all');
  await expect(
    page.locator(entityLink('resource', 'redis-cart')).first(),
  ).toBeVisible();
});

test('the checkoutservice page shows its dependencies', async ({ page }) => {
  await page.goto('/catalog/default/component/checkoutservice');
  const card = page.locator('article').filter({
    has: page.getByRole('heading', { name: 'Depends on components' }),
  });
  for (const dependency of [
    'productcatalogservice',
    'shippingservice',
    'paymentservice',
    'emailservice',
    'currencyservice',
    'cartservice',
  ]) {
    await expect(
      card.locator(entityLink('component', dependency)).first(),
    ).toBeVisible();
  }
  await page.screenshot({
    path: `${SCREENSHOT_DIR}/checkoutservice-overview.png`,
    fullPage: true,
  });
});

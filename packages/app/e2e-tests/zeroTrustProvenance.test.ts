import { test, expect, Page } from '@playwright/test';
import { signInAsGuest, SCREENSHOT_DIR } from './signIn';

// The image provenance control on the recorded Online Boutique demo. The demo cluster runs no
// Kyverno verifyImages policy (examples/online-boutique/config has none), so every image of a
// service runs unverified: the control fails and says why, per image.

test.beforeEach(async ({ page }) => {
  await signInAsGuest(page);
});

const controlCard = (page: Page, title: string) =>
  page.getByRole('region', { name: `${title} control` });

test('cartservice: image provenance lists its image as unverified, with the reason', async ({
  page,
}) => {
  const [response] = await Promise.all([
    page.waitForResponse(r =>
      new URL(r.url()).pathname.endsWith(
        '/entities/component/default/cartservice/posture',
      ),
    ),
    page.goto(
      '/catalog/default/component/cartservice/zero-trust#zt-provenance',
    ),
  ]);
  const posture = await response.json();
  const provenance = posture.controls.find(
    (c: { control: string }) => c.control === 'provenance',
  );
  expect(provenance.status).toBe('fail');

  const card = controlCard(page, 'Image provenance');
  await expect(card).toBeInViewport();
  await expect(card.getByRole('img', { name: 'status: fail' })).toBeVisible();
  const table = card.getByRole('table', { name: 'Image provenance' });
  await expect(table).toBeVisible();
  // One row per running image, as the API listed them.
  await expect(table.getByRole('row')).toHaveCount(
    provenance.details.images.length + 1,
  );
  const row = table.getByRole('row').nth(1);
  await expect(row).toContainText('cartservice');
  await expect(row).toContainText('unverified');
  await expect(row).toContainText(
    'fail: runs unverified: no Kyverno verifyImages rule covers it.',
  );
  await card.screenshot({
    path: `${SCREENSHOT_DIR}/cartservice-provenance.png`,
  });
});

import { test, expect, Page } from '@playwright/test';
import { signInAsGuest, SCREENSHOT_DIR } from './signIn';
import { openZeroTrustTab, region } from './zeroTrustPages';

// The two cluster-level controls on the recorded Online Boutique demo:
// - cis: the recording holds the ClusterPolicyReport `kube-bench` as the kube-bench adapter writes
//   it (its own sample, examples/online-boutique/scans/cluster/, 11 failing checks), so the cluster
//   fails the CIS benchmark; a component shows that as a warning (cluster context), the System as
//   the cluster's failure.
// - flows: the demo configures no Hubble Relay (zeroTrust.hubble), so the control is not installed.

test.beforeEach(async ({ page }) => {
  await signInAsGuest(page);
});

const controlCard = (page: Page, title: string) =>
  page.getByRole('region', { name: `${title} control` });

test('cartservice: the CIS benchmark of its cluster, a failure shown as a warning', async ({
  page,
}) => {
  const controls = await openZeroTrustTab(page, 'component', 'cartservice');
  expect(controls.find(c => c.control === 'cis')?.status).toBe('warn');
  await page.goto('/catalog/default/component/cartservice/zero-trust#zt-cis');
  const card = controlCard(page, 'CIS benchmark');
  await expect(card).toBeInViewport();
  await expect(card.getByRole('img', { name: 'status: warn' })).toBeVisible();
  await expect(card).toContainText(
    "fails 11 CIS checks (kube-bench). Cluster context: shown as a warning, not this component's fault.",
  );
  const clusters = card.getByRole('table', {
    name: 'CIS benchmark per cluster',
  });
  await expect(clusters.getByRole('row').nth(1)).toContainText('fail:');
  await expect(clusters.getByRole('row').nth(1)).toContainText(
    '64 pass, 11 fail, 49 warn (ClusterPolicyReport kube-bench)',
  );
  const checks = card.getByRole('table', {
    name: 'CIS checks that did not pass',
  });
  await expect(checks.getByRole('row')).toHaveCount(4);
  await expect(checks).toContainText('1.1.12');
  await expect(checks).toContainText('kube-bench');
  await card.screenshot({ path: `${SCREENSHOT_DIR}/cartservice-cis.png` });
});

test('the online-boutique System shows its cluster failing the CIS benchmark', async ({
  page,
}) => {
  const controls = await openZeroTrustTab(page, 'system', 'online-boutique');
  expect(controls.find(c => c.control === 'cis')?.status).toBe('fail');
  const attention = region(page, 'Needs attention');
  await expect(
    attention.getByRole('row').filter({ hasText: 'CIS benchmark' }),
  ).toContainText('fail');
});

test('cartservice: observed flows are not installed without a Hubble Relay', async ({
  page,
}) => {
  const controls = await openZeroTrustTab(page, 'component', 'cartservice');
  expect(controls.find(c => c.control === 'flows')?.status).toBe(
    'not-installed',
  );
  await page.goto('/catalog/default/component/cartservice/zero-trust#zt-flows');
  const card = controlCard(page, 'Observed flows');
  await expect(card).toBeVisible();
  await expect(
    card.getByRole('img', { name: 'status: not-installed' }),
  ).toBeVisible();
  await expect(card).toContainText(
    'No Hubble Relay configured for online-boutique-demo (zeroTrust.hubble.relays).',
  );
  await card.screenshot({ path: `${SCREENSHOT_DIR}/cartservice-flows.png` });
});

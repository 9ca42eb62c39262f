import { Page, expect } from '@playwright/test';

/** Signs in with the guest provider of the embedded defaults. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page.getByRole('heading', { name: 'Zero Trust demo Catalog' }),
  ).toBeVisible();
}

/** Where e2e screenshots go; the README links to this folder. */
export const SCREENSHOT_DIR = 'docs/screenshots';

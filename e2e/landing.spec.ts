import { expect, test } from '@playwright/test';

test('the landing page lists the runnable patterns and links to them', async ({ page }) => {
  await page.goto('/');
  for (const title of ['Naive dual write: database first', 'Transactional outbox with a polling relay']) {
    await expect(page.getByRole('link', { name: new RegExp(title) })).toBeVisible();
  }
  await page.getByRole('link', { name: /Transactional outbox with a polling relay/ }).click();
  await expect(page).toHaveURL(/\/patterns\/outbox-polling\/?/);
  await expect(page.getByTestId('sequence-diagram')).toBeVisible({ timeout: 90_000 });
});

import { expect, type Page } from '@playwright/test';

/** Opens a lab page and waits until Postgres has booted and the run is on screen. */
export async function openLab(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.getByTestId('sequence-diagram')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('narration')).toBeVisible();
}

/** Steps forward until the outcome panel shows the verdict. */
export async function playToEnd(page: Page): Promise<void> {
  const forward = page.getByTestId('step-forward');
  for (let i = 0; i < 200 && (await forward.isEnabled()); i++) await forward.click();
  await expect(page.getByTestId('outcome-panel')).toBeVisible();
}

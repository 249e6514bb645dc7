import { expect, test as base, type BrowserContext, type Page } from '@playwright/test';

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

/**
 * A test whose `page` opens in a browser profile where the lab's shared worker already has
 * Postgres up: a page kept open on the lab holds the worker (and its Postgres) alive between
 * tests, as a docs page with several figures does. For specs about what a run shows, not how the
 * lab boots (lab.spec.ts and the bench cover that): each test still gets a page of its own, but
 * skips a boot of a few seconds.
 */
export const warmLabTest = base.extend<object, { warmContext: BrowserContext }>({
  warmContext: [
    async ({ browser }, use, workerInfo) => {
      const context = await browser.newContext(workerInfo.project.use);
      const keeper = await context.newPage();
      await openLab(keeper, '/patterns/naive-db-first/');
      await use(context);
      await context.close();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  page: async ({ warmContext }, use) => {
    const page = await warmContext.newPage();
    await use(page);
    await page.close();
  },
});

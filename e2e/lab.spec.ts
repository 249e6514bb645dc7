import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { openLab, playToEnd, warmLabTest } from './helpers';

// What a run shows and how it is driven, not how the lab boots: a warm shared worker (see helpers.ts).
test.describe('the lab page', () => {
  warmLabTest('arming a fault on an arrow and playing on shows the lost event and its evidence', async ({ page }) => {
    await openLab(page, '/patterns/naive-db-first/');
    const publish = page.locator('[data-testid^="arrow-"][data-state="upcoming"]', { hasText: 'publish OrderPlaced (order 1)' }).first();
    await publish.click();
    await page.getByTestId('fault-option-broker-unavailable').click();
    await expect(page).toHaveURL(/faults=broker-unavailable(@|%40)service\.publish(:|%3A)1/);
    await expect(page.getByTestId('step-forward')).toBeEnabled();
    await playToEnd(page);
    const lost = page.getByTestId('anomaly-lost-event');
    await expect(lost).toBeVisible();
    await expect(lost).toContainText('order 1');
    await expect(lost).toContainText('service.orders id=1');
    await expect(page.getByTestId('anomaly-phantom-event')).toHaveCount(0);
  });

  warmLabTest('a copied link reproduces the run: relay crash, idempotent consumer', async ({ page }) => {
    await openLab(page, '/patterns/outbox-polling/?faults=crash@relay.mark:1&idem=on&step=40');
    await expect(page.getByTestId('outcome-panel')).toBeVisible();
    await expect(page.getByTestId('anomaly-duplicate-delivery')).toBeVisible();
    await expect(page.getByTestId('anomaly-duplicate-effect')).toHaveCount(0);
    await expect(page).toHaveURL(/idem=on/);
  });

  warmLabTest("links to its own row of the comparison", async ({ page }) => {
    await openLab(page, '/patterns/outbox-polling/?variant=id-cursor');
    await page.getByTestId('compare-row-link').click();
    await expect(page).toHaveURL(/\/compare\/#row-outbox-polling--id-cursor$/);
    await expect(page.locator('#row-outbox-polling--id-cursor')).toBeInViewport();
  });

  warmLabTest('a bad link gets a clear message and the lab still works', async ({ page }) => {
    await openLab(page, '/patterns/outbox-polling/?seed=abc&faults=explode@relay.mark');
    const problems = page.getByTestId('url-problems');
    await expect(problems).toContainText('seed');
    await expect(problems).toContainText('explode');
    await page.getByTestId('step-forward').click();
    await expect(page.getByTestId('narration')).toContainText('order 1');
  });

  warmLabTest('steps with the keyboard and narrates each step', async ({ page }) => {
    await openLab(page, '/patterns/outbox-polling/');
    await page.locator('body').press('ArrowRight');
    await expect(page.getByTestId('narration')).toContainText('places order 1');
    await page.locator('body').press('ArrowRight');
    await expect(page.getByTestId('narration')).toContainText('outbox row in one transaction');
    await page.locator('body').press('ArrowLeft');
    await expect(page.getByTestId('narration')).toContainText('places order 1');
    await expect(page).toHaveURL(/step=1/);
  });

  warmLabTest('the diagram is one Tab stop whose arrows the arrow keys walk through', async ({ page }) => {
    await openLab(page, '/patterns/outbox-polling/');
    const tabbable = page.locator('[data-testid^="arrow-"][tabindex="0"]');
    await expect(tabbable).toHaveCount(1);
    await tabbable.focus();
    const first = await tabbable.getAttribute('data-testid');
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    expect(focused).not.toBe(first);
    expect(focused).toMatch(/^arrow-\d+$/);
    await expect(page.locator('[data-testid^="arrow-"][tabindex="0"]')).toHaveCount(1);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('fault-menu')).toBeVisible();
  });

  warmLabTest('has no serious accessibility violations', async ({ page }) => {
    await openLab(page, '/patterns/outbox-polling/?faults=crash@relay.mark:1&step=40');
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.length} node(s) — ${v.help}`)).toEqual([]);
  });
});

test.describe('the lab page at every size', () => {
  test('at 390 px the fault menu opens inside the screen, with its close button in view', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openLab(page, '/patterns/outbox-polling/');
    // The consumer's arrows are near the right edge of a diagram wider than the screen.
    const arrow = page.locator('[data-testid^="arrow-"][data-state="upcoming"]', { hasText: 'create shipment' }).first();
    await arrow.scrollIntoViewIfNeeded();
    await arrow.click();
    const menu = page.getByTestId('fault-menu');
    await expect(menu).toBeVisible();
    const box = (await menu.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    const close = menu.getByRole('button', { name: 'Close menu' });
    await expect(close).toBeInViewport({ ratio: 1 });
    await close.click();
    await expect(menu).toHaveCount(0);

    // Down at the diagram the transport has scrolled away: the pinned bar steps on from there.
    const pinned = page.getByTestId('pinned-transport');
    await expect(pinned).toBeInViewport();
    await expect(pinned).toContainText('0/');
    await page.getByTestId('pinned-step-forward').click();
    await expect(pinned).toContainText('1/');
    await expect(page.getByTestId('narration')).toContainText('Step 1 of');
    await page.getByTestId('step-forward').scrollIntoViewIfNeeded();
    await expect(pinned).toHaveCount(0);
  });

  test('seven lifelines at 1366 px: the page does not scroll sideways, the diagram does, with steps and names pinned', async ({ page }) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await openLab(page, '/patterns/event-sourcing/?step=3');
    await expect(page.locator('[data-testid^="lifeline-"]')).toHaveCount(7);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    const scroller = page.getByTestId('step-gutter').locator('xpath=ancestor::div[contains(@class,"overflow-auto")][1]');
    const wider = await scroller.evaluate((el) => el.scrollWidth > el.clientWidth);
    expect(wider, 'seven lifelines are wider than the diagram column').toBe(true);
    const left = (await scroller.boundingBox())!.x;
    await scroller.evaluate((el) => el.scrollBy({ left: 10_000, top: 200 }));
    // The step column stays at the box's left edge, the lifeline names at its top.
    await expect.poll(async () => Math.round((await page.getByTestId('step-gutter').boundingBox())!.x - left)).toBeLessThanOrEqual(2);
    await expect(page.locator('[data-testid^="lifeline-"]').last()).toBeInViewport();
  });
});

test.describe('screenshots', () => {
  for (const [name, width, height] of [
    ['narrow', 375, 812],
    ['wide', 1440, 900],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      test(`${name} ${scheme}`, async ({ page }, testInfo) => {
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme: scheme });
        await openLab(page, '/patterns/outbox-polling/?faults=crash@relay.mark:1&step=9');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, 'the page must not scroll sideways').toBeLessThanOrEqual(0);
        const path = testInfo.outputPath(`lab-${name}-${scheme}.png`);
        await page.screenshot({ path, fullPage: true });
        await testInfo.attach(`lab-${name}-${scheme}`, { path, contentType: 'image/png' });
      });
    }
  }
});

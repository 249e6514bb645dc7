import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { openLab, playToEnd } from './helpers';

test.describe('the lab page', () => {
  test('arming a fault on an arrow and playing on shows the lost event and its evidence', async ({ page }) => {
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

  test('a copied link reproduces the run: relay crash, idempotent consumer', async ({ page }) => {
    await openLab(page, '/patterns/outbox-polling/?faults=crash@relay.mark:1&idem=on&step=40');
    await expect(page.getByTestId('outcome-panel')).toBeVisible();
    await expect(page.getByTestId('anomaly-duplicate-delivery')).toBeVisible();
    await expect(page.getByTestId('anomaly-duplicate-effect')).toHaveCount(0);
    await expect(page).toHaveURL(/idem=on/);
  });

  test('a run that never settles says so and names the livelock, with no clean verdict', async ({ page }) => {
    await openLab(page, '/patterns/outbox-cdc/?variant=heartbeat&orders=0,3000&faults=crash@connector.poll:4&step=400');
    const unsettled = page.getByTestId('outcome-unsettled');
    await expect(unsettled).toContainText('Did not settle: a livelock.');
    await expect(unsettled).toContainText('connector.poll → connector.heartbeat');
    await expect(page.getByTestId('outcome-consistent')).toHaveCount(0);
  });

  test("links to its own row of the comparison", async ({ page }) => {
    await openLab(page, '/patterns/outbox-polling/?variant=id-cursor');
    await page.getByTestId('compare-row-link').click();
    await expect(page).toHaveURL(/\/compare\/#row-outbox-polling--id-cursor$/);
    await expect(page.locator('#row-outbox-polling--id-cursor')).toBeInViewport();
  });

  test('a bad link gets a clear message and the lab still works', async ({ page }) => {
    await openLab(page, '/patterns/outbox-polling/?seed=abc&faults=explode@relay.mark');
    const problems = page.getByTestId('url-problems');
    await expect(problems).toContainText('seed');
    await expect(problems).toContainText('explode');
    await page.getByTestId('step-forward').click();
    await expect(page.getByTestId('narration')).toContainText('order 1');
  });

  test('steps with the keyboard and narrates each step', async ({ page }) => {
    await openLab(page, '/patterns/outbox-polling/');
    await page.locator('body').press('ArrowRight');
    await expect(page.getByTestId('narration')).toContainText('places order 1');
    await page.locator('body').press('ArrowRight');
    await expect(page.getByTestId('narration')).toContainText('outbox row in one transaction');
    await page.locator('body').press('ArrowLeft');
    await expect(page.getByTestId('narration')).toContainText('places order 1');
    await expect(page).toHaveURL(/step=1/);
  });

  test('the diagram is one Tab stop whose arrows the arrow keys walk through', async ({ page }) => {
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

  test('has no serious accessibility violations', async ({ page }) => {
    await openLab(page, '/patterns/outbox-polling/?faults=crash@relay.mark:1&step=40');
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.length} node(s) — ${v.help}`)).toEqual([]);
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

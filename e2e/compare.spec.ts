import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import type { CompareData, CompareRow } from '../machines/compare/types';
import { ANOMALY_DESCRIPTIONS } from '../machines/kernel/vocabulary';
import { playToEnd } from './helpers';

/** The data the page was built from, as the site serves it: expectations come from it, not from constants. */
async function builtData(page: Page): Promise<CompareData> {
  const response = await page.request.get('/generated/compare/data.json');
  expect(response.ok()).toBe(true);
  return (await response.json()) as CompareData;
}

function key(row: CompareRow): string {
  return `${row.pattern}/${row.variant}`;
}

function findRow(data: CompareData, pattern: string, variant: string): CompareRow {
  const row = data.rows.find((r) => r.pattern === pattern && r.variant === variant);
  if (!row) throw new Error(`no row ${pattern}/${variant} in data.json`);
  return row;
}

/**
 * The whole page once; after a change to one part, that part (`within`): axe takes tens of
 * seconds over the full matrix, and what did not change was just checked.
 */
async function expectNoSeriousViolations(page: Page, within?: string): Promise<void> {
  const builder = new AxeBuilder({ page });
  const results = await (within ? builder.include(within) : builder).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.length} node(s) — ${v.help}`)).toEqual([]);
}

test.describe('the compare page', () => {
  test('paints every pattern and variant with its counts in the static HTML, before any script runs', async ({ page }) => {
    const data = await builtData(page);
    const html = await (await page.request.get('/compare/')).text();
    for (const row of data.rows) expect(html, key(row)).toContain(`data-row="${key(row)}"`);

    await page.goto('/compare/');
    const matrix = page.getByTestId('failure-matrix');
    await expect(matrix.locator('tbody tr[data-row]')).toHaveCount(data.rows.length);
    const naive = findRow(data, 'naive-db-first', 'default');
    await expect(matrix.locator(`[data-row="${key(naive)}"] [data-cell="lost-event"]`)).toContainText(`${naive.anomalies['lost-event'].off} / ${naive.anomalies['lost-event'].on}`);
  });

  test('ticking "never lose an event" highlights the rows whose runs never lost or invented one, and dims the rest', async ({ page }) => {
    const data = await builtData(page);
    const keeps = (row: CompareRow) => row.anomalies['lost-event'].off + row.anomalies['lost-event'].on + row.anomalies['phantom-event'].off + row.anomalies['phantom-event'].on === 0;
    await page.goto('/compare/');
    await page.getByRole('checkbox', { name: /Never lose an event/ }).check();

    const meeting = data.rows.filter(keeps);
    await expect(page.getByTestId('requirement-count')).toHaveText(`${meeting.length} of ${data.rows.length} meet them`);
    const matrix = page.getByTestId('failure-matrix');
    for (const row of data.rows) await expect(matrix.locator(`[data-row="${key(row)}"]`), key(row)).toHaveAttribute('data-standing', keeps(row) ? 'meets' : 'misses');
    // The two rows the story turns on: the naive write loses events, the polled outbox does not.
    expect(keeps(findRow(data, 'naive-db-first', 'default'))).toBe(false);
    expect(keeps(findRow(data, 'outbox-polling', 'default'))).toBe(true);

    // The pivot shows the same standing; clearing puts every row back alike.
    await page.getByRole('button', { name: 'By fault kind' }).click();
    await expect(page.getByTestId('fault-kind-pivot').locator('[data-row="naive-db-first/default"]')).toHaveAttribute('data-standing', 'misses');
    await expect(page.getByTestId('fault-kind-pivot').locator('[data-row="outbox-polling/default"]')).toHaveAttribute('data-standing', 'meets');
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect(page.locator('[data-standing="misses"], [data-standing="meets"]')).toHaveCount(0);
  });

  test('a cell lists its runs, and a run opens in the lab showing that anomaly', async ({ page }) => {
    const data = await builtData(page);
    const outbox = findRow(data, 'outbox-polling', 'default');
    const counts = outbox.anomalies['duplicate-effect'];
    expect(counts.off + counts.on).toBeGreaterThan(0);

    await page.goto('/compare/');
    await page.locator('[data-row="outbox-polling/default"] [data-cell="duplicate-effect"] a').click();
    await expect(page).toHaveURL(/#runs=outbox-polling\/default\/duplicate-effect$/);
    const dialog = page.getByRole('dialog', { name: /Duplicate effect/ });
    await expect(dialog).toBeVisible();
    const runs = dialog.getByTestId('cell-run');
    // Every run that showed it under either setting, once.
    await expect(runs.first()).toBeVisible();
    const listed = await runs.count();
    expect(listed).toBeGreaterThanOrEqual(Math.max(counts.off, counts.on));
    expect(listed).toBeLessThanOrEqual(counts.off + counts.on);

    await runs.first().getByRole('link').first().click();
    // The scenario and the step where the fault struck are in the address.
    await expect(page).toHaveURL(/\/patterns\/outbox-polling\/\?.*faults=.*step=\d+/);
    await expect(page.getByTestId('sequence-diagram')).toBeVisible({ timeout: 90_000 });
    await playToEnd(page);
    await expect(page.getByTestId('anomaly-duplicate-effect')).toBeVisible();
    await expect(page.getByTestId('anomaly-duplicate-effect')).toContainText(ANOMALY_DESCRIPTIONS['duplicate-effect'].label);
  });

  test('a link to a cell reopens it, and closing it clears the address and returns focus', async ({ page }) => {
    await page.goto('/compare/#runs=naive-db-first/default/lost-event');
    const dialog = page.getByRole('dialog', { name: /Lost event/ });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('cell-run').first()).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(page).toHaveURL(/\/compare\/$/);

    // By keyboard: focus a cell, open it with Enter, close with the button, and land back on the cell.
    const cell = page.locator('[data-row="naive-db-first/default"] [data-cell="lost-event"] a');
    await cell.focus();
    await page.keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
    await expect(cell).toBeFocused();
  });

  test('the pivot by fault kind shows the worst anomaly per kind, and a dash where a kind cannot strike', async ({ page }) => {
    const data = await builtData(page);
    await page.goto('/compare/');
    await page.getByRole('button', { name: 'By fault kind' }).click();
    const pivot = page.getByTestId('fault-kind-pivot');
    await expect(pivot).toBeVisible();
    await expect(page.getByTestId('failure-matrix')).toHaveCount(0);
    await expect(pivot.locator('tbody tr[data-row]')).toHaveCount(data.rows.length);
    const naive = findRow(data, 'naive-db-first', 'default');
    const crash = naive.byFaultKind.crash;
    expect(crash).toBeDefined();
    const crashCell = pivot.locator('[data-row="naive-db-first/default"] [data-cell="crash"]');
    if (crash!.off !== 'none') await expect(crashCell).toContainText(ANOMALY_DESCRIPTIONS[crash!.off].label);
    await expect(crashCell).toContainText(`${crash!.runs} runs`);
    // A kind that can strike some row but not this one leaves a dash.
    const missing = data.rows.flatMap((r) => Object.keys(r.byFaultKind)).find((kind) => !(kind in naive.byFaultKind));
    expect(missing, 'some fault kind that cannot strike the naive write (a cache call, say)').toBeDefined();
    const empty = pivot.locator(`[data-row="naive-db-first/default"] [data-cell="${missing}"]`);
    await expect(empty).toHaveText(/—/);
    await expect(empty).toHaveAttribute('title', /nothing to strike/);
    await page.getByRole('button', { name: 'By anomaly' }).click();
    await expect(page.getByTestId('failure-matrix')).toBeVisible();
  });

  test('at 390 px the page does not scroll sideways; the tables scroll in their own boxes', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/compare/');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, 'the page must not scroll sideways').toBeLessThanOrEqual(0);
    const matrix = page.getByTestId('failure-matrix');
    expect(await matrix.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  });

  for (const scheme of ['light', 'dark'] as const) {
    test(`has no serious accessibility violations (${scheme})`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto('/compare/');
      // Highlighted and dimmed rows both on screen: dimming must keep its text readable.
      await page.getByRole('checkbox', { name: /Never lose an event/ }).check();
      await expectNoSeriousViolations(page);
      await page.getByRole('button', { name: 'By fault kind' }).click();
      await expectNoSeriousViolations(page, '[data-testid="fault-kind-pivot"]');
      await page.getByRole('button', { name: 'By anomaly' }).click();
      await page.locator('[data-row="outbox-polling/default"] [data-cell="duplicate-effect"] a').click();
      await expect(page.getByTestId('cell-run').first()).toBeVisible();
      await expectNoSeriousViolations(page, '[data-testid="runs-dialog"]');
    });
  }

  test('re-running a pattern in this browser agrees with what the build computed in Node', async ({ page }) => {
    await page.goto('/compare/');
    await page.getByTestId('rerun-scope').selectOption('naive-db-first');
    await page.getByTestId('rerun-start').click();
    await expect(page.getByTestId('rerun-agrees')).toContainText('Agrees with the build: 1 row', { timeout: 120_000 });
  });

  test('measures the outbox poll, housekeeping and an idle slot in this browser, beside the build\'s figures', async ({ page }) => {
    await page.goto('/compare/');
    const scale = page.getByTestId('operations-at-scale');
    await expect(scale).toContainText('Measured in Node when this site was built');
    await page.getByTestId('scale-start').click();
    await expect(page.getByTestId('scale-done')).toBeVisible({ timeout: 120_000 });
    await expect(scale.getByText(/^Measured in this browser \(/)).toHaveCount(3);
  });
});

import { expect } from '@playwright/test';
import { openLab, warmLabTest as test } from './helpers';
import { PATTERN_CASES } from './pattern-cases';

for (const c of PATTERN_CASES) {
  test(`${c.pattern}: ${c.query} → ${c.expect.length === 0 ? 'consistent' : c.expect.join(', ')}`, async ({ page }) => {
    await openLab(page, `/patterns/${c.pattern}/?${c.query}&step=9999`);
    const outcome = page.getByTestId('outcome-panel');
    await expect(outcome).toBeVisible();
    if (c.expect.length === 0) await expect(page.getByTestId('outcome-consistent')).toBeVisible();
    for (const id of c.expect) await expect(page.getByTestId(`anomaly-${id}`).first()).toBeVisible();
    for (const id of c.absent ?? []) await expect(page.getByTestId(`anomaly-${id}`)).toHaveCount(0);
    if (c.evidence) await expect(outcome).toContainText(c.evidence);
  });
}

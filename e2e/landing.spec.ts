import AxeBuilder from '@axe-core/playwright';
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

test("each card shows its default form's worst case, and its variants with their own", async ({ page }) => {
  await page.goto('/');
  const card = page.getByTestId('pattern-card-outbox-polling');
  // The default relay can apply an event twice but never loses one; only its id-cursor variant does.
  await expect(card.getByTestId('default-worst')).toContainText('Duplicate effect');
  await expect(card.getByTestId('default-worst')).not.toContainText('Lost event');
  await expect(card.getByTestId('variant-worst-id-cursor')).toContainText('Lost event');
  await expect(card.getByTestId('variant-worst-competing-relays')).toContainText('Duplicate effect');
  // A pattern with only its default form lists no variants.
  await expect(page.getByTestId('pattern-card-naive-db-first').getByRole('listitem')).toHaveCount(0);

  await card.getByTestId('variant-worst-id-cursor').click();
  await expect(page).toHaveURL(/\/patterns\/outbox-polling\/\?variant=id-cursor/);
  await expect(page.getByTestId('variant-select')).toHaveValue('id-cursor', { timeout: 90_000 });
});

// The cards hold a stretched title link and separate variant links; in both themes none of it may
// trip a serious accessibility rule (contrast of the badges, nested interactive content).
for (const scheme of ['light', 'dark'] as const) {
  test(`the landing page has no serious accessibility violations (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('/');
    await expect(page.getByTestId('pattern-card-outbox-polling')).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.length} node(s) — ${v.help}`)).toEqual([]);
  });
}

test('the landing page leads to the comparison, and each card says what its pattern costs', async ({ page }) => {
  await page.goto('/');
  // The card's line is drawn from the comparison's row for the default form.
  await expect(page.getByTestId('pattern-card-outbox-polling').getByTestId('trade-off')).toContainText('Never loses an event');
  await expect(page.getByTestId('pattern-card-naive-db-first').getByTestId('trade-off')).toContainText('Can lose events');
  await page.getByTestId('compare-link').click();
  await expect(page).toHaveURL(/\/compare\/?$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Compare the patterns');
});

test('the landing page starts the learner on the lessons', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('lessons-link').click();
  await expect(page).toHaveURL(/\/lessons\/?$/);
});

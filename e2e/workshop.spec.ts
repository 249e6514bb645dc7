import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

/**
 * An instructor's path: assemble an agenda from a lesson and a pasted link, share it as one
 * address, present it with the outcome held back until revealed, and print it as a handout.
 */
test('an agenda is assembled, survives a reload, and is presented with the outcome revealed on cue', async ({ page }) => {
  await page.goto('/workshop/?s=naive-db-first?faults=crash@service.publish:1&s=outbox-teleport');
  await expect(page.getByTestId('url-problems')).toContainText('scenario 2 names "outbox-teleport", not a pattern of the lab');
  await expect(page.getByTestId('agenda-item')).toHaveCount(1);

  await page.getByTestId('lesson-pick').selectOption('two-phase-commit:all');
  await page.getByTestId('lesson-add').click();
  await expect(page.getByTestId('agenda-item')).toHaveCount(4);

  await page.getByTestId('link-input').fill('https://example.org/compare/');
  await page.getByTestId('link-add').click();
  await expect(page.getByTestId('link-problem')).toContainText('not a link to a lab page');
  await page.getByTestId('link-input').fill('http://localhost:3000/patterns/cache-set/?seed=3&theme=dark');
  await page.getByTestId('link-add').click();
  await expect(page.getByTestId('link-problem')).toHaveCount(0);
  await expect(page.getByTestId('agenda-item')).toHaveCount(5);
  await page.getByTestId('agenda-title').fill('Dual writes in an hour');
  await page.getByRole('button', { name: 'Move run 5 up' }).click();
  await expect(page.getByTestId('agenda-item').nth(3)).toContainText('seed 3');

  // The address is the agenda: a reload (or a colleague opening the link) gets the same runs.
  await expect(page).toHaveURL(/title=Dual\+writes\+in\+an\+hour/);
  await page.reload();
  await expect(page.getByTestId('agenda-item')).toHaveCount(5);
  await expect(page.getByTestId('agenda-title')).toHaveValue('Dual writes in an hour');
  await expect(page.getByTestId('url-problems')).toHaveCount(0);

  await page.getByTestId('start-presenting').click();
  await expect(page.getByTestId('presenter-position')).toHaveText('1 / 5');
  await expect(page).toHaveURL(/present=1/);
  const figure = page.frameLocator('[data-testid="presenter-frame"]');
  await expect(figure.getByTestId('lab')).toHaveAttribute('data-ready', 'true', { timeout: 90_000 });
  await expect(figure.getByTestId('outcome-hidden')).toBeVisible();
  // Stepped to the end, the outcome is still held back until the presenter reveals it.
  await expect(page.getByTestId('presenter-step')).toHaveText(/^0\/\d+$/);
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('presenter-step')).toHaveText(/^(\d+)\/\1$/);
  await expect(figure.getByTestId('outcome-hidden')).toBeVisible();
  await expect(figure.getByTestId('anomaly-lost-event')).toHaveCount(0);
  await page.keyboard.press('o');
  await expect(figure.getByTestId('anomaly-lost-event')).toBeVisible();
  await expect(page.getByTestId('presenter-reveal')).toHaveText('Revealed');

  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('presenter-position')).toHaveText('2 / 5');
  await expect(figure.getByTestId('outcome-hidden')).toBeVisible({ timeout: 90_000 });
  await page.keyboard.press('b');
  await expect(page.getByTestId('presenter-blank')).toBeVisible();
  await page.keyboard.press('x');
  await expect(page.getByTestId('presenter-blank')).toHaveCount(0);
  await page.keyboard.press('PageUp');
  await expect(page.getByTestId('presenter-position')).toHaveText('1 / 5');
  // A run revealed once stays revealed when the presenter comes back to it.
  await expect(figure.getByTestId('outcome-panel')).toBeVisible({ timeout: 90_000 });

  await page.keyboard.press('Escape');
  await expect(page.getByTestId('presenter')).toHaveCount(0);
  await expect(page).not.toHaveURL(/present=/);

  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('handout')).toBeVisible();
  await expect(page.getByTestId('handout-link').first()).toHaveText(/\/patterns\/naive-db-first\/\?faults=crash@service\.publish:1$/);
  await expect(page.getByTestId('agenda-actions')).toBeHidden();
});

test('a lesson opens as a workshop agenda, and a link can open straight into the presentation', async ({ page }) => {
  await page.goto('/lessons/');
  await page.getByTestId('lesson-workshop-link').nth(2).click();
  await expect(page.getByTestId('agenda-title')).toHaveValue('Two-phase commit, and why Kafka cannot enlist');
  await expect(page.getByTestId('agenda-item')).toHaveCount(3);

  const url = new URL(page.url());
  url.searchParams.set('present', '3');
  await page.goto(url.toString());
  await expect(page.getByTestId('presenter-position')).toHaveText('3 / 3');
  await expect(page.getByTestId('presenter-note')).toContainText('coordinator');
  await page.getByTestId('presenter-exit').click();
  await expect(page.getByTestId('presenter')).toHaveCount(0);
});

// The presenter is read from the back of a room: in both themes neither the agenda nor the
// projector view (with its figure) may trip a serious accessibility rule such as contrast.
for (const scheme of ['light', 'dark'] as const) {
  test(`the workshop page and its presenter have no serious accessibility violations (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/workshop/?title=Check&s=naive-db-first?faults=crash@service.publish:1%26note=Where+does+the+event+go%3F&s=cache-set');
    await expect(page.getByTestId('agenda-item')).toHaveCount(2);
    const serious = async () =>
      (await new AxeBuilder({ page }).analyze()).violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.length} node(s) — ${v.help}`);
    expect(await serious()).toEqual([]);
    await page.getByTestId('start-presenting').click();
    await expect(page.frameLocator('[data-testid="presenter-frame"]').getByTestId('outcome-hidden')).toBeVisible({ timeout: 90_000 });
    expect(await serious()).toEqual([]);
  });
}

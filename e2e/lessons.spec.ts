import AxeBuilder from '@axe-core/playwright';
import { expect, test, type FrameLocator, type Page } from '@playwright/test';
import { loadLessons } from '../machines/lessons/load';

/** The lessons as the content folder holds them: the page must show exactly these, in this order. */
const lessons = loadLessons().map((l) => l.lesson);

async function expectNoSeriousViolations(page: Page): Promise<void> {
  // The embedded lab is the embed page's own concern (e2e/embed.spec.ts); this checks the lesson around it.
  const results = await new AxeBuilder({ page }).exclude('iframe').analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.length} node(s) — ${v.help}`)).toEqual([]);
}

async function playFigureToEnd(figure: FrameLocator): Promise<void> {
  await expect(figure.getByTestId('sequence-diagram')).toBeVisible({ timeout: 90_000 });
  const forward = figure.getByTestId('step-forward');
  for (let i = 0; i < 200 && (await forward.isEnabled()); i++) await forward.click();
  await expect(figure.getByTestId('outcome-panel')).toBeVisible();
}

test('/lessons/ lists every lesson in path order with its duration and level', async ({ page }) => {
  expect(lessons.length).toBeGreaterThanOrEqual(9);
  await page.goto('/lessons/');
  const items = page.getByTestId('lesson-item');
  await expect(items).toHaveCount(lessons.length);
  for (const [i, lesson] of lessons.entries()) {
    const item = items.nth(i);
    await expect(item.getByRole('heading')).toHaveText(lesson.frontmatter.title);
    await expect(item).toContainText(`${lesson.frontmatter.minutes} min · ${lesson.frontmatter.level}`);
  }
  await items.first().getByRole('heading').getByRole('link').click();
  await expect(page).toHaveURL(/\/lessons\/dual-write-problem\/$/);
});

test('a question hides its figure until answered; the reveal explains and the figure shows the expected anomaly', async ({ page }) => {
  await page.goto('/lessons/dual-write-problem/');
  const question = page.getByTestId('predict').first();
  const figure = page.getByTestId('lesson-figure').first();
  await expect(figure.getByTestId('figure-hidden')).toBeVisible();
  await expect(figure.locator('iframe')).toHaveCount(0);

  // Keyboard only: focus the first choice, arrow to the second (the right one), submit.
  await question.getByRole('radio').first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(question.getByRole('radio').nth(1)).toBeChecked();
  await question.getByRole('button', { name: 'Check my answer' }).press('Enter');
  await expect(question.getByTestId('predict-reveal')).toContainText('Right');
  await expect(question.getByTestId('predict-reveal')).toContainText('ghost order');

  await expect(figure.locator('iframe')).toHaveAttribute('title', /Lab figure: Database first/);
  await expect(figure).toContainText('Expected: Lost event');
  const frame = page.frameLocator('[data-testid="lesson-figure"] iframe >> nth=0');
  await playFigureToEnd(frame);
  await expect(frame.getByTestId('anomaly-lost-event')).toBeVisible();

  // The site's theme toggle reaches the figure: it reloads in the chosen theme.
  const toggle = page.getByRole('button', { name: /click to change/ });
  for (let i = 0; i < 3 && (await page.evaluate(() => document.documentElement.dataset.theme)) !== 'dark'; i++) await toggle.click();
  await expect(figure.locator('iframe')).toHaveAttribute('src', /theme=dark/);
  await expect(frame.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('a wrong answer says so and names the right one; skip shows the run without answering', async ({ page }) => {
  await page.goto('/lessons/dual-write-problem/');
  const [first, second] = [page.getByTestId('predict').nth(0), page.getByTestId('predict').nth(1)];
  await first.getByRole('radio').first().check();
  await first.getByRole('button', { name: 'Check my answer' }).click();
  await expect(first.getByTestId('predict-reveal')).toContainText('Not quite: the answer is “Nothing, ever');

  await expect(page.getByTestId('lesson-figure').nth(1).getByTestId('figure-hidden')).toBeVisible();
  await second.getByRole('button', { name: 'Skip and show the run' }).click();
  await expect(second.getByTestId('predict-reveal')).toContainText('Skipped');
  await expect(page.getByTestId('lesson-figure').nth(1).locator('iframe')).toHaveAttribute('src', /\/embed\/naive-broker-first\/\?faults=db-write-fails%40service.write-order%3A1/);
});

for (const scheme of ['light', 'dark'] as const) {
  test(`lessons have no serious accessibility violations (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('/lessons/');
    await expectNoSeriousViolations(page);
    await page.goto('/lessons/transactional-outbox/');
    await expectNoSeriousViolations(page);
    await page.getByTestId('predict').first().getByRole('radio').first().check();
    await page.getByTestId('predict').first().getByRole('button', { name: 'Check my answer' }).click();
    await expect(page.getByTestId('predict-reveal').first()).toContainText('Not quite');
    await expectNoSeriousViolations(page);
  });
}

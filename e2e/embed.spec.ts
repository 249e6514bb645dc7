import { expect, test } from '@playwright/test';

/**
 * A docs page embeds the figure in an iframe: it must size itself, report where it is, obey
 * valid commands and answer malformed ones with an error instead of breaking.
 */
test('an embedded figure sizes itself, follows host commands and rejects bad ones', async ({ page, baseURL }) => {
  // A host page of its own (another origin, as a docs site would be), not a page of the lab's.
  await page.setContent(`<!doctype html><title>Docs</title>
    <script>window.messages = []; addEventListener('message', (e) => window.messages.push(e.data));</script>
    <iframe id="figure" title="figure" style="width:900px;height:300px;border:0"
      src="${baseURL}/embed/naive-db-first/?faults=crash@service.publish:1"></iframe>`);
  const figure = page.frameLocator('#figure');
  await expect(figure.getByTestId('sequence-diagram')).toBeVisible({ timeout: 90_000 });
  await expect(page.locator('header', { hasText: 'Dual Write Lab' })).toHaveCount(0);

  const messages = () => page.evaluate(() => (window as unknown as { messages: Array<Record<string, unknown>> }).messages);
  await expect.poll(async () => (await messages()).some((m) => m.type === 'resize' && Number(m.height) > 300)).toBe(true);

  const send = (data: unknown) =>
    page.evaluate((d) => (document.getElementById('figure') as HTMLIFrameElement).contentWindow!.postMessage(d, '*'), data);
  await send({ source: 'dual-write-lab', command: 'go-to-step', step: 9999 });
  await expect(figure.getByTestId('anomaly-lost-event')).toBeVisible();
  await expect
    .poll(async () => (await messages()).some((m) => m.type === 'state' && Array.isArray(m.anomalies) && m.anomalies.includes('lost-event')))
    .toBe(true);

  await send({ source: 'dual-write-lab', command: 'go-to-step', step: 'nine' });
  await expect.poll(async () => (await messages()).some((m) => m.type === 'error' && String(m.message).includes('step'))).toBe(true);
  await send({ source: 'dual-write-lab', command: 'reset' });
  await expect(figure.getByTestId('outcome-pending')).toBeVisible();
});

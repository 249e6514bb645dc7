import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Download, type Page } from '@playwright/test';

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

/*
 * Docs pages served by a server of their own, on another origin than the lab. On 127.0.0.1 it is
 * the same site as the lab (docs.example.com beside lab.example.com; the lab's own lessons);
 * on localhost it is another site, where a browser blocking third-party storage (this Chromium
 * does) refuses the figures a SharedWorker, so each falls back to a worker of its own.
 */
const docsPages = new Map<string, string>();
let docsServer: Server;
let docsPort = 0;

test.beforeAll(async () => {
  docsServer = createServer((request, response) => {
    const body = docsPages.get(request.url ?? '');
    response.writeHead(body ? 200 : 404, { 'content-type': 'text/html' }).end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => docsServer.listen(0, '127.0.0.1', resolve));
  docsPort = (docsServer.address() as AddressInfo).port;
});

test.afterAll(() => new Promise<void>((resolve) => docsServer.close(() => resolve())));

async function openDocsPage(
  page: Page,
  baseURL: string | undefined,
  figures: string,
  { script = '', site = 'same' }: { script?: string; site?: 'same' | 'cross' } = {},
): Promise<void> {
  const path = `/guide/${docsPages.size}/`;
  docsPages.set(
    path,
    `<!doctype html><html><head><title>Docs</title><script src="${baseURL}/embed.js" defer></script>
      <style>body{margin:0;font-family:sans-serif} main{width:760px}</style></head>
      <body><main><h1>Docs</h1>${figures}</main><script>${script}</script></body></html>`,
  );
  await page.goto(`http://${site === 'same' ? '127.0.0.1' : 'localhost'}:${docsPort}${path}`);
}

const figure = (id: string, src: string, height = 300) =>
  `<iframe id="${id}" title="${id}" src="${src}" style="width:760px;height:${height}px;border:0"></iframe>`;

test('a figure is compact by default and fits a docs column, on another site too', async ({ page, baseURL }) => {
  // Taller than the figure to start with: it must shrink to its content, not only grow.
  await openDocsPage(page, baseURL, figure('f', `${baseURL}/embed/outbox-polling/`, 1400), { site: 'cross' });
  const frame = page.frameLocator('#f');
  await expect(frame.getByTestId('sequence-diagram')).toBeVisible({ timeout: 90_000 });
  await expect(frame.getByTestId('controls-compact')).toBeVisible();
  await expect(frame.getByTestId('narration')).toBeVisible();
  await expect(frame.getByTestId('outcome-pending')).toBeVisible();
  await expect(frame.getByTestId('tables-panel')).toHaveCount(0);
  await expect(frame.getByTestId('topic-panel')).toHaveCount(0);
  await expect(frame.getByTestId('controls')).toHaveCount(0);
  await expect(frame.getByTestId('url-problems')).toHaveCount(0);
  // How long the run took is kept for the bench, not shown to readers.
  await expect(frame.getByTestId('run-status')).toHaveAttribute('data-run-ms', /^\d+$/);
  await expect(frame.locator('body')).not.toContainText('Ran in');

  // embed.js fitted the iframe to the figure's content (it started taller), within a column's reach.
  const iframeHeight = async () => (await page.locator('#f').boundingBox())!.height;
  const contentHeight = () => frame.locator('#main').evaluate((main) => main.getBoundingClientRect().bottom);
  await expect.poll(async () => Math.abs((await contentHeight()) - (await iframeHeight()))).toBeLessThanOrEqual(2);
  const height = await iframeHeight();
  expect(height).toBeGreaterThan(500);
  expect(height).toBeLessThanOrEqual(1000);

  // At its last step too, with the outcome shown: the evidence folds behind a disclosure.
  await page.evaluate(() => (document.getElementById('f') as HTMLIFrameElement).contentWindow!.postMessage({ source: 'dual-write-lab', command: 'go-to-step', step: 100_000 }, '*'));
  await expect(frame.getByTestId('outcome-consistent')).toBeVisible();
  await expect.poll(iframeHeight).toBeLessThanOrEqual(1000);
  // No shared worker for a third-party figure here: it ran on a worker of its own.
  await expect(frame.getByTestId('lab')).toHaveAttribute('data-shared-worker', 'false');
});

test('panels= adds views, reports an unknown one, and theme= pins the theme', async ({ page, baseURL }) => {
  await openDocsPage(page, baseURL, figure('f', `${baseURL}/embed/outbox-polling/?panels=tables,graphs&theme=dark`));
  const frame = page.frameLocator('#f');
  await expect(frame.getByTestId('tables-panel')).toBeVisible({ timeout: 90_000 });
  await expect(frame.getByTestId('url-problems')).toContainText('unknown panel "graphs"');
  await expect(frame.getByTestId('controls')).toHaveCount(0);
  await expect(frame.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(frame.locator('body')).toHaveCSS('background-color', 'rgb(15, 18, 22)');
});

test('the figure says ready, and commands sent before it are applied after it', async ({ page, baseURL }) => {
  // One command posted raw the moment the iframe loads (long before Postgres is up), one through embed.js.
  await openDocsPage(
    page,
    baseURL,
    figure('early', `${baseURL}/embed/naive-db-first/?faults=crash@service.publish:1`) + figure('api', `${baseURL}/embed/naive-db-first/?faults=crash@service.publish:1`),
    { script: `window.events = [];
     const early = document.getElementById('early');
     early.addEventListener('load', () => early.contentWindow.postMessage({ source: 'dual-write-lab', command: 'go-to-step', step: 9999 }, '*'));
     addEventListener('DOMContentLoaded', () => {
       const api = document.getElementById('api');
       api.addEventListener('dual-write-lab:ready', () => window.events.push('ready'));
       DualWriteLab.send(api, { command: 'go-to-step', step: 9999 });
       DualWriteLab.ready(api).then(() => window.events.push('ready-promise'));
     });` },
  );
  await expect(page.frameLocator('#early').getByTestId('anomaly-lost-event')).toBeVisible({ timeout: 90_000 });
  await expect(page.frameLocator('#api').getByTestId('anomaly-lost-event')).toBeVisible();
  await expect.poll(() => page.evaluate(() => (window as unknown as { events: string[] }).events.sort())).toEqual(['ready', 'ready-promise']);
});

test('three figures on one page share one Postgres', async ({ page, baseURL }) => {
  const wasm: string[] = [];
  page.context().on('request', (request) => {
    if (/pglite.*\.wasm/.test(request.url())) wasm.push(request.url());
  });
  await openDocsPage(
    page,
    baseURL,
    ['naive-db-first', 'outbox-polling', 'cdc-table'].map((id, n) => figure(`f${n}`, `${baseURL}/embed/${id}/`)).join(''),
  );
  const labs = [0, 1, 2].map((n) => page.frameLocator(`#f${n}`).getByTestId('lab'));
  for (const lab of labs) await expect(lab).toHaveAttribute('data-ready', 'true', { timeout: 90_000 });
  const facts = await Promise.all(
    labs.map(async (lab) => ({
      boots: await lab.getAttribute('data-boots'),
      instance: await lab.getAttribute('data-db-instance'),
      shared: await lab.getAttribute('data-shared-worker'),
    })),
  );
  expect(facts.map((f) => f.shared)).toEqual(['true', 'true', 'true']);
  expect(facts.map((f) => f.boots)).toEqual(['1', '1', '1']);
  expect(new Set(facts.map((f) => f.instance)).size).toBe(1);
  expect(wasm.length).toBeLessThanOrEqual(1);
});

test('the lab page copies embed code and exports the run', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/patterns/naive-db-first/?faults=crash@service.publish:1&panels=tables&theme=dark');
  await expect(page.getByTestId('sequence-diagram')).toBeVisible({ timeout: 90_000 });
  // Presentation parameters are the figure's: the lab page neither complains nor hides anything.
  await expect(page.getByTestId('url-problems')).toHaveCount(0);
  await expect(page.getByTestId('tables-panel')).toBeVisible();
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

  await page.getByTestId('share-toggle').click();
  await page.getByTestId('copy-embed-code').click();
  await expect(page.getByTestId('share-copied')).toContainText('Embed code copied');
  const code = await clipboard();
  expect(code).toMatch(/<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\/naive-db-first\/\?faults=crash@service\.publish:1"/);
  expect(code).toContain('/embed.js" defer></script>');

  await page.getByTestId('copy-mermaid').click();
  await expect.poll(clipboard).toMatch(/^sequenceDiagram\n {2}participant /);
  expect(await clipboard()).toContain('⚡ fault crash@service.publish:1');

  const svg = page.waitForEvent('download');
  await page.getByTestId('download-svg').click();
  const svgText = await readDownload(await svg);
  expect(svgText).toContain('<svg xmlns="http://www.w3.org/2000/svg"');

  const json = page.waitForEvent('download');
  await page.getByTestId('download-json').click();
  const run = JSON.parse(await readDownload(await json)) as { scenario: { faults: unknown[] }; trace: unknown[] };
  expect(run.scenario.faults).toEqual([{ kind: 'crash', at: 'service.publish:1' }]);
  expect(run.trace.length).toBeGreaterThan(3);
});

async function readDownload(download: Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Browser figures: cold boot of the lab page against a bare PGlite page, in headless Chromium. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveStatic } from './static-server';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LOADS = 3;
const READY_TIMEOUT_MS = 60_000;

export interface PageBoot {
  path: string;
  /** Navigation start → ready, per cold load (ms); null when the page never became ready. */
  loadsMs: (number | null)[];
  medianMs: number | null;
  note?: string;
}

export interface BrowserFigures {
  lab: PageBoot;
  bare: PageBoot;
  labOverBare: number | null;
}

// Both conditions are read inside the page and timed with its own clock, whose zero is navigation
// start, so the figure does not include Playwright's round trips.
const READY = {
  lab: () => {
    const button = document.querySelector<HTMLButtonElement>('[data-testid="step-forward"]');
    return button !== null && !button.disabled ? performance.now() : false;
  },
  bare: () => {
    const status = document.querySelector('[data-testid="pglite-ready"]');
    return status?.textContent?.trim() === 'ready' ? performance.now() : false;
  },
};

async function coldLoad(browser: Browser, url: string, ready: () => number | false): Promise<number | null> {
  // A new context has an empty HTTP cache, so each load downloads and compiles the wasm again.
  const context = await browser.newContext();
  try {
    const page: Page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(ready, undefined, { timeout: READY_TIMEOUT_MS, polling: 50 }).catch(() => null);
    return handle ? Math.round((await handle.jsonValue()) as number) : null;
  } finally {
    await context.close();
  }
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function measure(browser: Browser, origin: string, path: string, ready: () => number | false, notReady: string, log: (line: string) => void): Promise<PageBoot> {
  const loadsMs: (number | null)[] = [];
  for (let i = 0; i < LOADS; i++) {
    const ms = await coldLoad(browser, origin + path, ready);
    loadsMs.push(ms);
    log(`${path} load ${i + 1}: ${ms === null ? notReady : `${ms} ms`}`);
    // A page that never gets ready will not on the next try either; don't spend another minute.
    if (ms === null) break;
  }
  const done = loadsMs.filter((ms): ms is number => ms !== null);
  return { path, loadsMs, medianMs: done.length === loadsMs.length ? median(done) : null, ...(done.length < loadsMs.length ? { note: notReady } : {}) };
}

export async function browserFigures(outDir: string, log: (line: string) => void): Promise<BrowserFigures> {
  const server = await serveStatic(outDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const lab = await measure(browser, server.origin, '/patterns/outbox-polling/', READY.lab, 'lab page not ready', log);
    const bare = await measure(browser, server.origin, '/bench/boot/', READY.bare, 'bare boot page not ready (is app/bench/boot in this build?)', log);
    const labOverBare = lab.medianMs !== null && bare.medianMs !== null ? lab.medianMs / bare.medianMs : null;
    return { lab, bare, labOverBare };
  } finally {
    await browser.close();
    await server.close();
  }
}

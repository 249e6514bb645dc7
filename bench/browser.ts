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
  /** The lab page in a new browser profile: nothing cached. */
  lab: PageBoot;
  /** The lab page again in the same profile: HTTP cache and Cache Storage as a returning visitor has them. */
  labRepeat: PageBoot;
  /** A compact embed, cold. */
  embed: PageBoot;
  /** A page that only boots PGlite fresh (initdb), cold: the yardstick. */
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

async function timedLoad(page: Page, url: string, ready: () => number | false): Promise<number | null> {
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(ready, undefined, { timeout: READY_TIMEOUT_MS, polling: 50 }).catch(() => null);
  return handle ? Math.round((await handle.jsonValue()) as number) : null;
}

async function coldLoad(browser: Browser, url: string, ready: () => number | false): Promise<number | null> {
  // A new context has an empty HTTP cache, so each load downloads and compiles the wasm again.
  const context = await browser.newContext();
  try {
    return await timedLoad(await context.newPage(), url, ready);
  } finally {
    await context.close();
  }
}

/** One visit to warm the profile (not counted), then a later visit in the same profile, timed. */
async function repeatLoad(browser: Browser, url: string, ready: () => number | false): Promise<number | null> {
  const context = await browser.newContext();
  try {
    const first = await context.newPage();
    if ((await timedLoad(first, url, ready)) === null) return null;
    // Let the first visit finish what it does after the run (keeping a copy of Postgres).
    await first.waitForTimeout(1_000);
    await first.close();
    return await timedLoad(await context.newPage(), url, ready);
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

type Load = typeof coldLoad;

async function measure(browser: Browser, origin: string, path: string, ready: () => number | false, notReady: string, log: (line: string) => void, load: Load = coldLoad): Promise<PageBoot> {
  const loadsMs: (number | null)[] = [];
  const kind = load === repeatLoad ? 'repeat visit' : 'cold load';
  for (let i = 0; i < LOADS; i++) {
    const ms = await load(browser, origin + path, ready);
    loadsMs.push(ms);
    log(`${path} ${kind} ${i + 1}: ${ms === null ? notReady : `${ms} ms`}`);
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
    const labRepeat = await measure(browser, server.origin, '/patterns/outbox-polling/', READY.lab, 'lab page not ready on a repeat visit', log, repeatLoad);
    const embed = await measure(browser, server.origin, '/embed/outbox-polling/', READY.lab, 'embed not ready', log);
    const bare = await measure(browser, server.origin, '/bench/boot/', READY.bare, 'bare boot page not ready (is app/bench/boot in this build?)', log);
    return { lab, labRepeat, embed, bare, labOverBare: over(lab, bare) };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** One page's median over another's; null when either never got ready. */
export function over(page: PageBoot, yardstick: PageBoot): number | null {
  return page.medianMs !== null && yardstick.medianMs !== null ? page.medianMs / yardstick.medianMs : null;
}

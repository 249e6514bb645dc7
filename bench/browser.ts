/** Browser figures: cold boot of the lab page against a bare PGlite page, in headless Chromium. */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
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
  /** Of that, Postgres' boot in the lab worker (its data-boot-ms), median; null on the bare page. */
  workerBootMedianMs: number | null;
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
  /** The /compare page re-running one pattern in this browser (its own figure, boot included). */
  compareRerun: { pattern: string; ms: number | null; note?: string };
}

/** A pattern of middling size: a few seconds, long enough that the tab's boot does not dominate. */
export const RERUN_PATTERN = 'durable-execution';

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

/** One load: navigation start → ready, and the worker's Postgres boot when the page reports one. */
interface Timed {
  ms: number;
  workerBootMs: number | null;
}

async function timedLoad(page: Page, url: string, ready: () => number | false): Promise<Timed | null> {
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(ready, undefined, { timeout: READY_TIMEOUT_MS, polling: 50 }).catch(() => null);
  if (!handle) return null;
  const boot = Number(await page.locator('[data-testid="lab"]').first().getAttribute('data-boot-ms', { timeout: 1_000 }).catch(() => null));
  return { ms: Math.round((await handle.jsonValue()) as number), workerBootMs: Number.isFinite(boot) && boot > 0 ? boot : null };
}

async function coldLoad(browser: Browser, url: string, ready: () => number | false): Promise<Timed | null> {
  // A new context has an empty HTTP cache, so each load downloads and compiles the wasm again.
  const context = await browser.newContext();
  try {
    return await timedLoad(await context.newPage(), url, ready);
  } finally {
    await context.close();
  }
}

/**
 * A returning visitor: one visit warms a profile (not counted), then each timed visit opens the
 * page again in that profile, with its HTTP cache and the copy of Postgres the first visit kept.
 */
function repeatLoads(browser: Browser): { load: Load; close: () => Promise<void> } {
  let context: Promise<BrowserContext> | null = null;
  const warm = async (url: string, ready: () => number | false) => {
    const made = await browser.newContext();
    const first = await made.newPage();
    // Let the first visit finish what it does after the run (the rest of the run; a copy of
    // Postgres kept in Cache Storage, when it had to run initdb).
    if ((await timedLoad(first, url, ready)) !== null) await first.waitForTimeout(1_000);
    await first.close();
    return made;
  };
  const load: Load = async (url, ready) => {
    context ??= warm(url, ready);
    const page = await (await context).newPage();
    try {
      return await timedLoad(page, url, ready);
    } finally {
      await page.close();
    }
  };
  return { load, close: async () => void (await (await context)?.close()) };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

type Load = (url: string, ready: () => number | false) => Promise<Timed | null>;

async function measure(browser: Browser, origin: string, path: string, ready: () => number | false, notReady: string, log: (line: string) => void, repeat = false): Promise<PageBoot> {
  const loadsMs: (number | null)[] = [];
  const boots: number[] = [];
  const kind = repeat ? 'repeat visit' : 'cold load';
  const { load, close } = repeat ? repeatLoads(browser) : { load: ((url, isReady) => coldLoad(browser, url, isReady)) as Load, close: async () => {} };
  for (let i = 0; i < LOADS; i++) {
    const timed = await load(origin + path, ready);
    const ms = timed?.ms ?? null;
    loadsMs.push(ms);
    if (timed?.workerBootMs != null) boots.push(timed.workerBootMs);
    log(`${path} ${kind} ${i + 1}: ${ms === null ? notReady : `${ms} ms`}`);
    // A page that never gets ready will not on the next try either; don't spend another minute.
    if (ms === null) break;
  }
  await close();
  const done = loadsMs.filter((ms): ms is number => ms !== null);
  return {
    path,
    loadsMs,
    medianMs: done.length === loadsMs.length ? median(done) : null,
    workerBootMedianMs: median(boots),
    ...(done.length < loadsMs.length ? { note: notReady } : {}),
  };
}

export async function browserFigures(outDir: string, log: (line: string) => void): Promise<BrowserFigures> {
  const server = await serveStatic(outDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const lab = await measure(browser, server.origin, '/patterns/outbox-polling/', READY.lab, 'lab page not ready', log);
    const labRepeat = await measure(browser, server.origin, '/patterns/outbox-polling/', READY.lab, 'lab page not ready on a repeat visit', log, true);
    const embed = await measure(browser, server.origin, '/embed/outbox-polling/', READY.lab, 'embed not ready', log);
    const bare = await measure(browser, server.origin, '/bench/boot/', READY.bare, 'bare boot page not ready (is app/bench/boot in this build?)', log);
    const compareRerun = await rerunOnComparePage(browser, server.origin, log);
    return { lab, labRepeat, embed, bare, labOverBare: over(lab, bare), compareRerun };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Re-runs RERUN_PATTERN with the /compare page's own button and reads the time the page reports. */
async function rerunOnComparePage(browser: Browser, origin: string, log: (line: string) => void): Promise<BrowserFigures['compareRerun']> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${origin}/compare/`);
    await page.getByTestId('rerun-scope').selectOption(RERUN_PATTERN);
    await page.getByTestId('rerun-start').click();
    const verdict = page.locator('[data-testid="rerun-agrees"], [data-testid="rerun-disagrees"], [data-testid="rerun-failed"]').first();
    await verdict.waitFor({ timeout: 300_000 });
    const ms = Number(await verdict.getAttribute('data-rerun-ms'));
    const agrees = (await verdict.getAttribute('data-testid')) === 'rerun-agrees';
    log(`/compare/ re-run of ${RERUN_PATTERN} in the browser: ${Number.isFinite(ms) && ms > 0 ? `${ms} ms` : 'no time'}${agrees ? '' : ' (did not agree with the build!)'}`);
    if (!agrees) return { pattern: RERUN_PATTERN, ms: null, note: `the re-run did not agree with the build: ${(await verdict.textContent())?.slice(0, 200)}` };
    return { pattern: RERUN_PATTERN, ms };
  } catch (error) {
    return { pattern: RERUN_PATTERN, ms: null, note: `the re-run did not finish: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  } finally {
    await context.close();
  }
}

/** One page's median over another's; null when either never got ready. */
export function over(page: PageBoot, yardstick: PageBoot): number | null {
  return page.medianMs !== null && yardstick.medianMs !== null ? page.medianMs / yardstick.medianMs : null;
}

/// <reference lib="webworker" />
/**
 * A worker of the /compare page's pool: boots a PGlite of its own the first time it is handed a
 * pattern, and runs on it the very comparison `next build` ran in Node (every single fault of the
 * pattern, the measures), so a reader can check the page's numbers on their own machine. Asked to
 * assemble, it joins the parts and judges the claims. Nothing of it loads until asked.
 */
import claimsJson from '../../content/compare/claims.json';
import housekeepingJson from '../../content/compare/housekeeping.json';
import type { LabDatabase } from '../actors/postgres';
import { assembleCompare, comparePattern } from '../compare/build';
import { needsScaleFigures, parseClaims } from '../compare/claims';
import { parseHousekeeping } from '../compare/housekeeping';
import { DEFAULT_SEED } from '../kernel/scenario';
import { getPattern } from '../patterns/index';
import { startFromBootSnapshot } from './boot-snapshot';
import type { CompareWorkerToPage, PageToCompareWorker } from './compare-protocol';
import { explainStartupError } from './startup-errors';

declare const self: DedicatedWorkerGlobalScope;

const post = (message: CompareWorkerToPage) => self.postMessage(message);
let busy = false;
let database: Promise<LabDatabase> | null = null;

function boot(): Promise<LabDatabase> {
  database ??= (async () => {
    post({ type: 'starting', message: 'Starting Postgres in this tab…' });
    try {
      return (await startFromBootSnapshot()).db;
    } catch (error) {
      database = null;
      throw new Error(explainStartupError(error));
    }
  })();
  return database;
}

function patternOf(id: unknown) {
  const pattern = typeof id === 'string' ? getPattern(id) : undefined;
  if (!pattern) throw new Error(`There is no pattern ${JSON.stringify(String(id)).slice(0, 60)}.`);
  return pattern;
}

async function comparePatternHere(id: unknown): Promise<void> {
  const pattern = patternOf(id);
  const db = await boot();
  let last = 0;
  const compared = await comparePattern(db, pattern, {
    seed: DEFAULT_SEED,
    housekeeping: parseHousekeeping(housekeepingJson),
    onProgress: (done, total) => {
      // A message every 1 % or so keeps the bar moving without flooding the page.
      if (done === total || done - last >= Math.max(1, Math.floor(total / 100))) {
        last = done;
        post({ type: 'progress', pattern: pattern.info.id, done, total });
      }
    },
  });
  post({ type: 'compared', pattern: pattern.info.id, compared });
}

function assemble(message: Extract<PageToCompareWorker, { type: 'assemble' }>): void {
  const ids = new Set<string>(message.patterns.map((id) => patternOf(id).info.id));
  // Figures at scale are measured by their own button on the page; a re-run judges the claims about runs.
  const claims = parseClaims(claimsJson).filter((c) => !needsScaleFigures(c) && ids.has(c.pattern) && (c.about.kind !== 'faster-than' || ids.has(c.about.than.pattern)));
  post({ type: 'assembled', data: assembleCompare(message.compared, claims, DEFAULT_SEED) });
}

self.onmessage = (event: MessageEvent<PageToCompareWorker>) => {
  const message = event.data;
  const known = message?.type === 'compare-pattern' || (message?.type === 'assemble' && Array.isArray(message.patterns) && Array.isArray(message.compared));
  if (!known) {
    post({ type: 'failed', message: 'The comparison worker got a message it does not understand.' });
    return;
  }
  if (busy) {
    post({ type: 'failed', message: 'This comparison worker is already busy.' });
    return;
  }
  busy = true;
  Promise.resolve()
    .then(() => (message.type === 'compare-pattern' ? comparePatternHere(message.pattern) : assemble(message)))
    .catch((error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
    .finally(() => {
      busy = false;
    });
};

/// <reference lib="webworker" />
/**
 * The /compare page's worker: boots a PGlite of its own and runs the very comparison `next build`
 * ran in Node (every single fault of every pattern asked for, the measures, the claims), so a
 * reader can check the page's numbers on their own machine. Nothing of it loads until asked.
 */
import claimsJson from '../../content/compare/claims.json';
import housekeepingJson from '../../content/compare/housekeeping.json';
import { assembleCompare, comparePattern, type ComparedPattern } from '../compare/build';
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

async function compare(message: PageToCompareWorker): Promise<void> {
  const started = performance.now();
  const patterns = message.patterns.map((id) => {
    const pattern = getPattern(id);
    if (!pattern) throw new Error(`There is no pattern ${JSON.stringify(String(id)).slice(0, 60)}.`);
    return pattern;
  });
  const ids = new Set<string>(message.patterns);
  // Figures at scale are measured by their own button on the page; a re-run judges the claims about runs.
  const claims = parseClaims(claimsJson).filter((c) => !needsScaleFigures(c) && ids.has(c.pattern) && (c.about.kind !== 'faster-than' || ids.has(c.about.than.pattern)));
  const housekeeping = parseHousekeeping(housekeepingJson);
  post({ type: 'starting', message: 'Starting Postgres in this tab…' });
  let pg;
  let db;
  try {
    ({ pg, db } = await startFromBootSnapshot());
  } catch (error) {
    throw new Error(explainStartupError(error));
  }
  try {
    const compared: ComparedPattern[] = [];
    for (const [index, pattern] of patterns.entries()) {
      let last = 0;
      compared.push(
        await comparePattern(db, pattern, {
          seed: DEFAULT_SEED,
          housekeeping,
          onProgress: (done, total) => {
            // A message every 1 % or so keeps the bar moving without flooding the page.
            if (done === total || done - last >= Math.max(1, Math.floor(total / 100))) {
              last = done;
              post({ type: 'progress', pattern: pattern.info.id, index, done, total });
            }
          },
        }),
      );
    }
    post({ type: 'done', data: assembleCompare(compared, claims, DEFAULT_SEED), elapsedMs: Math.round(performance.now() - started) });
  } finally {
    await pg.close();
  }
}

self.onmessage = (event: MessageEvent<PageToCompareWorker>) => {
  const message = event.data;
  if (message?.type !== 'compare' || !Array.isArray(message.patterns)) {
    post({ type: 'failed', message: 'The comparison worker got a message it does not understand.' });
    return;
  }
  if (busy) {
    post({ type: 'failed', message: 'A comparison is already running in this tab.' });
    return;
  }
  busy = true;
  compare(message)
    .catch((error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
    .finally(() => {
      busy = false;
    });
};

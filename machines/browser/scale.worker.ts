/// <reference lib="webworker" />
/**
 * Measures operations at scale (the relay's poll as the outbox grows, housekeeping, an idle slot's
 * WAL) on a PGlite of this worker's own, so a reader sees the figures of their own machine next to
 * the ones measured in Node at build time. Cancelling is terminating the worker: its Postgres lives
 * in memory and goes with it.
 */
import { measureScale } from '../compare/scale/measure';
import { startFromBootSnapshot } from './boot-snapshot';
import type { PageToScaleWorker, ScaleWorkerToPage } from './scale-protocol';
import { explainStartupError } from './startup-errors';

declare const self: DedicatedWorkerGlobalScope;

const post = (message: ScaleWorkerToPage) => self.postMessage(message);
let busy = false;

async function measure(): Promise<void> {
  post({ type: 'starting', message: 'Starting Postgres in this tab…' });
  let pg;
  try {
    ({ pg } = await startFromBootSnapshot());
  } catch (error) {
    throw new Error(explainStartupError(error));
  }
  try {
    const data = await measureScale(pg, {
      where: 'browser',
      onProgress: (done, total, label) => post({ type: 'progress', done, total, label }),
    });
    post({ type: 'done', data });
  } finally {
    await pg.close();
  }
}

self.onmessage = (event: MessageEvent<PageToScaleWorker>) => {
  if (event.data?.type !== 'measure') {
    post({ type: 'failed', message: 'The measuring worker got a message it does not understand.' });
    return;
  }
  if (busy) {
    post({ type: 'failed', message: 'A measurement is already running in this tab.' });
    return;
  }
  busy = true;
  measure()
    .catch((error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
    .finally(() => {
      busy = false;
    });
};

/**
 * The benchmark's baseline: boot the lab's Postgres as the lab worker does on a first visit (same
 * module, same start parameters, no cached copy) and nothing else, so "lab page ÷ this page" is
 * the cost of everything the lab adds on top of PGlite.
 */
import { startLabPostgres } from '../../../../machines/runtime/pglite';

const post = (message: { type: 'ready'; ms: number } | { type: 'failed'; message: string }) =>
  (self as unknown as { postMessage(m: unknown): void }).postMessage(message);

async function boot(): Promise<void> {
  const started = performance.now();
  try {
    await startLabPostgres();
    post({ type: 'ready', ms: Math.round(performance.now() - started) });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

void boot();

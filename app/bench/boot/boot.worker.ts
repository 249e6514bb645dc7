/**
 * The benchmark's baseline: boot the lab's Postgres exactly as the lab worker does (lazy import,
 * same start parameters) and nothing else, so "lab page ÷ this page" is the cost of everything
 * the lab adds on top of PGlite.
 */
const post = (message: { type: 'ready'; ms: number } | { type: 'failed'; message: string }) =>
  (self as unknown as { postMessage(m: unknown): void }).postMessage(message);

async function boot(): Promise<void> {
  const started = performance.now();
  try {
    const { startLabPostgres } = await import('../../../machines/runtime/pglite');
    await startLabPostgres();
    post({ type: 'ready', ms: Math.round(performance.now() - started) });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

void boot();

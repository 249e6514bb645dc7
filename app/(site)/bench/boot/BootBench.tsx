'use client';

import { useEffect, useState } from 'react';

type Boot = { status: 'booting' } | { status: 'ready'; workerMs: number; pageMs: number } | { status: 'failed'; message: string };

/** Benchmark page body (see bench/run.ts): PGlite booted in a worker, no lab UI, to compare boot times against. */
export function BootBench() {
  const [boot, setBoot] = useState<Boot>({ status: 'booting' });

  useEffect(() => {
    const worker = new Worker(new URL('./boot.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<{ type: 'ready'; ms: number } | { type: 'failed'; message: string }>) => {
      const message = event.data;
      if (message.type === 'ready') setBoot({ status: 'ready', workerMs: message.ms, pageMs: Math.round(performance.now()) });
      else setBoot({ status: 'failed', message: message.message });
    };
    worker.onerror = (event) => setBoot({ status: 'failed', message: event.message || 'the worker failed to load' });
    return () => worker.terminate();
  }, []);

  return (
    <main className="mx-auto max-w-2xl p-6">
      <h1 className="text-xl font-semibold">PGlite boot benchmark</h1>
      <p>A bare page for bench/run.ts: it boots the lab&apos;s Postgres in a worker and nothing else.</p>
      <p
        data-testid="pglite-ready"
        data-worker-ms={boot.status === 'ready' ? boot.workerMs : undefined}
        data-page-ms={boot.status === 'ready' ? boot.pageMs : undefined}
        role="status"
      >
        {boot.status === 'ready' ? 'ready' : boot.status === 'failed' ? `failed: ${boot.message}` : 'booting…'}
      </p>
      {boot.status === 'ready' && (
        <p>
          Postgres ready {boot.pageMs} ms after navigation ({boot.workerMs} ms inside the worker).
        </p>
      )}
    </main>
  );
}

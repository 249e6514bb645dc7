'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { PageToScaleWorker, ScaleWorkerToPage } from '../../machines/browser/scale-protocol';
import type { ScaleMeasures } from '../../machines/compare/scale/types';

export type ScaleMeasureState =
  | { status: 'idle' }
  | { status: 'running'; message: string; fraction: number }
  | { status: 'done'; data: ScaleMeasures }
  | { status: 'failed'; message: string };

/**
 * Measures in a worker of its own, created only when asked: until then the page loads no PGlite.
 * Cancelling terminates the worker, and its in-memory Postgres with it.
 */
export function useScaleMeasure() {
  const [state, setState] = useState<ScaleMeasureState>({ status: 'idle' });
  const workerRef = useRef<Worker | null>(null);

  useEffect(() => () => workerRef.current?.terminate(), []);

  const start = useCallback(() => {
    workerRef.current?.terminate();
    let worker: Worker;
    try {
      worker = new Worker(new URL('../../machines/browser/scale.worker.ts', import.meta.url), { type: 'module' });
    } catch (error) {
      setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    workerRef.current = worker;
    setState({ status: 'running', message: 'Loading Postgres…', fraction: 0 });
    const finish = (next: ScaleMeasureState) => {
      setState(next);
      worker.terminate();
      if (workerRef.current === worker) workerRef.current = null;
    };
    worker.onmessage = (event: MessageEvent<ScaleWorkerToPage>) => {
      const message = event.data;
      if (message.type === 'starting') setState({ status: 'running', message: message.message, fraction: 0 });
      else if (message.type === 'progress') setState({ status: 'running', message: `${message.label} (step ${message.done} of ${message.total})`, fraction: message.done / message.total });
      else if (message.type === 'done') finish({ status: 'done', data: message.data });
      else finish({ status: 'failed', message: message.message });
    };
    worker.onerror = (event) => finish({ status: 'failed', message: event.message || 'The measuring worker failed to start.' });
    worker.postMessage({ type: 'measure' } satisfies PageToScaleWorker);
  }, []);

  const cancel = useCallback(() => {
    workerRef.current?.terminate();
    workerRef.current = null;
    setState({ status: 'idle' });
  }, []);

  return { state, start, cancel };
}

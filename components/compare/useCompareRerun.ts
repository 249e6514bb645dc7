'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { CompareWorkerToPage, PageToCompareWorker } from '../../machines/browser/compare-protocol';
import { compareAgreement, type Agreement } from '../../machines/compare/agreement';
import type { CompareData } from '../../machines/compare/types';
import type { PatternId } from '../../machines/kernel/vocabulary';

export type RerunState =
  | { status: 'idle' }
  | { status: 'running'; message: string; fraction: number }
  | { status: 'done'; agreement: Agreement; elapsedMs: number; patterns: number }
  | { status: 'failed'; message: string };

/**
 * Recomputes the comparison in a worker of its own (created only when asked, so the page loads no
 * PGlite until then) and says whether it agrees with what the build computed. Progress is weighted
 * by each pattern's number of runs in the built data, so the bar moves at an even pace.
 */
export function useCompareRerun(built: CompareData) {
  const [state, setState] = useState<RerunState>({ status: 'idle' });
  const workerRef = useRef<Worker | null>(null);

  useEffect(() => () => workerRef.current?.terminate(), []);

  const start = useCallback(
    (patterns: PatternId[]) => {
      workerRef.current?.terminate();
      let worker: Worker;
      try {
        worker = new Worker(new URL('../../machines/browser/compare.worker.ts', import.meta.url), { type: 'module' });
      } catch (error) {
        setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
        return;
      }
      workerRef.current = worker;
      const weight = new Map<string, number>();
      for (const row of built.rows) weight.set(row.pattern, (weight.get(row.pattern) ?? 0) + row.runs * 2 + 2);
      const weights = patterns.map((p) => weight.get(p) ?? 1);
      const totalWeight = weights.reduce((a, b) => a + b, 0);
      setState({ status: 'running', message: 'Loading the simulation…', fraction: 0 });
      worker.onmessage = (event: MessageEvent<CompareWorkerToPage>) => {
        const message = event.data;
        if (message.type === 'starting') setState({ status: 'running', message: message.message, fraction: 0 });
        else if (message.type === 'progress') {
          const before = weights.slice(0, message.index).reduce((a, b) => a + b, 0);
          const fraction = (before + (weights[message.index] ?? 0) * (message.done / message.total)) / totalWeight;
          setState({ status: 'running', message: `Exploring ${message.pattern}: run ${message.done} of ${message.total}`, fraction });
        } else if (message.type === 'done') {
          setState({ status: 'done', agreement: compareAgreement(built, message.data), elapsedMs: message.elapsedMs, patterns: patterns.length });
          worker.terminate();
        } else {
          setState({ status: 'failed', message: message.message });
          worker.terminate();
        }
      };
      worker.onerror = (event) => {
        setState({ status: 'failed', message: event.message || 'The comparison worker failed to start.' });
        worker.terminate();
      };
      worker.postMessage({ type: 'compare', patterns } satisfies PageToCompareWorker);
    },
    [built],
  );

  const cancel = useCallback(() => {
    workerRef.current?.terminate();
    workerRef.current = null;
    setState({ status: 'idle' });
  }, []);

  return { state, start, cancel };
}

'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { poolSize, runComparePool, type PoolRun, type PoolWorker } from '../../machines/browser/compare-pool';
import { compareAgreement, type Agreement } from '../../machines/compare/agreement';
import type { CompareData } from '../../machines/compare/types';
import type { PatternId } from '../../machines/kernel/vocabulary';

export type RerunState =
  | { status: 'idle' }
  | { status: 'running'; message: string; fraction: number }
  | { status: 'done'; agreement: Agreement; elapsedMs: number; patterns: number; workers: number }
  | { status: 'failed'; message: string };

/**
 * Recomputes the comparison in a pool of workers (created only when asked, so the page loads no
 * PGlite until then) and says whether it agrees with what the build computed. Progress is weighted
 * by each pattern's number of runs in the built data, so the bar moves at an even pace.
 */
export function useCompareRerun(built: CompareData) {
  const [state, setState] = useState<RerunState>({ status: 'idle' });
  const runRef = useRef<PoolRun | null>(null);

  useEffect(() => () => runRef.current?.cancel(), []);

  const start = useCallback(
    (patterns: PatternId[]) => {
      runRef.current?.cancel();
      const weight = new Map<string, number>();
      for (const row of built.rows) weight.set(row.pattern, (weight.get(row.pattern) ?? 0) + row.runs * 2 + 2);
      const memory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
      const workers = poolSize(patterns.length, navigator.hardwareConcurrency, memory);
      const started = performance.now();
      setState({ status: 'running', message: 'Loading the simulation…', fraction: 0 });
      const run = runComparePool({
        patterns,
        weightOf: (p) => weight.get(p) ?? 1,
        workers,
        createWorker: () => new Worker(new URL('../../machines/browser/compare.worker.ts', import.meta.url), { type: 'module' }) as unknown as PoolWorker,
        onProgress: (message, fraction) => setState({ status: 'running', message, fraction }),
      });
      runRef.current = run;
      run.done.then(
        (data) => {
          if (runRef.current !== run) return;
          setState({ status: 'done', agreement: compareAgreement(built, data), elapsedMs: Math.round(performance.now() - started), patterns: patterns.length, workers });
        },
        (error: Error) => {
          if (runRef.current !== run || error.message === 'cancelled') return;
          setState({ status: 'failed', message: error.message });
        },
      );
    },
    [built],
  );

  const cancel = useCallback(() => {
    runRef.current?.cancel();
    runRef.current = null;
    setState({ status: 'idle' });
  }, []);

  return { state, start, cancel };
}

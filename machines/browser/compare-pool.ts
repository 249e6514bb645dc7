/**
 * The /compare page's re-run as a pool: a few workers, each with a Postgres of its own, take the
 * patterns one at a time, heaviest first, as `next build` does with Node processes, so a re-run on
 * a machine with two cores takes about what the build took there instead of twice as long. When
 * every pattern is compared, one worker assembles the parts in the order they were asked for.
 */
import type { ComparedPattern } from '../compare/build';
import type { CompareData } from '../compare/types';
import type { PatternId } from '../kernel/vocabulary';
import type { CompareWorkerToPage, PageToCompareWorker } from './compare-protocol';

/** What the pool needs of a worker: a Web Worker has all of it. */
export interface PoolWorker {
  postMessage(message: PageToCompareWorker): void;
  terminate(): void;
  onmessage: ((event: { data: CompareWorkerToPage }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
}

export interface PoolOptions {
  patterns: PatternId[];
  /** Relative cost of each pattern (its runs in the built data): the order of work and the bar's pace. */
  weightOf: (pattern: PatternId) => number;
  workers: number;
  createWorker: () => PoolWorker;
  onProgress: (message: string, fraction: number) => void;
}

export interface PoolRun {
  done: Promise<CompareData>;
  cancel(): void;
}

/**
 * How many workers a re-run uses: one per core up to four (each Postgres takes a few hundred MB),
 * never more than there are patterns, and one where the browser says memory is short.
 */
export function poolSize(patterns: number, cores: number | undefined, memoryGb: number | undefined): number {
  if (memoryGb !== undefined && memoryGb < 4) return 1;
  return Math.max(1, Math.min(patterns, cores && cores > 0 ? cores : 1, 4));
}

export function runComparePool(options: PoolOptions): PoolRun {
  const { patterns, weightOf } = options;
  const queue = [...patterns].sort((a, b) => weightOf(b) - weightOf(a));
  const totalWeight = patterns.reduce((sum, p) => sum + weightOf(p), 0) || 1;
  const doneFraction = new Map<PatternId, number>();
  const results = new Map<PatternId, ComparedPattern>();
  const workers: PoolWorker[] = [];
  let settled = false;
  let resolve!: (data: CompareData) => void;
  let reject!: (error: Error) => void;
  const done = new Promise<CompareData>((res, rej) => {
    resolve = res;
    reject = rej;
  });

  const stopAll = () => {
    for (const worker of workers) worker.terminate();
  };
  const fail = (message: string) => {
    if (settled) return;
    settled = true;
    stopAll();
    reject(new Error(message));
  };
  const progress = (message: string) => {
    const weighted = patterns.reduce((sum, p) => sum + weightOf(p) * (doneFraction.get(p) ?? 0), 0);
    options.onProgress(message, weighted / totalWeight);
  };

  const assemble = (worker: PoolWorker) => {
    worker.onmessage = ({ data }) => {
      if (data.type === 'assembled' && !settled) {
        settled = true;
        stopAll();
        resolve(data.data);
      } else if (data.type === 'failed') fail(data.message);
    };
    worker.postMessage({ type: 'assemble', patterns, compared: patterns.map((p) => results.get(p)!) });
  };

  const next = (worker: PoolWorker) => {
    const pattern = queue.shift();
    if (pattern) {
      worker.postMessage({ type: 'compare-pattern', pattern });
      return;
    }
    if (results.size === patterns.length) assemble(worker);
  };

  const count = Math.max(1, Math.min(options.workers, patterns.length));
  for (let i = 0; i < count; i++) {
    let worker: PoolWorker;
    try {
      worker = options.createWorker();
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
      break;
    }
    workers.push(worker);
    worker.onerror = (event) => fail(event.message || 'A comparison worker failed to start.');
    worker.onmessage = ({ data }) => {
      if (settled) return;
      if (data.type === 'starting') progress(data.message);
      else if (data.type === 'progress') {
        doneFraction.set(data.pattern, data.done / data.total);
        progress(`Exploring ${data.pattern}: run ${data.done} of ${data.total}`);
      } else if (data.type === 'compared') {
        results.set(data.pattern, data.compared);
        doneFraction.set(data.pattern, 1);
        next(worker);
      } else if (data.type === 'failed') fail(data.message);
    };
    next(worker);
  }
  if (patterns.length === 0) fail('Nothing to re-run: no pattern was chosen.');

  return {
    done,
    cancel: () => {
      if (settled) return;
      settled = true;
      stopAll();
      reject(new Error('cancelled'));
    },
  };
}

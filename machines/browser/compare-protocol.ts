/** Messages between the /compare page and its worker, which recomputes the comparison in this browser. */
import type { CompareData } from '../compare/types';
import type { PatternId } from '../kernel/vocabulary';

export type PageToCompareWorker = { type: 'compare'; patterns: PatternId[] };

export type CompareWorkerToPage =
  | { type: 'starting'; message: string }
  /** `done` of `total` runs of `pattern`, the `index`-th of the patterns asked for. */
  | { type: 'progress'; pattern: PatternId; index: number; done: number; total: number }
  | { type: 'done'; data: CompareData; elapsedMs: number }
  | { type: 'failed'; message: string };

/**
 * Messages between the /compare page and its workers, which recompute the comparison in this
 * browser. The page runs a pool of them (one Postgres each, as `next build` runs a pool of Node
 * processes): each is handed one pattern at a time and answers with that pattern's comparison; one
 * of them then assembles the whole from the parts, in the order the page asked for.
 */
import type { ComparedPattern } from '../compare/build';
import type { CompareData } from '../compare/types';
import type { PatternId } from '../kernel/vocabulary';

export type PageToCompareWorker =
  | { type: 'compare-pattern'; pattern: PatternId }
  /** `compared` in the page's order; `patterns` are the ids asked for, which choose the claims. */
  | { type: 'assemble'; patterns: PatternId[]; compared: ComparedPattern[] };

export type CompareWorkerToPage =
  | { type: 'starting'; message: string }
  /** `done` of `total` runs of `pattern`. */
  | { type: 'progress'; pattern: PatternId; done: number; total: number }
  | { type: 'compared'; pattern: PatternId; compared: ComparedPattern }
  | { type: 'assembled'; data: CompareData }
  | { type: 'failed'; message: string };

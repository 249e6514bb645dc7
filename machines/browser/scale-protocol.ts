/** Messages between the page and the worker that measures operations at scale in this browser. */
import type { ScaleMeasures } from '../compare/scale/types';

export type PageToScaleWorker = { type: 'measure' };

export type ScaleWorkerToPage =
  | { type: 'starting'; message: string }
  /** `done` of `total` steps; `label` says what was just measured. */
  | { type: 'progress'; done: number; total: number; label: string }
  | { type: 'done'; data: ScaleMeasures }
  | { type: 'failed'; message: string };

/**
 * Messages between the lab page and the simulation worker. The worker owns PGlite and the
 * kernel; the page only sends scenarios and renders what comes back.
 */
import type { FaultSite, RunResult, Scenario } from '../kernel/types';

export type PageToWorker =
  /**
   * `preview`: the page has nothing to show yet, so the worker sends the first step (a `preview`)
   * as soon as it is computed, then the whole run.
   */
  | { type: 'run'; requestId: number; scenario: Scenario; preview?: boolean };

export type BootPhase = 'loading' | 'starting-postgres' | 'ready';

export type WorkerToPage =
  | { type: 'progress'; phase: BootPhase; message: string; fraction: number }
  | {
      type: 'ready';
      bootMs: number;
      /** Times this worker started Postgres; 1 however many figures share it. */
      boots: number;
      /** Names this worker's Postgres, so figures can tell whether they share one. */
      instance: string;
      /** True for the SharedWorker every figure of the origin connects to. */
      shared: boolean;
    }
  | { type: 'fatal'; message: string }
  | {
      type: 'result';
      requestId: number;
      /** The whole run, to quiescence, with a snapshot after every step. */
      result: RunResult;
      /** Every point where a fault could be armed in this run. */
      sites: FaultSite[];
      /** Wall-clock milliseconds the worker spent on the run (measured in the browser). */
      elapsedMs: number;
    }
  | {
      type: 'preview';
      requestId: number;
      /** The run stopped after its first step: playable at once, no verdict (the `result` follows). */
      result: RunResult;
      sites: FaultSite[];
    }
  | { type: 'error'; requestId: number; message: string };

/** How a caller tunes one run of the {@link Simulation} (see simulation.ts). */
import type { VirtualClock } from './clock';
import type { IdGenerator } from './ids';
import type { OutcomeSources } from './outcome-sources';
import type { Timing } from './pattern';
import type { SqlRunner } from './traced-database';
import type { StepRecord } from './types';

/** What an observer sees after each step: the outcome adapters, read through the untraced runner. */
export interface RunProbe {
  /** The step just taken; null before the first. */
  step: StepRecord | null;
  /** Virtual time at which that step began. */
  t: number;
  sources: OutcomeSources;
  runner: SqlRunner;
}

export interface RunOptions {
  /** Keep a snapshot of tables, topics and states after every step (the lab page wants them). */
  captureSnapshots?: boolean;
  /**
   * Read every table again after every step, even one that sent no SQL that changes rows (whose
   * snapshot otherwise reuses the tables before it): for the test that shows reuse changes nothing.
   */
  recaptureUnchangedTables?: boolean;
  maxSteps?: number;
  /** Stop after this many steps even if the run has not settled (replaying a prefix). */
  stopAfterStep?: number;
  timing?: Partial<Timing>;
  /** Virtual time for the run; a fresh clock at 0 by default. */
  clock?: VirtualClock;
  /** The run's readable ids; numbered from 1 per prefix by default. */
  ids?: IdGenerator;
  /**
   * Called before the first step and after every step, outside the trace: measurements (when an
   * order reached downstream) read the world here without becoming part of the run.
   */
  observe?: (probe: RunProbe) => Promise<void>;
}

/**
 * Exploration: run a pattern fault-free, list every point where each kind of fault could strike,
 * then run once per (point, kind) — each with the consumer's idempotency off and on — and collect
 * the anomalies. This is what backs every claim the lab makes about a pattern.
 */
import type { LabStore } from './component';
import type { PatternDefinition } from './pattern';
import { Simulation, type RunOptions } from './simulation';
import type { ArmedFault, FaultSite, RunResult, Scenario, StepRecord } from './types';
import { struckAt } from './unstruck';
import type { AnomalyId, PatternId } from './vocabulary';

export function faultSites(steps: StepRecord[]): FaultSite[] {
  return steps.filter((s) => s.faultKinds.length > 0).map((s) => ({ point: s.point, kinds: s.faultKinds, caption: s.caption }));
}

export interface ExploredRun {
  variant: string;
  /** The order set the run placed (virtual arrival times). */
  orders: number[];
  faults: ArmedFault[];
  idempotentConsumer: boolean;
  anomalies: AnomalyId[];
  /** False when the run reached its step limit or got stuck: its anomalies are no verdict. */
  settled: boolean;
  /**
   * Whether every armed fault took effect (true for the fault-free run). A fault point the
   * fault-free run lists must strike when armed alone, or the run says nothing about that fault.
   */
  struck: boolean;
}

export interface ExploredPattern {
  pattern: PatternId;
  runs: ExploredRun[];
}

export function runScenario(db: LabStore, pattern: PatternDefinition, scenario: Scenario, options?: RunOptions): Promise<RunResult> {
  // A variant the pattern does not have would run as its default form and pass for the variant.
  const variants = pattern.info.variants.map((v) => v.id);
  if (!variants.includes(scenario.variant)) return Promise.reject(new Error(`${pattern.info.id} has no variant "${scenario.variant}" (it has ${variants.join(', ')})`));
  return new Simulation(db, pattern, scenario, options).run();
}

function allStruck(result: RunResult): boolean {
  return result.scenario.faults.every((fault) => struckAt(result.steps, fault) !== undefined);
}

function anomalyIds(result: RunResult): AnomalyId[] {
  return [...new Set(result.outcome.anomalies.map((a) => a.id))];
}

/**
 * Two orders close together (their work interleaves), and two far apart, so the system goes idle
 * in between and whatever runs on a timer (polls, heartbeats, checkpoints) gets its turn: that is
 * where runs that never settle show up.
 */
export const EXPLORED_ORDER_SETS: readonly (readonly number[])[] = [
  [0, 40],
  [0, 3000],
];

export interface ExploreOptions {
  seed?: number;
  /** The order sets to explore, each on its own; default {@link EXPLORED_ORDER_SETS}. */
  orderSets?: readonly (readonly number[])[];
  /** Called after each run with how many are done out of how many. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Called with each run's full result (steps, trace) as it completes, before it is dropped: lets
   * a caller check every step of every run without the exploration keeping them all in memory.
   */
  onRun?: (result: RunResult, run: ExploredRun) => void;
  /**
   * Which runs to make, asked in order for each (a subset, e.g. for a quick cross-check); all by
   * default. The fault-free runs that list the fault points are made whatever it answers.
   */
  only?: (run: Pick<ExploredRun, 'variant' | 'orders' | 'faults' | 'idempotentConsumer'>) => boolean;
}

export async function explorePattern(db: LabStore, pattern: PatternDefinition, options: ExploreOptions = {}): Promise<ExploredPattern> {
  const runs: ExploredRun[] = [];
  // Patterns whose client follows a script of their own ignore the order set: explore it once.
  const orderSets = pattern.info.scriptedRequests ? [EXPLORED_ORDER_SETS[0]!] : (options.orderSets ?? EXPLORED_ORDER_SETS);
  const bases: Scenario[] = pattern.info.variants.flatMap((variant) =>
    orderSets.map((orders) => ({ pattern: pattern.info.id, variant: variant.id, seed: options.seed ?? 1, faults: [], idempotentConsumer: false, orders: [...orders] })),
  );
  // The fault-free run that lists the fault sites is also that plan's run with the switch off.
  const plans: { base: Scenario; faults: ArmedFault[]; clean?: RunResult }[] = [];
  for (const base of bases) {
    const clean = await runScenario(db, pattern, base);
    plans.push({ base, faults: [], clean });
    for (const site of faultSites(clean.steps)) for (const kind of site.kinds) plans.push({ base, faults: [{ kind, at: site.point }] });
  }
  const chosen = plans.flatMap((plan) =>
    [false, true]
      .filter((idempotentConsumer) => options.only?.({ variant: plan.base.variant, orders: plan.base.orders, faults: plan.faults, idempotentConsumer }) ?? true)
      .map((idempotentConsumer) => ({ ...plan, idempotentConsumer })),
  );
  const total = chosen.length;
  let done = 0;
  for (const { base, faults, clean, idempotentConsumer } of chosen) {
    const result = clean && !idempotentConsumer ? clean : await runScenario(db, pattern, { ...base, faults, idempotentConsumer });
    const run: ExploredRun = { variant: base.variant, orders: base.orders, faults, idempotentConsumer, anomalies: anomalyIds(result), settled: result.outcome.settled, struck: allStruck(result) };
    runs.push(run);
    options.onRun?.(result, run);
    options.onProgress?.(++done, total);
  }
  return { pattern: pattern.info.id, runs };
}

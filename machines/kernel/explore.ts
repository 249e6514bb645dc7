/**
 * Exploration: run a pattern fault-free, list every point where each kind of fault could strike,
 * then run once per (point, kind) — each with the consumer's idempotency off and on — and collect
 * the anomalies. This is what backs every claim the lab makes about a pattern.
 */
import type { LabDatabase } from '../actors/postgres';
import type { PatternDefinition } from './pattern';
import { Simulation, type RunOptions } from './simulation';
import type { ArmedFault, FaultSite, RunResult, Scenario, StepRecord } from './types';
import type { AnomalyId, PatternId } from './vocabulary';

export function faultSites(steps: StepRecord[]): FaultSite[] {
  return steps.filter((s) => s.faultKinds.length > 0).map((s) => ({ point: s.point, kinds: s.faultKinds, caption: s.caption }));
}

export interface ExploredRun {
  variant: string;
  faults: ArmedFault[];
  idempotentConsumer: boolean;
  anomalies: AnomalyId[];
}

export interface ExploredPattern {
  pattern: PatternId;
  runs: ExploredRun[];
}

export function runScenario(db: LabDatabase, pattern: PatternDefinition, scenario: Scenario, options?: RunOptions): Promise<RunResult> {
  return new Simulation(db, pattern, scenario, options).run();
}

function anomalyIds(result: RunResult): AnomalyId[] {
  return [...new Set(result.outcome.anomalies.map((a) => a.id))];
}

export interface ExploreOptions {
  seed?: number;
  orders?: number[];
  /** Called after each run with how many are done out of how many. */
  onProgress?: (done: number, total: number) => void;
}

export async function explorePattern(db: LabDatabase, pattern: PatternDefinition, options: ExploreOptions = {}): Promise<ExploredPattern> {
  const runs: ExploredRun[] = [];
  for (const variant of pattern.info.variants) {
    const base: Scenario = {
      pattern: pattern.info.id,
      variant: variant.id,
      seed: options.seed ?? 1,
      faults: [],
      idempotentConsumer: false,
      orders: options.orders ?? [0, 40],
    };
    const plans: ArmedFault[][] = [[]];
    const clean = await runScenario(db, pattern, base);
    for (const site of faultSites(clean.steps)) for (const kind of site.kinds) plans.push([{ kind, at: site.point }]);
    const total = plans.length * 2;
    let done = 0;
    for (const faults of plans) {
      for (const idempotentConsumer of [false, true]) {
        const result = await runScenario(db, pattern, { ...base, faults, idempotentConsumer });
        runs.push({ variant: variant.id, faults, idempotentConsumer, anomalies: anomalyIds(result) });
        options.onProgress?.(++done, total);
      }
    }
  }
  return { pattern: pattern.info.id, runs };
}

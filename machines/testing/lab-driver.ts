/**
 * A scenario driver for tests, so a test reads as the story it checks:
 *
 *   await lab(db, 'outbox-polling').crash('relay.mark:1').idempotent().run()
 */
import type { LabDatabase } from '../actors/postgres';
import { runScenario } from '../kernel/explore';
import { defaultScenario } from '../kernel/scenario';
import type { RunOptions } from '../kernel/simulation';
import type { ArmedFault, RunResult, Scenario } from '../kernel/types';
import type { AnomalyId, FaultKind, PatternId } from '../kernel/vocabulary';
import { getPattern } from '../patterns/index';

export class LabDriver {
  #scenario: Scenario;

  constructor(private readonly db: LabDatabase, pattern: PatternId) {
    this.#scenario = defaultScenario(pattern);
  }

  fault(kind: FaultKind, at: string): this {
    this.#scenario.faults.push({ kind, at } satisfies ArmedFault);
    return this;
  }

  crash(at: string): this {
    return this.fault('crash', at);
  }

  seed(seed: number): this {
    this.#scenario.seed = seed;
    return this;
  }

  orders(...arrivals: number[]): this {
    this.#scenario.orders = arrivals;
    return this;
  }

  idempotent(on = true): this {
    this.#scenario.idempotentConsumer = on;
    return this;
  }

  variant(id: string): this {
    this.#scenario.variant = id;
    return this;
  }

  get scenario(): Scenario {
    return structuredClone(this.#scenario);
  }

  run(options?: RunOptions): Promise<RunResult> {
    const pattern = getPattern(this.#scenario.pattern);
    if (!pattern) throw new Error(`pattern ${this.#scenario.pattern} does not run yet`);
    return runScenario(this.db, pattern, this.scenario, options);
  }

  async anomalies(): Promise<AnomalyId[]> {
    const result = await this.run();
    return [...new Set(result.outcome.anomalies.map((a) => a.id))];
  }
}

export function lab(db: LabDatabase, pattern: PatternId): LabDriver {
  return new LabDriver(db, pattern);
}

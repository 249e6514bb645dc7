/**
 * What the lab claims about every pattern, checked against that pattern's one exploration: the
 * worst anomaly the catalogue states (per variant), what the idempotency switch does, that every
 * listed fault strikes, the anomaly profile in its profile.ts, that every statechart state is
 * reached, and that every caption is short. Each pattern's test file calls
 * {@link describeExplorationClaims} with its exploration and profile, so explorations spread over the test
 * files (which run in parallel) instead of all happening in one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CompareData } from '../compare/types';
import type { ExploredPattern, ExploredRun } from '../kernel/explore';
import type { PatternDefinition } from '../kernel/pattern';
import { ANOMALY_IDS, worstOf } from '../kernel/vocabulary';
import { normalisedProfile, observedProfile, type AnomalyProfile } from './anomaly-profile';
import { CAPTION_WORD_LIMIT, describeRun, visitedKey, type PatternExploration, type StepObservations } from './exploration';
import { definedStatePaths, initialStatePaths, runnableProcesses, statechartShape } from './statechart-states';

/** The fault plan a run stands for, the same with the switch off and on. */
const plan = (run: ExploredRun) => `${run.variant} orders ${run.orders.join(',')} ${JSON.stringify(run.faults)}`;

/** A variant's worst case is over all its single-fault runs, switch off and on. */
export function assertWorstAnomalies(pattern: PatternDefinition, explored: ExploredPattern): void {
  const { worstAnomaly, variants } = pattern.info;
  const worstIn = (variant: string) => worstOf(explored.runs.filter((r) => r.variant === variant).flatMap((r) => r.anomalies));
  expect(variants.map((v) => v.id)).toContain('default');
  expect(worstAnomaly, "the pattern states its default form's worst case").toBe(worstIn('default'));
  for (const variant of variants) expect(variant.worstAnomaly, `variant ${variant.id}`).toBe(worstIn(variant.id));
}

export function assertIdempotencySwitch(pattern: PatternDefinition, explored: ExploredPattern): void {
  const withSwitch = explored.runs.filter((r) => r.idempotentConsumer);
  const without = explored.runs.filter((r) => !r.idempotentConsumer);
  expect(withSwitch.length, 'every fault plan runs with the switch on too').toBe(without.length);
  if (!pattern.info.hasConsumer) {
    // Nothing consumes, so there is nothing to apply twice, switch or no switch.
    for (const run of explored.runs) expect(run.anomalies, plan(run)).not.toContain('duplicate-effect');
    return;
  }
  for (const run of withSwitch) expect(run.anomalies, plan(run)).not.toContain('duplicate-effect');
  // Where a fault made the consumer apply an event twice, the same fault with the switch on
  // still redelivers; the consumer just skips the repeat.
  for (const off of without.filter((r) => r.anomalies.includes('duplicate-effect'))) {
    const on = withSwitch.find((r) => plan(r) === plan(off));
    expect(on, plan(off)).toBeDefined();
    expect(on!.anomalies, plan(off)).toContain('duplicate-delivery');
  }
  // And the switch is not decoration: wherever faults redeliver, some redelivery is applied
  // twice when the switch is off.
  const redelivers = without.some((r) => r.anomalies.includes('duplicate-delivery'));
  const appliesTwice = without.some((r) => r.anomalies.includes('duplicate-effect'));
  expect(appliesTwice, 'some fault applies a redelivered event twice without the switch').toBe(redelivers);
}

/**
 * Exploration arms each (point, kind) the fault-free run lists, alone: a listed one that never
 * strikes would be a run that claims to test a fault and tests nothing.
 */
export function assertEveryListedFaultStrikes(explored: ExploredPattern): void {
  expect(explored.runs.some((r) => r.faults.length === 1)).toBe(true);
  expect(explored.runs.filter((r) => !r.struck).map(describeRun)).toEqual([]);
}

/** The written profile, as sets: exactly these variants, exactly these anomalies, settling or not. */
export function assertAnomalyProfile(pattern: PatternDefinition, profile: AnomalyProfile, explored: ExploredPattern): void {
  expect(Object.keys(profile).sort(), 'the profile lists exactly the pattern\'s variants').toEqual(pattern.info.variants.map((v) => v.id).sort());
  expect(observedProfile(explored)).toEqual(normalisedProfile(profile));
}

/**
 * Every state of every statechart a run of the pattern starts (every variant, both switch
 * positions, the client too, nested states included) is one some explored run was in, after a
 * step or at its start. A participant that runs the same statechart in several variants (the
 * same shape) counts the runs of all of them: a Kafka-like broker never lets the coordinator
 * commit, the XA one does, and it is one coordinator. A state no run reaches is one no fault the
 * lab can arm leads to: dead weight on the diagram, or a missing fault point.
 */
export function unreachedStates(pattern: PatternDefinition, observed: StepObservations): string[] {
  const processes = runnableProcesses(pattern).map((p) => ({ ...p, statechart: `${p.spec.id}\n${statechartShape(p.spec.machine)}` }));
  const reachedIn = new Map<string, Set<string>>();
  for (const { variant, idempotentConsumer, spec, statechart } of processes) {
    const reached = reachedIn.get(statechart) ?? new Set<string>();
    for (const state of [...(observed.visited.get(visitedKey(variant, idempotentConsumer, spec.id)) ?? []), ...initialStatePaths(spec)]) reached.add(state);
    reachedIn.set(statechart, reached);
  }
  const unreached = new Set<string>();
  for (const { variant, spec, statechart } of processes) {
    for (const state of definedStatePaths(spec.machine)) if (!reachedIn.get(statechart)!.has(state)) unreached.add(`${variant} ${spec.id}: ${state}`);
  }
  return [...unreached];
}

export function assertEveryStateReached(pattern: PatternDefinition, observed: StepObservations): void {
  expect(observed.steps, 'the exploration reported its runs\' steps').toBeGreaterThan(0);
  expect(unreachedStates(pattern, observed)).toEqual([]);
}

/** No caption of any step of any explored run reaches {@link CAPTION_WORD_LIMIT} words. */
export function assertShortCaptions(observed: StepObservations): void {
  expect(observed.steps, 'the exploration reported its runs\' steps').toBeGreaterThan(0);
  const long = [...observed.longCaptions].map(([caption, where]) => `${where}: "${caption}"`);
  expect(long, `captions of ${CAPTION_WORD_LIMIT} words or more`).toEqual([]);
}

/** What `npm run build` wrote for /compare (see scripts/compare/generate.ts); absent before a build. */
const BUILT_COMPARE = fileURLToPath(new URL('../../public/generated/compare/data.json', import.meta.url));

/**
 * The /compare page's rows for this pattern say what this exploration says: the same number of
 * single-fault runs, and the same count of them showing each anomaly, switch off and on. The page
 * paints from the build's own exploration, so this catches a stale file and any drift between the
 * comparison's bookkeeping and the exploration the profile tests read.
 */
export function assertCompareRowsMatch(pattern: PatternDefinition, explored: ExploredPattern): void {
  const data = JSON.parse(readFileSync(BUILT_COMPARE, 'utf8')) as CompareData;
  const stale = 'public/generated/compare is stale: rebuild it with `npx tsx scripts/compare/generate.ts`';
  for (const variant of pattern.info.variants) {
    const row = data.rows.find((r) => r.pattern === pattern.info.id && r.variant === variant.id);
    expect(row, `${pattern.info.id}/${variant.id} has a row; ${stale}`).toBeDefined();
    const single = explored.runs.filter((r) => r.variant === variant.id && r.faults.length === 1);
    const setting = (on: boolean) => single.filter((r) => r.idempotentConsumer === on);
    expect(row!.runs, `${variant.id} runs; ${stale}`).toBe(setting(false).length);
    for (const id of ANOMALY_IDS) {
      const count = (on: boolean) => setting(on).filter((r) => r.anomalies.includes(id)).length;
      expect(row!.anomalies[id], `${variant.id} ${id}; ${stale}`).toEqual({ off: count(false), on: count(true) });
    }
    const unsettled = (on: boolean) => setting(on).filter((r) => !r.settled).length;
    expect(row!.unsettled, `${variant.id} unsettled; ${stale}`).toEqual({ off: unsettled(false), on: unsettled(true) });
  }
}

/**
 * Registers one test per claim, each reading the file's one exploration of the pattern; `profile`
 * is the pattern's `<id>/profile.ts`.
 */
export function describeExplorationClaims(exploration: PatternExploration, profile: AnomalyProfile): void {
  const { pattern } = exploration;
  describe(`${pattern.info.id}, explored under every single fault`, () => {
    it('has the worst anomalies the catalogue states, per variant', () => assertWorstAnomalies(pattern, exploration.explored));
    it('never applies an event twice with the idempotency switch on, and the switch matters', () => assertIdempotencySwitch(pattern, exploration.explored));
    it('strikes at every fault point a fault-free run lists', () => assertEveryListedFaultStrikes(exploration.explored));
    it('shows exactly the anomaly profile of its profile.ts', () => assertAnomalyProfile(pattern, profile, exploration.explored));
    it('reaches every state of every statechart of every variant', () => assertEveryStateReached(pattern, exploration.observed));
    it(`narrates every step of every run in under ${CAPTION_WORD_LIMIT} words`, () => assertShortCaptions(exploration.observed));
    // `npm test` builds before the unit tests, so in CI the file is always there to check.
    it.skipIf(!existsSync(BUILT_COMPARE))('paints /compare from counts equal to this exploration', () => assertCompareRowsMatch(pattern, exploration.explored));
  });
}

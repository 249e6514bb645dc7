/**
 * Who can be faulted in each pattern, and at which operations: the `actor.operation` half of a
 * fault point, as plain data. The lab page checks a link's faults against it without loading the
 * statecharts (they live in the worker), so `crash@relya.mark` is reported as a typo instead of
 * being armed and silently never reached. Each entry is the union over the pattern's variants;
 * fault-targets.test.ts derives the same table from the statecharts and fails when they drift.
 */
import type { FaultTargets } from '../kernel/pattern-info';
import type { PatternId } from '../kernel/vocabulary';
import { PATTERN_CATALOG } from './catalog';

export type { FaultTargets };

/** Every pattern's fault targets, from its info. */
export const FAULT_TARGETS = Object.fromEntries(PATTERN_CATALOG.map((p) => [p.id, p.faultTargets])) as Readonly<Record<PatternId, FaultTargets>>;

const BY_PATTERN: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>> = new Map(
  PATTERN_CATALOG.map((p) => [p.id, new Map(Object.entries(p.faultTargets))]),
);

/** The pattern's actors, each with its operations, in a Map so an id such as "constructor" finds nothing. */
export function faultTargetsOf(pattern: string): ReadonlyMap<string, readonly string[]> | undefined {
  return BY_PATTERN.get(pattern);
}

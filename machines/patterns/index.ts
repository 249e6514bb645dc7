/**
 * Every pattern, as the statechart definition the simulation runs: one folder each
 * (`<id>/pattern.ts`), listed by the generated registry, so a new folder needs no edit here.
 */
import type { PatternDefinition } from '../kernel/pattern';
import type { PatternId } from '../kernel/vocabulary';
import { PATTERN_DEFINITIONS } from './registry.generated';

export const PATTERNS = Object.fromEntries(PATTERN_DEFINITIONS.map((p) => [p.info.id, p])) as Readonly<Record<PatternId, PatternDefinition>>;

// A Map, not the object: the id comes from a URL or a command line, and `PATTERNS["constructor"]`
// would find Object's constructor instead of nothing.
const BY_ID: ReadonlyMap<string, PatternDefinition> = new Map(PATTERN_DEFINITIONS.map((p) => [p.info.id, p]));

export function getPattern(id: string): PatternDefinition | undefined {
  return BY_ID.get(id);
}

/**
 * The list of patterns the pages show. Plain data only: importing this pulls in neither PGlite nor
 * the statecharts. Each pattern's info lives in its folder (`<id>/info.ts`); the list is generated.
 */
import type { PatternInfo } from '../kernel/pattern-info';
import { PATTERN_INFOS } from './catalog.generated';

/** Every pattern's info, from its folder, in story order. */
export const PATTERN_CATALOG: readonly PatternInfo[] = PATTERN_INFOS;

const BY_ID: ReadonlyMap<string, PatternInfo> = new Map(PATTERN_CATALOG.map((p) => [p.id, p]));

/** The pattern's info; undefined for anything else, "constructor" and "__proto__" included. */
export function findPattern(id: string): PatternInfo | undefined {
  return BY_ID.get(id);
}

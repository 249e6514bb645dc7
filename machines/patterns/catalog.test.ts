import { describe, expect, it } from 'vitest';
import { explorePattern } from '../kernel/explore';
import { PATTERN_IDS, worstOf } from '../kernel/vocabulary';
import { useLabPostgres } from '../testing/postgres';
import { PATTERN_CATALOG } from './catalog';
import { PATTERNS } from './index';

const postgres = useLabPostgres();

describe('the pattern catalogue', () => {
  it('uses only vocabulary ids, once each, and every runnable pattern is in it', () => {
    const ids = PATTERN_CATALOG.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(PATTERN_IDS).toContain(id);
    for (const id of Object.keys(PATTERNS)) expect(ids).toContain(id);
  });

  // The landing page promises each pattern's worst anomaly; exploration must bear it out.
  for (const pattern of Object.values(PATTERNS)) {
    it(`states the worst anomaly of ${pattern!.info.id} as exploration finds it`, async () => {
      const explored = await explorePattern(postgres.db, pattern!);
      expect(worstOf(explored.runs.flatMap((r) => r.anomalies))).toBe(pattern!.info.worstAnomaly);
    });
  }
});

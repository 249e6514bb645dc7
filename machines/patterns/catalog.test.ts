import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PATTERN_IDS } from '../kernel/vocabulary';
import type { AnomalyProfile } from '../testing/anomaly-profile';
import { findPattern, PATTERN_CATALOG } from './catalog';
import { PATTERNS } from './index';

/** The test files in a pattern's folder. */
function testFilesOf(id: string): string[] {
  const folder = new URL(`./${id}/`, import.meta.url);
  return readdirSync(folder)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => readFileSync(new URL(f, folder), 'utf8'));
}

describe('the pattern catalogue', () => {
  it('uses only vocabulary ids, once each, and every runnable pattern is in it', () => {
    const ids = PATTERN_CATALOG.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(PATTERN_IDS).toContain(id);
    for (const id of Object.keys(PATTERNS)) expect(ids).toContain(id);
  });

  // What exploring a pattern shows (the worst anomalies stated here, what the idempotency switch
  // does, that every listed fault strikes, its profile, reachability, captions) is checked in the
  // pattern's own test file with its one exploration (machines/testing/explored-claims.ts), so the
  // explorations spread over files that run in parallel. This makes sure no pattern is left out.
  for (const id of PATTERN_IDS) {
    it(`${id}: has a profile of exactly its variants, and a test file that checks its exploration claims`, async () => {
      const { anomalyProfile } = (await import(`./${id}/profile.ts`)) as { anomalyProfile: AnomalyProfile };
      expect(Object.keys(anomalyProfile).sort()).toEqual(findPattern(id)!.variants.map((v) => v.id).sort());
      const claiming = testFilesOf(id).filter((text) => text.includes('describeExplorationClaims(exploration, anomalyProfile'));
      expect(claiming, `one test file of ${id} checks its exploration claims`).toHaveLength(1);
    });
  }
});

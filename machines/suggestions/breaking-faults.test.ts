import { describe, expect, it } from 'vitest';
import { PATTERN_CATALOG } from '../patterns/catalog';
import { lab } from '../testing/lab-driver';
import { useLabPostgres } from '../testing/postgres';
import { worstOf } from '../kernel/vocabulary';
import { BREAKING_FAULTS, breakingFault } from './breaking-faults';

const postgres = useLabPostgres();

describe('the fault the outcome panel suggests after a clean run', () => {
  it('exists for every form of every pattern that one fault can break, and only for known forms', () => {
    const breakable = PATTERN_CATALOG.flatMap((p) => p.variants.filter((v) => v.worstAnomaly !== 'none').map((v) => `${p.id}/${v.id}`));
    const listed = Object.entries(BREAKING_FAULTS).flatMap(([pattern, variants]) => Object.keys(variants).map((v) => `${pattern}/${v}`));
    expect(listed.sort()).toEqual(breakable.sort());
  });

  for (const [pattern, variants] of Object.entries(BREAKING_FAULTS)) {
    for (const variant of Object.keys(variants)) {
      it(`${pattern}/${variant}: the fault really leads to what it says in the default scenario`, async () => {
        const { fault, shows } = breakingFault(pattern, variant)!;
        const info = PATTERN_CATALOG.find((p) => p.id === pattern)!;
        const result = await lab(postgres.db, info.id).variant(variant).fault(fault.kind, fault.at).run();
        expect(result.steps.some((s) => s.struck), `${fault.kind}@${fault.at} strikes`).toBe(true);
        expect(worstOf(result.outcome.anomalies.map((a) => a.id))).toBe(shows);
      });
    }
  }
});

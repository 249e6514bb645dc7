import { describe, expect, it } from 'vitest';
import { explorePattern, type ExploredPattern, type ExploredRun } from '../kernel/explore';
import type { PatternDefinition } from '../kernel/pattern';
import { PATTERN_IDS, worstOf } from '../kernel/vocabulary';
import { useLabPostgres } from '../testing/postgres';
import { PATTERN_CATALOG } from './catalog';
import { PATTERNS } from './index';

const postgres = useLabPostgres();

// Exploring is the slow part: each pattern is explored once and every claim below reads that.
const explorations = new Map<PatternDefinition, Promise<ExploredPattern>>();
function exploredOnce(pattern: PatternDefinition): Promise<ExploredPattern> {
  if (!explorations.has(pattern)) explorations.set(pattern, explorePattern(postgres.db, pattern));
  return explorations.get(pattern)!;
}

const plan = (run: ExploredRun) => `${run.variant} orders ${run.orders.join(",")} ${JSON.stringify(run.faults)}`;

describe('the pattern catalogue', () => {
  it('uses only vocabulary ids, once each, and every runnable pattern is in it', () => {
    const ids = PATTERN_CATALOG.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(PATTERN_IDS).toContain(id);
    for (const id of Object.keys(PATTERNS)) expect(ids).toContain(id);
  });

  // One exploration per pattern backs two claims: the worst anomalies the landing page promises
  // (the default form's, and each variant's own), and what the idempotency switch does wherever
  // there is a consumer.
  for (const pattern of Object.values(PATTERNS)) {
    const { id, worstAnomaly, hasConsumer, variants } = pattern!.info;
    it(`${id}: the stated worst anomalies are what exploration finds, and idempotent consumers never apply twice`, async () => {
      const explored = await exploredOnce(pattern!);
      // A variant's worst case is over all its single-fault runs, switch off and on.
      const worstIn = (variant: string) => worstOf(explored.runs.filter((r) => r.variant === variant).flatMap((r) => r.anomalies));
      expect(variants.map((v) => v.id)).toContain('default');
      expect(worstAnomaly, 'the pattern states its default form\'s worst case').toBe(worstIn('default'));
      for (const variant of variants) expect(variant.worstAnomaly, `variant ${variant.id}`).toBe(worstIn(variant.id));

      const withSwitch = explored.runs.filter((r) => r.idempotentConsumer);
      const without = explored.runs.filter((r) => !r.idempotentConsumer);
      if (!hasConsumer) {
        // Nothing consumes, so there is nothing to apply twice, switch or no switch.
        for (const run of explored.runs) expect(run.anomalies, plan(run)).not.toContain('duplicate-effect');
        return;
      }
      for (const run of withSwitch) expect(run.anomalies, plan(run)).not.toContain('duplicate-effect');
      // Where a fault made the consumer apply an event twice, the same fault with the switch on
      // still redelivers; the consumer just skips the repeat.
      for (const off of without.filter((r) => r.anomalies.includes('duplicate-effect'))) {
        const on = withSwitch.find((r) => plan(r) === plan(off))!;
        expect(on.anomalies, plan(off)).toContain('duplicate-delivery');
      }
      // And the switch is not decoration: wherever faults redeliver, some redelivery is applied
      // twice when the switch is off.
      const redelivers = without.some((r) => r.anomalies.includes('duplicate-delivery'));
      const appliesTwice = without.some((r) => r.anomalies.includes('duplicate-effect'));
      expect(appliesTwice, 'some fault applies a redelivered event twice without the switch').toBe(redelivers);
    });

    // Exploration arms each (point, kind) the fault-free run lists, alone: a listed one that
    // never strikes would be a run that claims to test a fault and tests nothing.
    it(`${id}: every fault point a fault-free run lists strikes when armed alone`, async () => {
      const { runs } = await exploredOnce(pattern!);
      expect(runs.some((r) => r.faults.length === 1)).toBe(true);
      expect(runs.filter((r) => !r.struck).map(plan)).toEqual([]);
    });
  }
});

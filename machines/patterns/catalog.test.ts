import { describe, expect, it } from 'vitest';
import { explorePattern, type ExploredRun } from '../kernel/explore';
import { PATTERN_IDS, worstOf } from '../kernel/vocabulary';
import { useLabPostgres } from '../testing/postgres';
import { PATTERN_CATALOG } from './catalog';
import { PATTERNS } from './index';

const postgres = useLabPostgres();

const plan = (run: ExploredRun) => `${run.variant} ${JSON.stringify(run.faults)}`;

describe('the pattern catalogue', () => {
  it('uses only vocabulary ids, once each, and every runnable pattern is in it', () => {
    const ids = PATTERN_CATALOG.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(PATTERN_IDS).toContain(id);
    for (const id of Object.keys(PATTERNS)) expect(ids).toContain(id);
  });

  // One exploration per pattern backs two claims: the worst anomaly the landing page promises,
  // and what the idempotency switch does wherever there is a consumer.
  for (const pattern of Object.values(PATTERNS)) {
    const { id, worstAnomaly, hasConsumer } = pattern!.info;
    it(`${id}: the stated worst anomaly is what exploration finds, and idempotent consumers never apply twice`, async () => {
      const explored = await explorePattern(postgres.db, pattern!);
      expect(worstOf(explored.runs.flatMap((r) => r.anomalies))).toBe(worstAnomaly);

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
  }
});

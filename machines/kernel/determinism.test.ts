import { describe, expect, it } from 'vitest';
import { lab } from '../testing/lab-driver';
import { useLabPostgres } from '../testing/postgres';

const postgres = useLabPostgres();

describe('determinism', () => {
  it('gives the same trace, snapshots and outcome for the same seed and faults', async () => {
    for (let seed = 0; seed < 12; seed++) {
      for (const pattern of ['naive-db-first', 'outbox-polling'] as const) {
        const scenario = () =>
          lab(postgres.db, pattern).seed(seed).orders(0, 3, 7).crash(pattern === 'outbox-polling' ? 'relay.mark:2' : 'consumer.commit-offset:1');
        const first = JSON.stringify(await scenario().run({ captureSnapshots: true }));
        const second = JSON.stringify(await scenario().run({ captureSnapshots: true }));
        expect(second, `seed ${seed} ${pattern}`).toBe(first);
      }
    }
  });

  it('lets the seed choose between interleavings', async () => {
    const traces = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const result = await lab(postgres.db, 'outbox-polling').seed(seed).orders(0, 2, 4).run();
      traces.add(result.steps.map((s) => `${s.t}:${s.point}`).join(' '));
    }
    expect(traces.size).toBeGreaterThan(1);
  });
});

import { describe, expect, it } from 'vitest';
import { lab } from '../testing/lab-driver';
import { useLabPostgres } from '../testing/postgres';

const postgres = useLabPostgres();

describe('determinism', () => {
  it('gives the same trace, snapshots and outcome for the same seed and faults', async () => {
    for (let seed = 0; seed < 12; seed++) {
      for (const pattern of ['naive-db-first', 'outbox-polling', 'outbox-cdc'] as const) {
        const crashAt = { 'naive-db-first': 'consumer.commit-offset:1', 'outbox-polling': 'relay.mark:2', 'outbox-cdc': 'connector.store-position:1' }[pattern];
        const scenario = () => lab(postgres.db, pattern).seed(seed).orders(0, 3, 7).crash(crashAt);
        const first = JSON.stringify(await scenario().run({ captureSnapshots: true }));
        const second = JSON.stringify(await scenario().run({ captureSnapshots: true }));
        expect(second, `seed ${seed} ${pattern}`).toBe(first);
      }
    }
    // 72 runs with snapshots; the CDC connector's runs wait for its offset flush.
  }, 180_000);

  // WAL positions grow across runs on one instance; every figure shown must be relative to the run.
  it('gives the same WAL records and slot figures on a second run of a CDC scenario', async () => {
    const cases = [
      ...['default', 'delete-after-insert', 'heartbeat', 'wal-message', 'mark-published', 'lost-slot'].map((v) => lab(postgres.db, 'outbox-cdc').variant(v).fault('db-write-fails', 'service.write-order:1')),
      ...['default', 'renamed-column'].map((v) => lab(postgres.db, 'cdc-table').variant(v).crash('connector.store-position:1')),
    ].map((driver) => driver.scenario);
    for (const scenario of cases) {
      const run = () => lab(postgres.db, scenario.pattern).variant(scenario.variant).fault(scenario.faults[0]!.kind, scenario.faults[0]!.at).run({ captureSnapshots: true });
      const first = JSON.stringify(await run());
      const second = JSON.stringify(await run());
      expect(second, `${scenario.pattern} ${scenario.variant}`).toBe(first);
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

/**
 * Outcomes judged from histories: a stale read that a later write healed was still served, a run
 * that never settles gets no clean verdict, and a refused lock is known from Postgres's error code,
 * not from the words of a caption.
 */
import { describe, expect, it } from 'vitest';
import { PATTERNS } from '../patterns/index';
import { lab } from '../testing/lab-driver';
import { runScenario } from './explore';
import { defaultScenario } from './scenario';
import { useLabPostgres } from '../testing/postgres';
import { describeUnsettled } from './detectors/settling';
import { staleCacheAnomalies, type TruthAtStep } from './detectors/stale-cache';
import type { StepRecord } from './types';

const postgres = useLabPostgres();

describe('stale reads, judged from the history of reads', () => {
  for (const [pattern, operation] of [
    ['cache-set', 'cache-set'],
    ['cache-delete', 'cache-delete'],
  ] as const) {
    it(`${pattern}: a writer crashing before its ${operation} leaves a read served stale, though a later writer heals the key`, async () => {
      const result = await lab(postgres.db, pattern).crash(`service.${operation}:1`).run({ captureSnapshots: true });
      expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['stale-cache']);
      const [anomaly] = result.outcome.anomalies;
      expect(anomaly!.subject).toBe('order 1');

      // The read the evidence names is a real hit of version 1 after version 2 committed.
      const commit = result.steps.find((s) => s.actor === 'service' && s.operation === 'update-order')!;
      const read = result.steps.find((s) => s.actor === 'reader' && s.operation === 'lookup' && s.index > commit.index)!;
      expect(anomaly!.evidence[0]).toEqual({
        ref: `read of order:1 at step ${read.index} (t=${read.t} ms)`,
        detail: `the reader was served version 1; Postgres had held version 2 since step ${commit.index}`,
      });
      // And the cache ends healed: the final state alone would have said "consistent".
      const cache = result.snapshots!.at(-1)!.inspections!.find((t) => t.name === 'cache')!;
      expect(JSON.parse(String(cache.rows[0]!.value)).version).toBe(3);
      expect(anomaly!.why).toMatch(/a later write healed the key/);
    });

    it(`${pattern}: without faults, no read is served stale`, async () => {
      const result = await lab(postgres.db, pattern).run();
      expect(result.outcome.consistent).toBe(true);
    });
  }

  const history = (...changes: [number, number][]): TruthAtStep[] => changes.map(([step, version]) => ({ step, versions: new Map([['k', version]]) }));
  const judge = (reads: { step: number; value: string }[], changes: [number, number][]) =>
    staleCacheAnomalies({
      reads: reads.map((r) => ({ ...r, t: r.step * 10, key: 'k', by: 'reader' })),
      live: [],
      history: history(...changes),
      versionOf: (value) => Number(value),
      subjectOf: () => 'key k',
      causeOf: () => '',
    });

  it('counts a read as stale only against a version committed by an earlier step', () => {
    // Version 2 commits at step 4: a read at step 4 itself is not after it, one at step 5 is.
    expect(judge([{ step: 4, value: '1' }], [[0, 1], [4, 2]])).toEqual([]);
    const [stale] = judge([{ step: 5, value: '1' }], [[0, 1], [4, 2], [9, 3]]);
    expect(stale!.evidence).toEqual([{ ref: 'read of k at step 5 (t=50 ms)', detail: 'the reader was served version 1; Postgres had held version 2 since step 4' }]);
  });

  it('names the step the version became current, not the last step that wrote anything', () => {
    const [stale] = judge([{ step: 8, value: '1' }], [[0, 1], [3, 2], [6, 2]]);
    expect(stale!.evidence[0]!.detail).toBe('the reader was served version 1; Postgres had held version 2 since step 3');
  });
});

describe('a run that does not settle', () => {
  it('gets no clean verdict when the step limit comes first, even with no anomaly found yet', async () => {
    const result = await lab(postgres.db, 'outbox-polling').run({ maxSteps: 6 });
    expect(result.steps).toHaveLength(6);
    expect(result.outcome.settled).toBe(false);
    expect(result.outcome.consistent).toBe(false);
    expect(result.outcome.unsettled).toMatchObject({ livelock: false });
    expect(result.outcome.summary).toMatch(/^The run did not settle\./);
    expect(result.outcome.summary).not.toMatch(/Consistent/);
  });

  it('a heartbeat after a connector restart is confirmed, so the connector does not beat forever', async () => {
    // Once a livelock: the restarted connector had no image of the heartbeat row, skipped its UPDATE
    // and wrote another heartbeat on every poll.
    const result = await lab(postgres.db, 'outbox-cdc').variant('heartbeat').orders(0, 3000).crash('connector.poll:4').run();
    expect(result.outcome.settled).toBe(true);
    // The crash comes before the connector's first offset flush (every 2 s), so order 1 goes out again.
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['duplicate-delivery', 'duplicate-effect']);
    const beats = result.steps.filter((s) => s.actor === 'connector' && s.operation === 'heartbeat');
    expect(beats).toHaveLength(2);
  });

  const step = (index: number, actor: string, operation: string) => ({ index, actor, operation }) as StepRecord;

  it('tells work still going on from a loop', () => {
    const varied = Array.from({ length: 100 }, (_, i) => step(i + 1, i % 3 === 0 ? 'relay' : 'consumer', `op-${i % 7}-${i % 5}`));
    const busy = describeUnsettled(varied, 100);
    expect(busy.livelock).toBe(false);
    expect(busy.busy.sort()).toEqual(['consumer', 'relay']);
    const looping = [step(1, 'client', 'send'), ...Array.from({ length: 99 }, (_, i) => step(i + 2, 'relay', i % 2 ? 'mark' : 'poll'))];
    expect(describeUnsettled(looping, 100)).toMatchObject({ livelock: true, cycle: ['relay.poll', 'relay.mark'], sinceStep: 2 });
  });

  it('says the run is stuck when nobody is due before the limit', () => {
    expect(describeUnsettled([step(1, 'client', 'send')], 400).why).toMatch(/nobody was due to act/);
  });
});

describe('components', () => {
  it('a pattern that uses a component it did not declare fails, naming it', async () => {
    const withoutBroker = { ...PATTERNS['naive-db-first'], components: () => ({}) };
    await expect(runScenario(postgres.db, withoutBroker, defaultScenario('naive-db-first'))).rejects.toThrow(/naive-db-first uses the broker \(publish\) but does not declare it/);
  });
});

describe('a refused lock', () => {
  it('is known from SQLSTATE 55P03 and reported as blocked, whatever the captions say', async () => {
    const result = await lab(postgres.db, 'two-phase-commit').crash('coordinator.commit-db:1').run();
    const refusals = result.steps.filter((s) => s.facts.lockRefusals);
    expect(refusals.map((s) => s.point)).toEqual(['service.check-stock:2']);
    const blocked = result.outcome.anomalies.find((a) => a.id === 'blocked' && a.subject.startsWith('service at step'));
    expect(blocked?.evidence[0]?.detail).toMatch(/could not obtain lock/);
  });
});

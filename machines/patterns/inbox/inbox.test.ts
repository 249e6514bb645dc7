import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../kernel/types';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { faultsShowing, useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as inbox } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of inbox this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, inbox);
const run = () => lab(postgres.db, 'inbox');

const rowsOf = (result: RunResult, table: string) => result.snapshots!.at(-1)!.tables.find((t) => t.name === table)!.rows;
const anomalies = (result: RunResult) => result.outcome.anomalies.map((a) => a.id);

describe('inbox', () => {
  it('stores each message in the inbox before acking it, and ships it from there once', async () => {
    const result = await run().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const store = result.trace.find((e) => e.label === 'store evt-1 in the inbox')!;
    expect(store.sql).toEqual([
      'BEGIN',
      expect.stringMatching(/^INSERT INTO consumer\.inbox \(message_id, .*\) ON CONFLICT \(message_id\) DO NOTHING$/s),
      'COMMIT',
    ]);
    // The offset is committed only after the inbox row is.
    const consumerOps = result.steps.filter((s) => s.actor === 'consumer').map((s) => s.operation);
    expect(consumerOps.indexOf('apply')).toBeLessThan(consumerOps.indexOf('commit-offset'));
    const processed = result.trace.find((e) => e.label === 'ship order 1 and mark evt-1 processed')!;
    expect(processed.sql).toEqual([
      'BEGIN',
      expect.stringMatching(/^UPDATE consumer\.inbox SET processed_at = .* AND processed_at IS NULL$/),
      expect.stringMatching(/^INSERT INTO consumer\.shipments/),
      'COMMIT',
    ]);
    expect(rowsOf(result, 'consumer.inbox').map((r) => [r.message_id, r.order_id, r.processed_at !== null])).toEqual([
      ['evt-1', 1, true],
      ['evt-2', 2, true],
    ]);
  });

  it('stops the duplicate of a relay crash between publish and mark at the inbox: one shipment', async () => {
    const result = await run().crash('relay.mark:1').run({ captureSnapshots: true });
    expect(anomalies(result)).toEqual(['duplicate-delivery']);
    const delivery = result.outcome.anomalies[0]!;
    expect(delivery.why).toMatch(/2 copies in the topic/);
    expect(delivery.why).toMatch(/applied only once/);
    expect(rowsOf(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2]);
    expect(rowsOf(result, 'consumer.inbox')).toHaveLength(2);
    expect(result.steps.some((s) => s.caption === 'The inbox already has evt-1: the repeat stops here.')).toBe(true);
  });

  it('a consumer crash between the inbox insert and the ack brings the message again, and it stops there', async () => {
    const result = await run().crash('consumer.commit-offset:1').run({ captureSnapshots: true });
    expect(anomalies(result)).toEqual(['duplicate-delivery']);
    expect(result.outcome.anomalies[0]!.evidence[0]!.detail).toMatch(/delivered twice/);
    expect(rowsOf(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2]);
    const restart = result.steps.findIndex((s) => s.actor === 'consumer' && s.operation === 'restart');
    expect(result.steps.slice(restart).some((s) => /already has evt-1/.test(s.caption))).toBe(true);
  });

  it('an inbox insert whose commit the consumer never heard of is read again and dropped', async () => {
    const result = await run().fault('commit-unknown', 'consumer.apply:1').run({ captureSnapshots: true });
    expect(anomalies(result)).toEqual(['duplicate-delivery']);
    expect(rowsOf(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2]);
  });

  it('a processor crash before its transaction ships nothing until the restart, then ships once', async () => {
    const result = await run().crash('processor.process:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const steps = result.steps.filter((s) => s.actor === 'processor').map((s) => s.operation);
    expect(steps.slice(steps.indexOf('restart'), steps.indexOf('restart') + 3)).toEqual(['restart', 'claim', 'process']);
    expect(rowsOf(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2]);
  });

  it('a processor that does not hear its commit reads the inbox again and finds the row processed', async () => {
    const result = await run().fault('commit-unknown', 'processor.process:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(rowsOf(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2]);
  });

  it('gives the same run, inbox and sweeps included, twice', async () => {
    const scenario = () => run().variant('expiring-inbox').crash('relay.mark:1').crash('processor.process:2');
    const first = JSON.stringify(await scenario().run({ captureSnapshots: true }));
    expect(JSON.stringify(await scenario().run({ captureSnapshots: true }))).toBe(first);
  });

  it('shows what the processor holds in memory, which a crash forgets', async () => {
    const result = await run().run({ captureSnapshots: true });
    const holding = result.snapshots!.find((s) => s.inspections?.find((t) => t.name === 'processor memory')?.rows.length);
    expect(holding!.inspections!.find((t) => t.name === 'processor memory')!.rows).toEqual([{ message_id: 'evt-1', order_id: 1 }]);
  });

  it('never loses, invents or applies twice under any single fault, switch off or on', () => {
    const runs = exploration.explored.runs.filter((r) => r.variant === 'default');
    expect(runs.length).toBeGreaterThan(50);
    for (const r of runs) expect(r.anomalies, JSON.stringify(r.faults)).toEqual(r.anomalies.filter((a) => a === 'duplicate-delivery'));
    expect(runs.some((r) => r.anomalies.includes('duplicate-delivery'))).toBe(true);
  });
});

describe('inbox, ids expire after a window', () => {
  const expiring = () => run().variant('expiring-inbox');

  it('ships twice when the relay redelivers after the window swept the id', async () => {
    const result = await expiring().crash('relay.mark:1').run({ captureSnapshots: true });
    expect(anomalies(result)).toEqual(['duplicate-delivery', 'duplicate-effect']);
    const purge = result.trace.find((e) => e.label === 'delete inbox rows past the window')!;
    expect(purge.sql![0]).toMatch(/^DELETE FROM consumer\.inbox WHERE processed_at < '[^']+'::timestamptz - interval '300 milliseconds'$/);
    // The sweep came between the first delivery and the second.
    const swept = result.steps.findIndex((s) => /deletes 1 inbox row/.test(s.caption));
    const again = result.steps.findIndex((s, i) => i > swept && s.caption === 'The consumer stores evt-1 for order 1 in the inbox.');
    expect(swept).toBeGreaterThan(0);
    expect(again).toBeGreaterThan(swept);
    expect(rowsOf(result, 'consumer.shipments').map((r) => [r.order_id, r.event_id])).toEqual([
      [1, 'evt-1'],
      [1, 'evt-1'],
      [2, 'evt-2'],
    ]);
  });

  it('the never-swept processed_events switch catches the late repeat', async () => {
    const result = await expiring().crash('relay.mark:1').idempotent().run({ captureSnapshots: true });
    expect(anomalies(result)).toEqual(['duplicate-delivery']);
    expect(result.steps.some((s) => /skips evt-1: processed_events already has it/.test(s.caption))).toBe(true);
  });

  it('a redelivery inside the window still stops at the inbox', async () => {
    const result = await expiring().crash('consumer.commit-offset:1').run();
    expect(anomalies(result)).toEqual(['duplicate-delivery']);
  });

  it('ships twice only where the relay crashed before its mark, the one repeat that comes after the window', () => {
    expect(faultsShowing(exploration.explored, 'expiring-inbox', 'duplicate-effect')).toEqual([
      'crash@relay.mark:1',
      'crash@relay.mark:1',
      'crash@relay.mark:2',
      'crash@relay.mark:2',
    ]);
    expect(faultsShowing(exploration.explored, 'default', 'duplicate-effect')).toEqual([]);
  });
});

describeExplorationClaims(exploration, anomalyProfile);

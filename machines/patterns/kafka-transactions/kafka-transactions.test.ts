import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../kernel/types';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { faultsShowing, useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as kafkaTransactions } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of kafka-transactions this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, kafkaTransactions);
const run = () => lab(postgres.db, 'kafka-transactions');

const rowsOf = (result: RunResult, table: string) => result.snapshots!.at(-1)!.tables.find((t) => t.name === table)!.rows;
const anomalies = (result: RunResult) => result.outcome.anomalies.map((a) => a.id);
const shipmentsTopic = (result: RunResult) => result.snapshots!.at(-1)!.topics.find((t) => t.topic === 'shipments')?.messages ?? [];

describe('kafka-transactions', () => {
  it('produces each shipment and its input offset in one transaction, with a COMMIT marker', async () => {
    const result = await run().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(shipmentsTopic(result).map((m) => [m.eventId, m.control ?? m.transaction?.state])).toEqual([
      ['shp-evt-1', 'committed'],
      ['shipment-processor-1#1', 'commit'],
      ['shp-evt-2', 'committed'],
      ['shipment-processor-1#2', 'commit'],
    ]);
    expect(result.trace.some((e) => e.label === 'sendOffsetsToTransaction shipment-processor: orders/p0 = 1')).toBe(true);
    expect(result.trace.some((e) => /^COMMIT marker written to shipments\/p0; offsets committed with it$/.test(e.label))).toBe(true);
    expect(rowsOf(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2]);
  });

  it('keeps the shipment open, unread, until the commit makes it and the offset visible together', async () => {
    const result = await run().run({ captureSnapshots: true });
    const after = (point: string) => result.snapshots![result.steps.findIndex((st) => st.point === point) + 1]!;
    const shipment = (point: string) => after(point).topics.find((t) => t.topic === 'shipments')!.messages[0]!;
    expect(shipment('processor.send-offsets:1').transaction!.state).toBe('open');
    expect(shipment('processor.commit:1').transaction!.state).toBe('committed');
    const committed = result.steps.findIndex((s) => s.point === 'processor.commit:1');
    const consumerRead = result.steps.findIndex((s) => s.caption === 'The consumer fetches 1 message from shipments.');
    expect(consumerRead).toBeGreaterThan(committed);
  });

  it('a processor crash mid-transaction: the restart fences the old epoch, aborts it, and the consumer ships once', async () => {
    const result = await run().crash('processor.send-offsets:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(result.steps.some((s) => s.caption === "The processor gets epoch 1; the broker aborts the old epoch's shipment-processor-1#1.")).toBe(true);
    expect(shipmentsTopic(result).filter((m) => m.partition === 0).map((m) => [m.offset, m.control ?? m.transaction?.state, m.deliveries])).toEqual([
      [0, 'aborted', 0],
      [1, 'abort', 0],
      [2, 'committed', 1],
      [3, 'commit', 0],
    ]);
    expect(rowsOf(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2]);
  });

  it('read_uncommitted hands the consumer the aborted record and then the retry: two shipments', async () => {
    const result = await run().variant('read-uncommitted').crash('processor.send-offsets:1').run({ captureSnapshots: true });
    expect(anomalies(result)).toEqual(['duplicate-delivery', 'duplicate-effect']);
    expect(shipmentsTopic(result).filter((m) => !m.control).map((m) => [m.transaction?.state, m.deliveries])).toEqual([
      ['aborted', 1],
      ['committed', 1],
      ['committed', 1],
    ]);
    expect(rowsOf(result, 'consumer.shipments').map((r) => [r.order_id, r.event_id])).toEqual([
      [1, 'shp-evt-1'],
      [1, 'shp-evt-1'],
      [2, 'shp-evt-2'],
    ]);
  });

  it('the retried transaction produces the same event id, so processed_events stops the read_uncommitted repeat', async () => {
    const result = await run().variant('read-uncommitted').crash('processor.commit:1').idempotent().run();
    expect(anomalies(result)).toEqual(['duplicate-delivery']);
  });

  it('the write into Postgres before the publish is still a dual write: a crash between them loses the event', async () => {
    const result = await run().crash('service.publish:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
    expect(rowsOf(result, 'service.orders').map((r) => r.id)).toContain(1);
    expect(shipmentsTopic(result).some((m) => m.orderId === 1)).toBe(false);
  });

  it('exactly-once ends at the consumer too: its shipment and its offset commit are two writes', async () => {
    expect(await run().crash('consumer.commit-offset:1').anomalies()).toEqual(['duplicate-delivery', 'duplicate-effect']);
  });

  it('a processor fault never ships twice with read_committed; with read_uncommitted a crash mid-transaction does', () => {
    const processorFaults = (variant: string) => faultsShowing(exploration.explored, variant, 'duplicate-effect').filter((f) => f.includes('processor.'));
    expect(processorFaults('default')).toEqual([]);
    expect(processorFaults('read-uncommitted')).toEqual([
      'crash@processor.commit:1',
      'crash@processor.commit:1',
      'crash@processor.commit:2',
      'crash@processor.commit:2',
      'crash@processor.send-offsets:1',
      'crash@processor.send-offsets:1',
      'crash@processor.send-offsets:2',
      'crash@processor.send-offsets:2',
    ]);
  });

  it('gives the same run, markers and epochs included, twice', async () => {
    const scenario = () => run().variant('read-uncommitted').crash('processor.commit:1');
    const first = JSON.stringify(await scenario().run({ captureSnapshots: true }));
    expect(JSON.stringify(await scenario().run({ captureSnapshots: true }))).toBe(first);
  });
});

describeExplorationClaims(exploration, anomalyProfile);

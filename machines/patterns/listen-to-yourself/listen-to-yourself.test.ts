import { describe, expect, it } from 'vitest';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as listenToYourself, PROJECTOR_MAX_FAILURES } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of listen-to-yourself this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, listenToYourself);
const ownConsumer = () => lab(postgres.db, 'listen-to-yourself');
const readAfterWrite = "service's read-after-write results";

describe('listen-to-yourself', () => {
  it('writes the order only through its own consumer, and cannot read its own write right away', async () => {
    const result = await ownConsumer().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(result.trace.filter((e) => e.from === 'service' && e.kind === 'sql').every((e) => e.sql!.every((s) => /^SELECT/i.test(s)))).toBe(true);
    expect(result.trace.some((e) => e.from === 'projector' && e.kind === 'sql' && e.sql!.some((s) => /INSERT INTO service\.orders/.test(s)))).toBe(true);
    const last = result.snapshots!.at(-1)!;
    const reads = last.inspections!.find((i) => i.name === readAfterWrite)!;
    expect(reads.rows).toEqual([
      expect.objectContaining({ order_id: 1, found_then: false, in_orders_now: true }),
      expect.objectContaining({ order_id: 2, found_then: false, in_orders_now: true }),
    ]);
    expect(result.steps.find((s) => s.point === 'service.read-own-order:1')!.caption).toMatch(/not there yet/);
  });

  it('keeps the consumer groups apart: each reads every event once', async () => {
    const result = await ownConsumer().run({ captureSnapshots: true });
    const topic = result.snapshots!.at(-1)!.topics.find((t) => t.topic === 'orders')!;
    // Deliveries count the shipping group only; the projector's reads are its own.
    expect(topic.messages.map((m) => m.deliveries)).toEqual([1, 1]);
    expect(result.steps.filter((s) => s.actor === 'projector' && s.operation === 'apply')).toHaveLength(2);
  });

  it('a projector crash means redelivery, which its keyed insert absorbs', async () => {
    const result = await ownConsumer().crash('projector.commit-offset:1').run();
    expect(result.outcome.consistent).toBe(true);
    expect(result.steps.some((s) => s.actor === 'projector' && /already written; the repeat changes nothing/.test(s.caption))).toBe(true);
  });

  it('ships an order its own database never gets when the projector cannot write it', async () => {
    const result = await ownConsumer().fault('db-write-fails', 'service.publish:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['phantom-event', 'order 1']]);
    const phantom = result.outcome.anomalies[0]!;
    expect(phantom.evidence.map((e) => e.detail)).toEqual(expect.arrayContaining(['no order 1', 'shipment for order 1']));
    expect(phantom.why).toMatch(/publishes order 1 with a negative amount/);
    const failures = result.steps.filter((s) => s.actor === 'projector' && s.operation === 'apply' && /order 1/.test(s.caption));
    expect(failures).toHaveLength(PROJECTOR_MAX_FAILURES);
    expect(failures.at(-1)!.caption).toMatch(/gives up on order 1/);
    expect(result.trace.some((e) => e.from === 'postgres' && /violates check constraint/.test(e.label))).toBe(true);
  });

  it('a transient projector failure is retried and heals', async () => {
    expect(await ownConsumer().fault('db-write-fails', 'projector.apply:1').anomalies()).toEqual([]);
  });

  it('under any single fault: never loses an order; invents one only when the projector cannot write it', async () => {
    const { explored } = exploration;
    const seen = new Set(explored.runs.flatMap((r) => r.anomalies));
    expect(seen.has('lost-event')).toBe(false);
    expect(seen.has('phantom-event')).toBe(true);
    const phantoms = explored.runs.filter((r) => r.anomalies.includes('phantom-event'));
    expect(new Set(phantoms.map((r) => `${r.faults[0]!.kind}@${r.faults[0]!.at.replace(/:\d+$/, '')}`))).toEqual(new Set(['db-write-fails@service.publish']));
    const projectorFaults = explored.runs.filter((r) => r.faults[0]?.at.startsWith('projector.'));
    expect(projectorFaults.length).toBeGreaterThan(0);
    expect(projectorFaults.flatMap((r) => r.anomalies)).toEqual([]);
  });
});

describeExplorationClaims(exploration, anomalyProfile);

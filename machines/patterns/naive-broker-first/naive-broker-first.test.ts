import { describe, expect, it } from 'vitest';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as naiveBrokerFirst } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of naive-broker-first this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, naiveBrokerFirst);
const brokerFirst = () => lab(postgres.db, 'naive-broker-first');

describe('naive-broker-first', () => {
  it('publishes before it writes, and delivers both orders once when nothing fails', async () => {
    const result = await brokerFirst().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const order1 = result.steps.filter((s) => s.actor === 'service' && /order 1\b/.test(s.caption)).map((s) => s.operation);
    expect(order1).toEqual(['publish', 'write-order']);
    const orders = result.snapshots!.at(-1)!.tables.find((t) => t.name === 'service.orders')!;
    expect(orders.rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it('ships an order Postgres rejected: the event went out before the insert failed', async () => {
    const result = await brokerFirst().fault('db-write-fails', 'service.write-order:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['phantom-event', 'order 1']]);
    const phantom = result.outcome.anomalies[0]!;
    expect(phantom.evidence.map((e) => e.detail)).toContain('no order 1');
    expect(phantom.why).toMatch(/rejects order 1/);
    const shipments = result.snapshots!.at(-1)!.tables.find((t) => t.name === 'consumer.shipments')!;
    expect(shipments.rows.map((r) => r.order_id)).toContain(1);
    expect(result.trace.some((e) => /violates check constraint/.test(e.label))).toBe(true);
  });

  it('ships an order that never gets written when the service crashes after publishing', async () => {
    const result = await brokerFirst().crash('service.write-order:2').run();
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['phantom-event', 'order 2']]);
    expect(result.outcome.anomalies[0]!.why).toMatch(/crashes before writing order 2/);
  });

  it('invents an order when the publish was stored but its ack timed out', async () => {
    expect(await brokerFirst().fault('publish-timeout-stored', 'service.publish:1').anomalies()).toEqual(['phantom-event']);
  });

  it('stays consistent when the broker refuses outright: nothing is written either', async () => {
    expect(await brokerFirst().fault('broker-unavailable', 'service.publish:1').anomalies()).toEqual([]);
  });

  it('under any single fault: invents events, never loses one', async () => {
    const { explored } = exploration;
    const seen = new Set(explored.runs.flatMap((r) => r.anomalies));
    expect(seen.has('phantom-event')).toBe(true);
    expect(seen.has('lost-event')).toBe(false);
    expect(seen.has('out-of-order')).toBe(false);
    expect(explored.runs.filter((r) => r.idempotentConsumer).flatMap((r) => r.anomalies)).not.toContain('duplicate-effect');
  });
});

describeExplorationClaims(exploration, anomalyProfile);

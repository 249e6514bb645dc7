import { describe, expect, it } from 'vitest';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as naiveDbFirst } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of naive-db-first this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, naiveDbFirst);
const naive = () => lab(postgres.db, 'naive-db-first');

describe('naive-db-first', () => {
  it('delivers both orders exactly once when nothing fails', async () => {
    const result = await naive().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const shipments = result.snapshots!.at(-1)!.tables.find((t) => t.name === 'consumer.shipments')!;
    expect(shipments.rows.map((r) => r.order_id)).toEqual([1, 2]);
  });

  it('loses the event when the broker is down at publish', async () => {
    const result = await naive().fault('broker-unavailable', 'service.publish:1').run();
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
    const lost = result.outcome.anomalies[0]!;
    expect(lost.evidence.map((e) => e.ref)).toContain('service.orders id=1');
    expect(lost.why).toMatch(/broker unavailable/);
    expect(result.steps.find((s) => s.point === 'service.publish:1')?.struck?.kind).toBe('broker-unavailable');
  });

  it('loses the event when the service crashes after the commit', async () => {
    const result = await naive().crash('service.publish:2').run();
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 2']]);
    expect(result.outcome.anomalies[0]!.why).toMatch(/crashes before publishing/);
  });

  it('loses the event when the commit succeeds but the service hears an error', async () => {
    expect(await naive().fault('commit-unknown', 'service.write-order:1').anomalies()).toEqual(['lost-event']);
  });

  it('stays consistent when Postgres rejects the order: the rollback is real', async () => {
    const result = await naive().fault('db-write-fails', 'service.write-order:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const orders = result.snapshots!.at(-1)!.tables.find((t) => t.name === 'service.orders')!;
    expect(orders.rows.map((r) => r.id)).toEqual([2]);
    const rejected = result.trace.find((e) => e.kind === 'sql' && !e.ok)!;
    expect(rejected.sql).toContain('ROLLBACK');
    expect(result.trace.some((e) => /violates check constraint/.test(e.label))).toBe(true);
  });

  it('stays consistent when the broker stored the message but the ack was lost', async () => {
    expect(await naive().fault('publish-timeout-stored', 'service.publish:1').anomalies()).toEqual([]);
  });

  it('under any single fault: loses events, never invents them, and duplicates effects only without idempotency', async () => {
    const { explored } = exploration;
    const seen = new Set(explored.runs.flatMap((r) => r.anomalies));
    expect(seen.has('lost-event')).toBe(true);
    expect(seen.has('phantom-event')).toBe(false);
    const idempotent = explored.runs.filter((r) => r.idempotentConsumer);
    expect(idempotent.flatMap((r) => r.anomalies)).not.toContain('duplicate-effect');
    expect(explored.runs.filter((r) => !r.idempotentConsumer).flatMap((r) => r.anomalies)).toContain('duplicate-effect');
  });
});

describeExplorationClaims(exploration, anomalyProfile);

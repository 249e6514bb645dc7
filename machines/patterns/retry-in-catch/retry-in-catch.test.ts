import { describe, expect, it } from 'vitest';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { faultsShowing, useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { MAX_RETRIES, pattern as retryInCatch } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of retry-in-catch this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, retryInCatch);
const retrying = () => lab(postgres.db, 'retry-in-catch');

describe('retry-in-catch', () => {
  it('recovers from a publish that really failed: the retry stores the only copy', async () => {
    const result = await retrying().fault('broker-unavailable', 'service.publish:1').run();
    expect(result.outcome.consistent).toBe(true);
    expect(result.steps.some((s) => s.point === 'service.retry-publish:1')).toBe(true);
  });

  it('turns a timeout whose message was stored into two copies and two shipments', async () => {
    const result = await retrying().fault('publish-timeout-stored', 'service.publish:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([
      ['duplicate-delivery', 'order 1'],
      ['duplicate-effect', 'order 1'],
    ]);
    const topic = result.snapshots!.at(-1)!.topics.find((t) => t.topic === 'orders')!;
    const copies = topic.messages.filter((m) => m.orderId === 1);
    expect(copies).toHaveLength(2);
    // The retry reuses the event object, so both copies carry one id.
    expect(new Set(copies.map((m) => m.eventId)).size).toBe(1);
  });

  it('with an idempotent consumer the second copy is delivered and skipped', async () => {
    const result = await retrying().fault('publish-timeout-stored', 'service.publish:1').idempotent().run();
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['duplicate-delivery']);
    expect(result.outcome.anomalies[0]!.why).toMatch(/applied only once/);
    expect(result.steps.some((s) => /skips evt-1/.test(s.caption))).toBe(true);
  });

  it('still loses the event when the service crashes before the retry', async () => {
    const result = await retrying().fault('publish-timeout-lost', 'service.publish:1').crash('service.retry-publish:1').run();
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
    expect(result.outcome.anomalies[0]!.why).toMatch(/crashes before retrying the publish for order 1/);
  });

  it('gives up after its retries, losing the event', async () => {
    let driver = retrying().fault('broker-unavailable', 'service.publish:1');
    for (let n = 1; n <= MAX_RETRIES; n++) driver = driver.fault('broker-unavailable', `service.retry-publish:${n}`);
    const result = await driver.run();
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['lost-event']);
    expect(result.trace.some((e) => e.label === '500 Internal Server Error')).toBe(true);
  });

  it('cannot tell which write failed: a rejected insert lands in the catch, which publishes it', async () => {
    const result = await retrying().fault('db-write-fails', 'service.write-order:1').run();
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['phantom-event', 'order 1']]);
    // The retry succeeds, so the client is even told its rolled-back order was created.
    expect(result.trace.some((e) => e.label === '201 Created (order 1)')).toBe(true);
  });

  it('publishes after commit-unknown too, which here happens to be right', async () => {
    expect(await retrying().fault('commit-unknown', 'service.write-order:1').anomalies()).toEqual([]);
  });

  it('under any single fault: loses, invents and duplicates events', async () => {
    const { explored } = exploration;
    const seen = new Set(explored.runs.flatMap((r) => r.anomalies));
    for (const id of ['lost-event', 'phantom-event', 'duplicate-delivery', 'duplicate-effect'] as const) expect(seen.has(id)).toBe(true);
    expect(seen.has('out-of-order')).toBe(false);
    expect(seen.has('blocked')).toBe(false);
    expect(explored.runs.filter((r) => r.idempotentConsumer).flatMap((r) => r.anomalies)).not.toContain('duplicate-effect');
  });

  it('with an idempotent producer, no single publish fault duplicates an event any more; consumer crashes still do', () => {
    const duplicating = (variant: string) => faultsShowing(exploration.explored, variant, 'duplicate-delivery');
    expect(duplicating('default').some((f) => f.startsWith('publish-timeout-stored@service.publish'))).toBe(true);
    const idempotent = duplicating('idempotent-producer');
    expect(idempotent.length).toBeGreaterThan(0);
    expect(idempotent.every((f) => f.includes('@consumer.'))).toBe(true);
  });
});

describeExplorationClaims(exploration, anomalyProfile);

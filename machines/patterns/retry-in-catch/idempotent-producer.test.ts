import { describe, expect, it } from 'vitest';
import { lab } from '../../testing/lab-driver';
import { useLabPostgres } from '../../testing/postgres';
import { MAX_RESENDS, RESEND_BACKOFF_MS } from './idempotent-producer';

const postgres = useLabPostgres();
const producer = () => lab(postgres.db, 'retry-in-catch').variant('idempotent-producer');

const publishes = (trace: { kind: string; label: string }[]) => trace.filter((e) => e.kind === 'publish').map((e) => e.label);

// What exploring the variant shows is checked in retry-in-catch.test.ts, with that file's one exploration.
describe('retry-in-catch, idempotent producer', () => {
  it('resends a record whose ack was lost with the same stamp; the broker keeps one copy', async () => {
    const result = await producer().fault('publish-timeout-stored', 'service.publish:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(publishes(result.trace).slice(0, 2)).toEqual([
      'publish OrderPlaced (order 1) → orders [pid 1, seq 0]',
      'publish OrderPlaced (order 1) → orders [pid 1, seq 0]',
    ]);
    expect(result.trace.some((e) => e.label === 'duplicate sequence: ack orders/p0@0, not stored again')).toBe(true);
    const copies = result.snapshots!.at(-1)!.topics.find((t) => t.topic === 'orders')!.messages.filter((m) => m.orderId === 1);
    expect(copies).toHaveLength(1);
    const [sent, resent] = result.steps.filter((s) => s.point === 'service.publish:1' || s.point === 'service.producer-resend:1');
    expect(resent!.t - sent!.t).toBeGreaterThanOrEqual(RESEND_BACKOFF_MS);
  });

  it('cannot help once it gives up: the catch sends a new record, and that one is a duplicate', async () => {
    let driver = producer().fault('publish-timeout-stored', 'service.publish:1');
    for (let n = 1; n <= MAX_RESENDS; n++) driver = driver.fault('broker-unavailable', `service.producer-resend:${n}`);
    const result = await driver.run();
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([
      ['duplicate-delivery', 'order 1'],
      ['duplicate-effect', 'order 1'],
    ]);
    // The application's retry is a new record to the broker: the next sequence.
    expect(publishes(result.trace)).toContain('publish OrderPlaced (order 1) → orders [pid 1, seq 1]');
  });

  it('stores a first send that really failed once, from the resend', async () => {
    const result = await producer().fault('broker-unavailable', 'service.publish:1').run();
    expect(result.outcome.consistent).toBe(true);
    expect(result.steps.some((s) => s.point === 'service.retry-publish:1')).toBe(false);
  });

  it('gets a new producer id after a restart: a session, not an identity', async () => {
    const result = await producer().orders(0, 1000, 2000).crash('service.publish:2').run();
    expect(result.trace.filter((e) => e.label.startsWith('producer id ')).map((e) => e.label)).toEqual(['producer id 1', 'producer id 2']);
    // The new session's sequences start again at 0: the broker tells sessions apart by id only.
    expect(publishes(result.trace)).toEqual([
      'publish OrderPlaced (order 1) → orders [pid 1, seq 0]',
      'publish OrderPlaced (order 3) → orders [pid 2, seq 0]',
    ]);
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 2']]);
  });

  it('still publishes an order Postgres rejected: the catch cannot tell which write failed', async () => {
    const result = await producer().fault('db-write-fails', 'service.write-order:1').run();
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['phantom-event', 'order 1']]);
  });
});

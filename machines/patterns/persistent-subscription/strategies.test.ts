/**
 * Two handler instances in one group, under KurrentDB's RoundRobin and Pinned strategies, with
 * each order's stream holding OrderPlaced then OrderConfirmed: which handler gets what, and what
 * the checker finds in the handlers' applied-events log. Real PGlite underneath.
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../kernel/types';
import { lab } from '../../testing/lab-driver';
import { useLabPostgres } from '../../testing/postgres';
import { bucketOf } from '../../actors/subscription-server';

const postgres = useLabPostgres();
const subscription = () => lab(postgres.db, 'persistent-subscription');

const ids = (result: RunResult) => [...new Set(result.outcome.anomalies.map((a) => a.id))];
/** Event id → the handlers it was pushed to, in order. */
function receivers(result: RunResult): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of result.trace.filter((t) => t.from === 'event-store' && t.kind === 'publish')) {
    for (const [, id] of e.label.matchAll(/Order\w+ (evt-\d+)/g)) map.set(id!, [...(map.get(id!) ?? []), e.to]);
  }
  return map;
}
const inspection = (result: RunResult) => result.snapshots!.at(-1)!.inspections!.find((t) => /persistent subscription/.test(t.name))!;

describe('persistent-subscription: round robin with two handlers', () => {
  it("hands one order's two events to both handlers at once, and the checker finds them applied out of order", async () => {
    const result = await subscription().variant('round-robin').run();
    const to = receivers(result);
    expect(to.get('evt-1')).toEqual(['consumer']);
    expect(to.get('evt-2')).toEqual(['consumer-2']);
    // No fault at all: whichever handler commits first wins, and here OrderConfirmed does.
    expect(result.steps.some((s) => s.struck)).toBe(false);
    expect(ids(result)).toEqual(['out-of-order']);
    const order1 = result.outcome.anomalies.find((a) => a.subject === 'order 1')!;
    expect(order1.why).toMatch(/applied OrderConfirmed before OrderPlaced for order 1/);
    expect(order1.evidence.at(-1)!.detail).toBe('OrderPlaced → OrderConfirmed');
  });

  it('depends on the interleaving: some seeds keep the order, some do not', async () => {
    const outcomes = new Set<boolean>();
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) outcomes.add((await subscription().variant('round-robin').orders(0).seed(seed).anomalies()).includes('out-of-order'));
    expect([...outcomes].sort()).toEqual([false, true]);
  });
});

describe('persistent-subscription: pinned with two handlers', () => {
  it('puts each stream in a bucket held by one handler: order 1 on handler 1, order 2 on handler 2, in order', async () => {
    const result = await subscription().variant('pinned').run({ captureSnapshots: true });
    const to = receivers(result);
    expect([to.get('evt-1'), to.get('evt-2')]).toEqual([['consumer'], ['consumer']]);
    expect([to.get('evt-3'), to.get('evt-4')]).toEqual([['consumer-2'], ['consumer-2']]);
    expect(result.outcome.consistent).toBe(true);
    // The buckets as the admin view shows them (FNV-1a here; KurrentDB's own hash gives other numbers).
    expect([bucketOf({ stream: 'order-1' }), bucketOf({ stream: 'order-2' })]).toEqual([365, 180]);
    expect(inspection(result).columns).toContain('bucket');
  });

  it('keeps a stream on its handler even when the other is idle', async () => {
    const result = await subscription().variant('pinned').orders(0, 0, 0).run();
    const to = receivers(result);
    // Order 3's bucket went to the least-loaded handler (a tie: handler 1) and stays there.
    expect([to.get('evt-5'), to.get('evt-6')]).toEqual([['consumer'], ['consumer']]);
    expect(result.outcome.consistent).toBe(true);
  });

  it("moves a crashed handler's bucket to the other, and gives it a bucket back when it returns", async () => {
    const result = await subscription().variant('pinned').crash('consumer.handle:1').run({ captureSnapshots: true });
    const to = receivers(result);
    expect(to.get('evt-1')).toEqual(['consumer', 'consumer-2']);
    expect(to.get('evt-2')).toEqual(['consumer', 'consumer-2']);
    expect(result.trace.some((e) => e.label === 'drop consumer: evt-1 → retry 1, evt-2 → retry 1; buckets 365 released')).toBe(true);
    // Back, it takes a share: handler 2 holds both buckets, both idle, so the lower-numbered one moves.
    const back = result.steps.filter((s) => s.point.startsWith('event-store.track-clients')).at(-1)!;
    expect(back.caption).toBe('Handler 1 subscribes again and takes over bucket 180.');
    const buckets = inspection(result).note;
    expect(buckets).toMatch(/consumer connected, consumer-2 connected/);
    // Still in order: the retries went to handler 2 in log order.
    expect(ids(result)).toEqual(['duplicate-delivery']);
  });

  it('is best effort: a nack retry lets the same handler apply OrderConfirmed before OrderPlaced', async () => {
    const result = await subscription().variant('pinned').fault('db-unavailable', 'consumer.handle:1').run();
    expect(ids(result)).toEqual(['duplicate-delivery', 'out-of-order']);
    const order1 = result.outcome.anomalies.find((a) => a.id === 'out-of-order')!;
    expect(order1.subject).toBe('order 1');
    expect(receivers(result).get('evt-1')).toEqual(['consumer', 'consumer']);
  });
});

/**
 * A handler that dies and a handler that hangs, as KurrentDB's server tells them apart: a closed
 * connection retries its messages at once; only the message timeout, found on the 1 s tick,
 * catches a handler that holds a message without answering. Real PGlite underneath.
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../kernel/types';
import { lab } from '../../testing/lab-driver';
import { useLabPostgres } from '../../testing/postgres';
import { DEFAULT_TIMING } from '../../kernel/pattern';
import { SUBSCRIPTION_SETTINGS } from '../../actors/subscription-server';

const postgres = useLabPostgres();
const subscription = () => lab(postgres.db, 'persistent-subscription');

const ids = (result: RunResult) => [...new Set(result.outcome.anomalies.map((a) => a.id))];
const stepsOf = (result: RunResult, point: RegExp) => result.steps.filter((s) => point.test(s.point));
const pushes = (result: RunResult) => result.trace.filter((e) => e.from === 'event-store' && e.kind === 'publish');
const table = (result: RunResult, name: string) => result.snapshots!.at(-1)!.tables.find((t) => t.name === name)!.rows;

describe('persistent-subscription: a handler that crashes', () => {
  it('raises the retry count on every disconnect and parks only when a nack finds it past maxRetryCount', async () => {
    const result = await subscription()
      .orders(0)
      .crash('consumer.handle:1')
      .crash('consumer.handle:2')
      .crash('consumer.handle:3')
      .fault('db-unavailable', 'consumer.handle:4')
      .run();
    // Each crash: dropped at once, back in the retry queue one count higher, redelivered on reconnect.
    expect(result.trace.filter((e) => /^drop consumer:/.test(e.label)).map((e) => e.label)).toEqual([
      'drop consumer: evt-1 → retry 1',
      'drop consumer: evt-1 → retry 2',
      'drop consumer: evt-1 → retry 3',
    ]);
    expect(pushes(result).map((e) => e.label)).toEqual([
      'push OrderPlaced evt-1',
      'push OrderPlaced evt-1 (retry 1)',
      'push OrderPlaced evt-1 (retry 2)',
      // Past the budget of 2, yet delivered: KurrentDB's gRPC drop does not check it.
      'push OrderPlaced evt-1 (retry 3)',
      'push OrderPlaced evt-1 (replayed)',
    ]);
    expect(stepsOf(result, /^event-store\.expire:/)).toEqual([]);
    // Each redelivery waits only for the handler to come back, never for a timeout.
    for (const step of stepsOf(result, /^event-store\.push:[2-4]$/)) {
      const reconnect = result.steps.filter((s) => s.point.startsWith('event-store.track-clients') && s.index < step.index).at(-1)!;
      expect(step.t - reconnect.t).toBeLessThan(SUBSCRIPTION_SETTINGS.messageTimeoutMs);
    }
    // The nack retry checks the budget: retried 3 times ≥ 2, so it is parked, and the replay ships it.
    expect(result.steps.some((s) => /Order 1 is out of retries: the subscription will park evt-1/.test(s.caption))).toBe(true);
    expect(result.trace.some((e) => /^park evt-1 .*retried 3 times/.test(e.label))).toBe(true);
    expect(ids(result)).toEqual(['duplicate-delivery']);
  });

  it('is down between the closing and the restart: the restart comes restartMs after the connection closed', async () => {
    const result = await subscription().crash('consumer.ack:1').run();
    const [closing, restart] = stepsOf(result, /^consumer\.restart:/);
    expect(closing!.caption).toMatch(/the OS closes its connection/);
    expect(restart!.t).toBe(closing!.t + DEFAULT_TIMING.restartMs);
    expect(restart!.states['consumer']).toBe('waiting');
    expect(closing!.states['consumer']).toBe('crashed');
  });
});

describe('persistent-subscription: a handler that hangs', () => {
  it('retries on the first tick past the message timeout while the frozen handler still holds the message', async () => {
    const result = await subscription().fault('pause', 'consumer.handle:1').run({ captureSnapshots: true });
    const freeze = result.steps.find((s) => s.struck?.kind === 'pause')!;
    const [timeout] = stepsOf(result, /^event-store\.expire:/);
    // The message timeout ran out at ~1 s; the 1 s tick at 2000 ms finds it, before the pause ends.
    expect(timeout!.t).toBe(2000);
    expect(timeout!.t).toBeLessThan(freeze.t + DEFAULT_TIMING.pauseMs);
    expect(timeout!.caption).toMatch(/unanswered by the handler: retry/);
    // One client: the retry goes to the same, frozen handler, which now holds evt-1 twice.
    const retried = pushes(result).find((e) => /evt-1 \(retry 1\)/.test(e.label))!;
    expect(retried.to).toBe('consumer');
    expect(retried.t).toBeLessThan(freeze.t + DEFAULT_TIMING.pauseMs);
    // It wakes, ships, and its ack settles the retried copy; the second copy meets the unique key.
    expect(result.steps.filter((s) => /unique key refuses a second shipment for order 1/.test(s.caption))).toHaveLength(1);
    expect(result.steps.some((s) => /ignores the ack evt-1: it owes it no more/.test(s.caption))).toBe(true);
    expect(ids(result)).toEqual(['duplicate-delivery']);
    expect(table(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2]);
  });

  it('ships twice without the unique key: the frozen handler finishes what the store gave again', async () => {
    const plain = subscription().variant('no-unique-constraint').fault('pause', 'consumer.handle:1');
    const result = await plain.run({ captureSnapshots: true });
    expect(ids(result)).toEqual(['duplicate-delivery', 'duplicate-effect']);
    expect(table(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2, 1, 2]);
    // The switch turns the second copies into no-ops.
    expect(await plain.idempotent().anomalies()).toEqual(['duplicate-delivery']);
  });

  it('with two handlers, round robin retries to whichever is next in its queue, frozen or not', async () => {
    // The timeout frees the frozen handler's slot, and round robin's queue has handler 1 first:
    // the retry goes straight back to the handler that is still frozen.
    const back = await subscription().variant('round-robin').orders(0).fault('pause', 'consumer.handle:1').run();
    expect(pushes(back).find((e) => /evt-1 \(retry 1\)/.test(e.label))!.to).toBe('consumer');
    // Handler 2 frozen on OrderConfirmed: the retry goes to handler 1, which applies it at once.
    const result = await subscription().variant('round-robin').orders(0).fault('pause', 'consumer-2.handle:1').run({ captureSnapshots: true });
    const freeze = result.steps.find((s) => s.struck?.kind === 'pause')!;
    expect(pushes(result).find((e) => /evt-2 \(retry 1\)/.test(e.label))!.to).toBe('consumer');
    const other = result.steps.find((s) => s.actor === 'consumer' && /applies OrderConfirmed for order 1/.test(s.caption))!;
    expect(other.t).toBeLessThan(freeze.t + DEFAULT_TIMING.pauseMs);
    // Handler 2 wakes and applies its copy too; the second copy changes no shipment.
    const late = result.steps.find((s) => s.actor === 'consumer-2' && /applies OrderConfirmed for order 1/.test(s.caption))!;
    expect(late.index).toBeGreaterThan(other.index);
    expect(table(result, 'consumer.applied_events').filter((r) => r.event_id === 'evt-2')).toHaveLength(2);
    expect(ids(result)).toEqual(['duplicate-delivery']);
  });
});

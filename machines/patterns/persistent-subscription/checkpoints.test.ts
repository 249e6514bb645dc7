/**
 * The checkpoint as KurrentDB's server writes it: on its 1 s tick or at the upper bound, at the
 * message just below the lowest one still owed, and not while a write is in flight. Runs on real
 * PGlite, except the in-flight rule, which a run of the lab never reaches with a 10 ms write (it
 * is checked on the operation itself).
 */
import { describe, expect, it } from 'vitest';
import type { OperationContext } from '../../kernel/pattern';
import type { RecordedEvent } from '../../kernel/ports/event-store';
import type { RunResult } from '../../kernel/types';
import { lab } from '../../testing/lab-driver';
import { useLabPostgres } from '../../testing/postgres';
import { freshServerContext, type SubscriptionServerContext } from '../../actors/subscription-server';
import { checkpoint, CHECKPOINT_WRITE_MS } from '../../actors/subscription-server/checkpoint';
import { addRetry } from '../../actors/subscription-server/retry';

const postgres = useLabPostgres();
const subscription = () => lab(postgres.db, 'persistent-subscription');
const stepsOf = (result: RunResult, point: RegExp) => result.steps.filter((s) => point.test(s.point));
const written = (result: RunResult) => result.trace.filter((e) => /^checkpoint position \d+ → /.test(e.label)).map((e) => ({ t: e.t, label: e.label }));

describe('persistent-subscription: checkpoints', () => {
  it('records the message just below the lowest one owed, though later ones are acked', async () => {
    // Round robin: handler 1 freezes on evt-3 (order 2's OrderPlaced); handler 2 acks evt-4 behind it.
    const result = await subscription().variant('round-robin').orders(0, 40).fault('pause', 'consumer.handle:2').run();
    const acked4 = result.trace.find((e) => e.label === 'ack evt-4')!;
    const [first] = written(result);
    expect(acked4.t).toBeLessThan(first!.t);
    expect(first!.t).toBe(1000);
    // Position 1 is evt-2: evt-3 (position 2) is still owed, so evt-4 (position 3) is not recorded.
    expect(first!.label).toMatch(/^checkpoint position 1 → .*tick: 2 processed/);
  });

  it('writes nothing while the very first message is owed, even with others acked', async () => {
    const result = await subscription().variant('round-robin').orders(0).fault('pause', 'consumer.handle:1').run();
    expect(result.trace.some((e) => e.label === 'ack evt-2' && e.t < 1000)).toBe(true);
    const checkpoints = written(result);
    expect(checkpoints[0]!.t).toBeGreaterThan(2000);
    expect(checkpoints[0]!.label).toMatch(/^checkpoint position 1 /);
  });

  it('resumes after the checkpointed event on a restart: what came after is delivered again', async () => {
    const result = await subscription().orders(0, 0, 0, 0, 0, 0).crash('event-store.record-replies:5').run();
    expect(written(result)[0]!.label).toMatch(/^checkpoint position 3 /);
    expect(stepsOf(result, /^event-store\.load-checkpoint:2$/)[0]!.caption).toBe('The subscription loads its checkpoint and resumes after position 3.');
    const twice = result.outcome.anomalies.filter((a) => a.id === 'duplicate-delivery').map((a) => a.subject);
    expect(twice).toEqual(['order 5']);
  });

  it('writes no new checkpoint while one is in flight, but moves its counters on', async () => {
    const event = (position: number): RecordedEvent => ({ eventId: `evt-${position + 1}`, type: 'OrderPlaced', data: '{}', orderId: position + 1, stream: `order-${position + 1}`, revision: 0, position, recordedAt: 0 });
    const context: SubscriptionServerContext = {
      ...freshServerContext(),
      loaded: true,
      nextSequence: 8,
      lastKnownSequence: 7,
      lastKnownPosition: 7,
      lastCheckpointedSequence: 3,
      lastCheckpointAt: 100,
      checkpointWriteDoneAt: 100 + CHECKPOINT_WRITE_MS,
      clock: 105,
    };
    const appended: string[] = [];
    const labels: string[] = [];
    const ctx = (now: number, c: SubscriptionServerContext) =>
      ({
        now,
        context: c,
        emit: (e: { label: string }) => labels.push(e.label),
        nextId: (prefix: string) => `${prefix}-1`,
        storeInternals: { appendSystem: (_stream: string, events: { data: string }[]) => (appended.push(events[0]!.data), [{ ...event(99), revision: appended.length - 1 }]) },
      }) as unknown as OperationContext<SubscriptionServerContext>;
    const during = await checkpoint.run(ctx(105, context));
    expect(appended).toEqual([]);
    expect(labels[0]).toMatch(/^checkpoint position 7 not written: a checkpoint write is in flight/);
    expect((during.event as unknown as { changes: Partial<SubscriptionServerContext> }).changes).toEqual({ lastCheckpointAt: 105, lastCheckpointedSequence: 7 });
    // Once the write is done the next one goes through.
    await checkpoint.run(ctx(100 + CHECKPOINT_WRITE_MS, { ...context, lastCheckpointedSequence: 3 }));
    expect(appended).toEqual([JSON.stringify({ position: 7 })]);
  });
});

describe('persistent-subscription: the retry queue', () => {
  const message = (position: number, replayed = false) => ({
    event: { eventId: `evt-${position}`, type: 'OrderPlaced', data: '{}', orderId: 1, stream: 'order-1', revision: position, position, recordedAt: 0 },
    retryCount: 0,
    replayed,
    sequence: replayed ? null : position,
    previousPosition: null,
  });
  it('puts a retry before the first later one waiting, a replayed parked message at the end', () => {
    let retry = addRetry([], message(5));
    retry = addRetry(retry, message(9, true));
    retry = addRetry(retry, message(2));
    retry = addRetry(retry, message(7));
    // As KurrentDB's AddRetry walks its list: evt-7 finds no later retry, so it goes last, even
    // behind the replayed message (which has no position to compare).
    expect(retry.map((m) => `${m.event.eventId}${m.replayed ? ' replayed' : ''}`)).toEqual(['evt-2', 'evt-5', 'evt-9 replayed', 'evt-7']);
  });
});

import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../kernel/types';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { SUBSCRIPTION_SETTINGS } from '../../actors/subscription-server';
import { pattern as persistentSubscription } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of persistent-subscription this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, persistentSubscription);
const subscription = () => lab(postgres.db, 'persistent-subscription');

const ids = (result: RunResult) => [...new Set(result.outcome.anomalies.map((a) => a.id))];
const stepsOf = (result: RunResult, point: RegExp) => result.steps.filter((s) => point.test(s.point));
const table = (result: RunResult, name: string) => result.snapshots!.at(-1)!.tables.find((t) => t.name === name)!.rows;
const inspection = (result: RunResult, name: RegExp) => result.snapshots!.at(-1)!.inspections!.find((t) => name.test(t.name))!;
/** Event ids in the order the store pushed them to the handler. */
const pushOrder = (result: RunResult, afterStep = 0) =>
  result.trace
    .filter((e) => e.from === 'event-store' && e.to === 'consumer' && e.kind === 'publish' && e.step > afterStep)
    .flatMap((e) => [...e.label.matchAll(/Order\w+ (evt-\d+)/g)].map((m) => m[1]!));

describe('persistent-subscription', () => {
  it('appends, pushes, ships and acks each order once, and checkpoints after the acks', async () => {
    const result = await subscription().orders(0, 40, 80).run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(result.outcome.settled).toBe(true);
    expect(table(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2, 3]);
    // The only write the service makes is the append.
    expect(result.trace.filter((e) => e.from === 'service' && e.kind === 'sql')).toEqual([]);
    expect(result.trace.filter((e) => e.from === 'service' && e.kind === 'append').map((e) => e.label)).toEqual([
      'append OrderPlaced → order-1 (expect no stream)',
      'append OrderPlaced → order-2 (expect no stream)',
      'append OrderPlaced → order-3 (expect no stream)',
    ]);
    // Three acks, one checkpoint: not one per event. Three is under the upper bound, so it waits
    // for the 1 s tick and records the last event done (position 2), not the next to read.
    expect(stepsOf(result, /^consumer\.ack:/)).toHaveLength(3);
    expect(SUBSCRIPTION_SETTINGS.checkPointUpperBound).toBeGreaterThan(3);
    const checkpoints = stepsOf(result, /^event-store\.checkpoint:/);
    expect(checkpoints).toHaveLength(1);
    expect(checkpoints[0]!.t).toBe(1000);
    expect(checkpoints[0]!.caption).toMatch(/On its tick/);
    const log = inspection(result, /event store/);
    expect(log.rows.filter((r) => String(r.stream).endsWith('-checkpoint')).map((r) => r.data)).toEqual([JSON.stringify({ position: 2 })]);
  });

  it('checkpoints on the 1 s tick once the lower bound is processed, and never for a lone message', async () => {
    const two = await subscription().run();
    const checkpoint = stepsOf(two, /^event-store\.checkpoint:/);
    expect(checkpoint).toHaveLength(1);
    expect(checkpoint[0]!.t % 1000).toBe(0);
    expect(checkpoint[0]!.t).toBeGreaterThan(stepsOf(two, /^event-store\.record-replies:2$/)[0]!.t);
    expect(SUBSCRIPTION_SETTINGS.checkPointLowerBound).toBe(2);
    // One processed message is under the lower bound: no tick ever checkpoints it.
    const one = await subscription().orders(0).run();
    expect(stepsOf(one, /^event-store\.checkpoint:/)).toEqual([]);
    expect(one.outcome.settled).toBe(true);
  });

  it('checkpoints at once on the ack that reaches the upper bound, whatever the time', async () => {
    const result = await subscription().orders(0, 0, 0, 0, 0, 0).run();
    const [first, ...later] = stepsOf(result, /^event-store\.checkpoint:/);
    expect(first!.t).toBeLessThan(1000);
    expect(first!.caption).toMatch(new RegExp(`^${SUBSCRIPTION_SETTINGS.checkPointUpperBound} messages processed`));
    // The other two wait for a tick at least checkPointAfter after the first.
    expect(later.map((s) => s.t)).toEqual([2000]);
  });

  it('redelivers acked events after the checkpoint when the subscription restarts; the unique key ships once', async () => {
    const result = await subscription().crash('event-store.checkpoint:1').run({ captureSnapshots: true });
    expect(ids(result)).toEqual(['duplicate-delivery']);
    const acked = result.steps.findIndex((s) => s.point === 'event-store.record-replies:2');
    const crash = result.steps.findIndex((s) => s.struck?.kind === 'crash');
    expect(acked).toBeLessThan(crash);
    expect(result.steps.some((s) => /finds no checkpoint and starts at position 0/.test(s.caption) && s.index > crash)).toBe(true);
    expect(result.steps.filter((s) => /unique key refuses a second shipment/.test(s.caption))).toHaveLength(2);
    expect(table(result, 'consumer.shipments')).toHaveLength(2);
  });

  it('ships twice after a subscription restart without the unique key, unless the switch is on', async () => {
    const plain = subscription().variant('no-unique-constraint').crash('event-store.checkpoint:1');
    expect(await plain.anomalies()).toEqual(['duplicate-delivery', 'duplicate-effect']);
    const guarded = await plain.idempotent().run({ captureSnapshots: true });
    expect(ids(guarded)).toEqual(['duplicate-delivery']);
    expect(table(guarded, 'consumer.processed_events').map((r) => r.event_id)).toEqual(['evt-1', 'evt-2']);
    expect(guarded.steps.some((s) => /skips evt-1: processed_events already has it/.test(s.caption))).toBe(true);
  });

  it('retries at once, not after the message timeout, when the handler crashes before acking', async () => {
    const result = await subscription().crash('consumer.ack:1').run({ captureSnapshots: true });
    expect(ids(result)).toEqual(['duplicate-delivery']);
    const delivery = result.outcome.anomalies[0]!;
    expect(delivery.subject).toBe('order 1');
    expect(delivery.evidence[0]!.detail).toMatch(/delivered twice/);
    // The closed connection, then the drop: evt-1 back in the retry queue with its count raised.
    const closed = stepsOf(result, /^consumer\.restart:1$/)[0]!;
    expect(closed.caption).toMatch(/the OS closes its connection/);
    expect(result.trace.some((e) => e.label === 'drop consumer: evt-1 → retry 1')).toBe(true);
    // Redelivered on reconnect, long before a timeout could have fired; no tick timed it out.
    const reconnect = stepsOf(result, /^consumer\.restart:2$/)[0]!;
    const again = result.trace.find((e) => e.kind === 'publish' && /evt-1 \(retry 1\)/.test(e.label))!;
    expect(again.step).toBeGreaterThan(reconnect.index);
    expect(again.t).toBeLessThan(SUBSCRIPTION_SETTINGS.messageTimeoutMs);
    expect(stepsOf(result, /^event-store\.expire:/)).toEqual([]);
    // The store's own position did not go back: no restart, no checkpoint reload.
    expect(stepsOf(result, /^event-store\.load-checkpoint:/)).toHaveLength(1);
    expect(table(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2]);
  });

  it('nacks with retry on a transient database error and ships on the redelivery', async () => {
    const result = await subscription().fault('db-unavailable', 'consumer.handle:1').run({ captureSnapshots: true });
    expect(ids(result)).toEqual(['duplicate-delivery']);
    expect(result.trace.some((e) => e.label === 'nack retry evt-1 (connection refused: the database is unavailable)')).toBe(true);
    expect(table(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2]);
  });

  it('skips a malformed event, and the order never ships (the seed calls that graceful)', async () => {
    const result = await subscription().fault('malformed-event', 'service.append:1').run({ captureSnapshots: true });
    expect(ids(result)).toEqual(['lost-event']);
    expect(result.outcome.anomalies[0]!.subject).toBe('order 1');
    expect(result.trace.some((e) => e.label === 'nack skip evt-1 (malformed body)')).toBe(true);
    expect(inspection(result, /persistent subscription/).rows).toEqual([]);
  });

  it('replays a parked event through the retry path: behind waiting retries, ahead of newer events, retry count 0', async () => {
    // The handler is down (crash) when the operator asks for the replay: evt-2 waits for a retry
    // and evt-3 in the read buffer.
    const result = await subscription()
      .variant('park-malformed')
      .orders(0, 300, 350, 400)
      .fault('malformed-event', 'service.append:1')
      .crash('consumer.handle:2')
      .run({ captureSnapshots: true });
    const replay = stepsOf(result, /^event-store\.replay-parked:1$/)[0]!;
    expect(replay.caption).toMatch(/queues parked evt-1 behind 1 retry, ahead of 1 newer/);
    const read3 = result.steps.find((s) => s.operation === 'read' && /order 3/.test(s.caption))!;
    expect(read3.index).toBeLessThan(replay.index);
    // KurrentDB's AddRetry puts a parked message at the end of the retry queue, count 0.
    expect(pushOrder(result, replay.index).slice(0, 3)).toEqual(['evt-2', 'evt-1', 'evt-3']);
    const pushed = result.trace.find((e) => e.kind === 'publish' && e.step > replay.index)!;
    expect(pushed.label).toBe('push OrderPlaced evt-2 (retry 1), OrderPlaced evt-1 (replayed)');
    // A replay cannot mend a body stored broken: it is parked again and still lost downstream.
    expect(stepsOf(result, /^event-store\.park:/)).toHaveLength(2);
    expect(ids(result)).toEqual(['lost-event', 'duplicate-delivery']);
    const parked = inspection(result, /persistent subscription/).rows;
    expect(parked).toEqual([expect.objectContaining({ event_id: 'evt-1', where: 'parked', deliveries: 2 })]);
  });

  it('parks an event that fails past the retry budget, and the replay ships it once the outage is over', async () => {
    const result = await subscription()
      .fault('db-unavailable', 'consumer.handle:1')
      .fault('db-unavailable', 'consumer.handle:2')
      .fault('db-unavailable', 'consumer.handle:3')
      .run({ captureSnapshots: true });
    const budget = SUBSCRIPTION_SETTINGS.maxRetryCount;
    expect(result.steps.filter((s) => /queues evt-1 for order 1 for retry/.test(s.caption))).toHaveLength(budget);
    expect(result.steps.some((s) => /Order 1 is out of retries: the subscription will park evt-1/.test(s.caption))).toBe(true);
    expect(stepsOf(result, /^event-store\.park:/)).toHaveLength(1);
    const replay = stepsOf(result, /^event-store\.replay-parked:/);
    expect(replay).toHaveLength(1);
    const shipped = result.steps.find((s) => s.caption === 'The handler creates a shipment for order 1.')!;
    expect(shipped.index).toBeGreaterThan(replay[0]!.index);
    expect(ids(result)).toEqual(['duplicate-delivery']);
    expect(table(result, 'consumer.shipments').map((r) => r.order_id).sort()).toEqual([1, 2]);
  });

  it('loses the event when the handler acks after a transient error (ack-on-error)', async () => {
    const result = await subscription().variant('ack-on-error').fault('db-unavailable', 'consumer.handle:1').run();
    expect(ids(result)).toEqual(['lost-event']);
    expect(result.outcome.anomalies[0]!.subject).toBe('order 1');
    expect(result.steps.some((s) => /catches the error for order 1 and acks anyway/.test(s.caption))).toBe(true);
  });

  it('retries an append that timed out with the same event id, and the store keeps one copy', async () => {
    const result = await subscription().fault('publish-timeout-stored', 'service.append:1').run();
    expect(result.outcome.consistent).toBe(true);
    expect(result.steps.some((s) => /finds order 1's event stored already/.test(s.caption))).toBe(true);
  });

  it('narrates every step in under 15 words', async () => {
    const runs: RunResult[] = [];
    for (const driver of [
      subscription().orders(0, 40, 80).crash('event-store.checkpoint:1'),
      subscription().variant('park-malformed').orders(0, 300, 350, 400).fault('malformed-event', 'service.append:1').crash('consumer.handle:2'),
      subscription().variant('round-robin').orders(0, 0, 0).fault('pause', 'consumer.handle:1'),
      subscription().variant('pinned').crash('consumer.handle:1'),
      subscription().fault('publish-timeout-stored', 'service.append:1').fault('db-unavailable', 'consumer.handle:1'),
      subscription().variant('ack-on-error').fault('malformed-event', 'service.append:2').crash('consumer.ack:1'),
    ]) {
      runs.push(await driver.run());
    }
    for (const step of runs.flatMap((r) => r.steps)) expect(step.caption.split(/\s+/).length, step.caption).toBeLessThan(15);
  });

  it('gives the same trace for the same seed', async () => {
    const once = await subscription().orders(0, 40, 80).crash('consumer.ack:2').seed(7).run();
    const again = await subscription().orders(0, 40, 80).crash('consumer.ack:2').seed(7).run();
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(once.trace));
  });

  it('explored: no single fault invents an event, and with the switch on none ships twice', async () => {
    const { explored } = exploration;
    const byVariant = (variant: string) => explored.runs.filter((r) => r.variant === variant);
    const plan = (run: (typeof explored.runs)[number]) => `${run.variant} ${JSON.stringify(run.faults)} idem=${run.idempotentConsumer}`;
    for (const run of explored.runs) {
      expect(run.anomalies, plan(run)).not.toContain('phantom-event');
      if (run.idempotentConsumer) expect(run.anomalies, plan(run)).not.toContain('duplicate-effect');
    }
    // The unique key stops every duplicate effect, switch or no switch.
    for (const variant of ['default', 'park-malformed', 'ack-on-error']) {
      for (const run of byVariant(variant)) expect(run.anomalies, plan(run)).not.toContain('duplicate-effect');
    }
    // What some single fault does.
    const some = (variant: string, anomaly: string) => byVariant(variant).some((r) => r.anomalies.includes(anomaly as never));
    expect(some('no-unique-constraint', 'duplicate-effect')).toBe(true);
    expect(some('default', 'lost-event')).toBe(true);
    expect(some('ack-on-error', 'lost-event')).toBe(true);
    expect(some('default', 'duplicate-delivery')).toBe(true);
    // Lost events come only from a malformed body or an error the handler acked.
    for (const run of explored.runs.filter((r) => r.anomalies.includes('lost-event'))) {
      const kinds = run.faults.map((f) => f.kind);
      expect(kinds.includes('malformed-event') || (run.variant === 'ack-on-error' && kinds.includes('db-unavailable')), plan(run)).toBe(true);
    }
  }, 120_000);
});

describeExplorationClaims(exploration, anomalyProfile);

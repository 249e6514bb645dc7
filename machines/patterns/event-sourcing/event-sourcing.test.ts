import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../actors/event-store';
import { defaultScenario } from '../../kernel/scenario';
import { Simulation } from '../../kernel/simulation';
import type { RunResult, TableRow } from '../../kernel/types';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { foldOrder, pattern as eventSourcing } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of event-sourcing this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, eventSourcing);
const es = () => lab(postgres.db, 'event-sourcing');

function lastSnapshot(result: RunResult) {
  return result.snapshots!.at(-1)!;
}

function table(result: RunResult, name: string): TableRow[] {
  return lastSnapshot(result).tables.find((t) => t.name === name)!.rows;
}

/** The store's log as the run's last snapshot shows it. */
function storeLog(result: RunResult): RecordedEvent[] {
  const log = lastSnapshot(result).inspections!.find((i) => i.name === 'event store ($all)')!;
  return log.rows.map((r) => ({
    position: Number(r.position),
    stream: String(r.stream),
    revision: Number(r.revision),
    type: String(r.type),
    eventId: String(r.event_id),
    data: String(r.data),
    orderId: Number(String(r.stream).replace('order-', '')),
    recordedAt: 0,
  }));
}

/** The read model each stream of the log folds to, as `service.order_view` rows. */
function foldedView(events: RecordedEvent[]): TableRow[] {
  const streams = [...new Set(events.map((e) => e.stream))];
  return streams
    .map((stream) => foldOrder(events.filter((e) => e.stream === stream))!)
    .sort((a, b) => a.orderId - b.orderId)
    .map((s) => ({ order_id: s.orderId, customer: s.customer, amount_cents: s.amountCents, status: s.status, version: s.version }));
}

function ids(result: RunResult): string[] {
  return [...new Set(result.outcome.anomalies.map((a) => a.id))].sort();
}

function captionsOf(result: RunResult, actor: string): string[] {
  return result.steps.filter((s) => s.actor === actor).map((s) => s.caption);
}

describe('event-sourcing', () => {
  it('fault-free: consistent, and the read model is the fold of the log', async () => {
    const result = await es().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const view = table(result, 'service.order_view');
    expect(view).toEqual(foldedView(storeLog(result)));
    expect(view).toEqual([
      { order_id: 1, customer: 'customer-1', amount_cents: 1250, status: 'cancelled', version: 2 },
      { order_id: 2, customer: 'customer-2', amount_cents: 1500, status: 'placed', version: 1 },
    ]);
    // The service's only writes are appends: it sends no SQL at all.
    expect(result.trace.some((e) => (e.from === 'service' || e.from === 'service-2') && e.kind === 'sql')).toBe(false);
    // Each shipped once; both subscribers caught up with the head.
    expect(table(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2]);
    const lag = lastSnapshot(result).inspections!.find((i) => i.name === 'subscriber checkpoints')!;
    expect(lag.rows.map((r) => [r.subscriber, r.checkpoint, r.lag])).toEqual([
      ['projector', 3, 0],
      ['shipping subscriber', 3, 0],
    ]);
  });

  it('two commands on one order: the second append is refused, and its service reads and decides again', async () => {
    const result = await es().run();
    const conflicts = result.trace.filter((e) => /WrongExpectedVersion/.test(e.label));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.to).toBe('service');
    const service = result.steps.filter((s) => s.actor === 'service' && s.t >= 80).map((s) => `${s.operation}: ${s.caption}`);
    expect(service).toEqual([
      'read-stream: The service folds order 1 (placed at revision 0) and decides OrderAmountChanged.',
      'append: Order 1 moved on since the read: the service must read again.',
      'read-stream: The service reads order 1 again: cancelled at revision 1; it refuses the change.',
      'reply: The service answers 409 to change order 1: order 1 is cancelled.',
    ]);
    expect(captionsOf(result, 'service-2')).toContain('The second service appends OrderCancelled to order-1 at revision 1.');
    expect(result.trace.filter((e) => e.kind === 'reply' && e.to === 'client').map((e) => e.label)).toEqual([
      '201 Created (order 1)',
      '201 Created (order 2)',
      '200 OK (OrderCancelled)',
      '409 order 1 is cancelled',
    ]);
  });

  it('a projector crash before its transaction: it catches up from the stored checkpoint, nothing applied twice', async () => {
    const result = await es().crash('projector.apply:2').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const projector = result.steps.filter((s) => s.actor === 'projector');
    const crash = projector.findIndex((s) => s.struck?.kind === 'crash');
    expect(projector.slice(crash + 1, crash + 4).map((s) => s.caption)).toEqual([
      'The projector restarts with an empty memory.',
      'The projector loads its checkpoint: position 1.',
      // The restart took a while: order 2 and the cancellation wait for it.
      'The projector reads 2 events from position 1.',
    ]);
    expect(table(result, 'service.order_view')).toEqual(foldedView(storeLog(result)));
  });

  it('a commit whose answer is lost: the checkpoint committed with the effect, so the reload skips ahead', async () => {
    const result = await es().fault('commit-unknown', 'projector.apply:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(captionsOf(result, 'projector')).toContain('The projector loads its checkpoint: position 1.');
    expect(table(result, 'service.order_view')).toEqual(foldedView(storeLog(result)));
  });

  it('a subscriber crash between shipment and checkpoint redelivers: shipped twice without the switch, once with it', async () => {
    const without = await es().crash('consumer.save-checkpoint:1').run();
    expect(ids(without)).toEqual(['duplicate-delivery', 'duplicate-effect']);
    expect(without.outcome.anomalies.every((a) => a.subject === 'order 1')).toBe(true);

    const withSwitch = await es().crash('consumer.save-checkpoint:1').idempotent().run();
    expect(ids(withSwitch)).toEqual(['duplicate-delivery']);
    expect(captionsOf(withSwitch, 'consumer')).toContain('The shipping subscriber skips evt-1: processed_events already has it.');
  });

  it('checkpoint-after: a projector crash between effect and checkpoint applies the event twice', async () => {
    const result = await es().variant('checkpoint-after').crash('projector.save-checkpoint:1').run({ captureSnapshots: true });
    expect(ids(result)).toEqual(['duplicate-delivery', 'duplicate-effect']);
    const effect = result.outcome.anomalies.find((a) => a.id === 'duplicate-effect')!;
    expect(effect.subject).toBe('order 1');
    // Which of the concurrent change and cancel wins depends on the interleaving; the row is one
    // event ahead of its stream either way.
    const [log, row] = effect.evidence;
    expect(log!.ref).toMatch(/^order-1@0\.\.\d$/);
    expect(row!.ref).toBe('service.order_view order_id=1');
    const streamVersion = Number(/version (\d+)$/.exec(log!.detail)![1]);
    expect(row!.detail).toMatch(new RegExp(`version ${streamVersion + 1}$`));
    expect(row!.detail.replace(/version \d+$/, '')).toBe(log!.detail.replace(/^.*: /, '').replace(/version \d+$/, ''));
    expect(effect.why).toMatch(/applied twice: the projector crashes before storing checkpoint 1/);
    // Shipping is not involved: the shipping subscriber got each event once.
    expect(table(result, 'consumer.shipments')).toHaveLength(2);

    // The same crash with the switch on: the row's version shows the repeat, which changes nothing.
    const guarded = await es().variant('checkpoint-after').crash('projector.save-checkpoint:1').idempotent().run({ captureSnapshots: true });
    expect(ids(guarded)).toEqual(['duplicate-delivery']);
    expect(captionsOf(guarded, 'projector')).toContain("The projector skips evt-1: order 1's row is past it.");
    expect(table(guarded, 'service.order_view')).toEqual(foldedView(storeLog(guarded)));
  });

  it('rebuild: the projector replays the whole log from position 0 into an emptied read model', async () => {
    const result = await es().variant('rebuild').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const reset = result.steps.findIndex((s) => s.actor === 'operator');
    expect(reset).toBeGreaterThan(0);
    // Right after the reset the read model is empty and the checkpoint is back at 0.
    const afterReset = result.snapshots![reset + 1]!;
    expect(afterReset.tables.find((t) => t.name === 'service.order_view')!.rows).toEqual([]);
    expect(afterReset.tables.find((t) => t.name === 'service.projection_checkpoint')!.rows).toEqual([{ name: 'order_view', position: 0, projection_version: 2 }]);
    const replay = result.steps.slice(reset + 1).filter((s) => s.actor === 'projector').map((s) => s.caption);
    expect(replay).toEqual([
      'The projector loads its checkpoint: position 0.',
      'The projector replays the log: 3 events from position 0.',
      'The projector applies OrderPlaced to order 1; checkpoint 1 in the same transaction.',
      'The projector applies OrderPlaced to order 2; checkpoint 2 in the same transaction.',
      'The projector applies OrderCancelled to order 1; checkpoint 3 in the same transaction.',
      'The projector is caught up at position 3 and waits.',
    ]);
    const resetSeq = result.trace.findIndex((e) => e.from === 'operator');
    expect(result.trace.slice(resetSeq).some((e) => e.from === 'projector' && e.label === 'read $all from position 0')).toBe(true);
    expect(table(result, 'service.order_view')).toEqual(foldedView(storeLog(result)));
  });

  it('an append whose answer is lost is retried with the same event id, and the store writes it once', async () => {
    const result = await es().fault('publish-timeout-stored', 'service.append:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const placed = storeLog(result).filter((e) => e.stream === 'order-1' && e.type === 'OrderPlaced');
    expect(placed).toHaveLength(1);
    expect(captionsOf(result, 'service')).toEqual(
      expect.arrayContaining([
        'The append for order 1 times out; the service will retry evt-1.',
        "The store already holds evt-1: the service's retry writes nothing new.",
        'The service answers 201 to place order 1.',
      ]),
    );
    expect(result.trace.some((e) => e.from === 'event-store' && /already appended: order-1@0 \(no new write\)/.test(e.label))).toBe(true);
  });

  it('the read-model check fails when the read model and the log disagree', async () => {
    const sim = new Simulation(postgres.db, eventSourcing, defaultScenario('event-sourcing'));
    const result = await sim.run();
    expect(result.outcome.consistent).toBe(true);
    const sources = { ...sim.inspectionSources(), steps: result.steps };
    await postgres.db.runner.exec(`UPDATE service.order_view SET status = 'placed' WHERE order_id = 1; DELETE FROM service.order_view WHERE order_id = 2;
      INSERT INTO service.order_view VALUES (7, 'customer-7', 100, 'placed', 1)`);
    const anomalies = await eventSourcing.check!(sources);
    expect(anomalies.map((a) => [a.id, a.subject])).toEqual([
      ['lost-event', 'order 1'],
      ['lost-event', 'order 2'],
      ['phantom-event', 'order 7'],
    ]);
  });

  it('the same seed gives the same trace', async () => {
    const a = await es().seed(7).crash('consumer.save-checkpoint:2').run();
    const b = await es().seed(7).crash('consumer.save-checkpoint:2').run();
    expect(JSON.stringify(b.trace)).toBe(JSON.stringify(a.trace));
  });

  it('under any single fault: never loses or invents an order; only checkpoints after effects apply twice', async () => {
    const { explored } = exploration;
    const of = (variant: string, idempotent?: boolean) =>
      explored.runs.filter((r) => r.variant === variant && (idempotent === undefined || r.idempotentConsumer === idempotent));
    const seen = (runs: typeof explored.runs) => new Set(runs.flatMap((r) => r.anomalies));
    const plan = (r: (typeof explored.runs)[number]) => `${r.variant} ${r.faults.map((f) => `${f.kind}@${f.at}`).join(',')} idem=${r.idempotentConsumer}`;

    for (const run of explored.runs) {
      expect(run.anomalies, plan(run)).not.toContain('lost-event');
      expect(run.anomalies, plan(run)).not.toContain('phantom-event');
    }
    for (const run of of('default', true)) expect(run.anomalies, plan(run)).not.toContain('duplicate-effect');
    // Without the switch, the shipping subscriber's checkpoint-after-effect does apply twice…
    const twice = of('default', false).filter((r) => r.anomalies.includes('duplicate-effect'));
    expect(twice.length).toBeGreaterThan(0);
    expect(twice.every((r) => r.faults.every((f) => f.at.startsWith('consumer.')))).toBe(true);
    // …and the projector, committing its checkpoint with the effect, never does; in checkpoint-after it can.
    const projectorTwice = (variant: string) =>
      of(variant, false).filter((r) => r.faults.some((f) => f.at.startsWith('projector.')) && r.anomalies.includes('duplicate-effect'));
    expect(projectorTwice('default')).toEqual([]);
    expect(projectorTwice('checkpoint-after').length).toBeGreaterThan(0);
    // Appends that fail or time out are retried or refused cleanly: no fault on the services does harm.
    for (const run of explored.runs.filter((r) => r.faults.some((f) => f.at.startsWith('service')))) expect(run.anomalies, plan(run)).toEqual([]);
    expect(seen(of('rebuild'))).toEqual(seen(of('default')));
  }, 120_000);
});

describeExplorationClaims(exploration, anomalyProfile);

/**
 * event-sourcing — the order is a stream of events in the event store, and appending to it is the
 * service's only write: there is no second write to keep in step. The service rebuilds an order
 * by folding its stream, decides, and appends with the revision it read; a concurrent writer that
 * got there first makes the append fail (optimistic concurrency), so it reads and decides again.
 *
 * Everything else follows the log as catch-up subscribers with checkpoints in Postgres:
 * - the projector writes the read model `service.order_view` and its checkpoint in one
 *   transaction, so it can crash anywhere and still apply each event once. The `checkpoint-after`
 *   variant stores the checkpoint in a second transaction, a common slip: a crash between the two
 *   applies an event again, and the read model runs ahead of the log;
 * - the shipping subscriber creates shipments and, like most real subscribers, stores its
 *   checkpoint after the effect: at-least-once, so only the idempotency switch keeps a repeat
 *   from shipping twice. The switch also makes the projector idempotent, by the row's version;
 * - `rebuild`: an operator starts a new projection version (read model emptied, checkpoint at 0)
 *   and the projector replays the whole log, the cost the seeds name as event sourcing's main one.
 *
 * What the seeds overclaim: "no dual write problem" holds for the write, not for the readers. A
 * subscriber that stores its position apart from its effect has a dual write of its own.
 *
 * This file is the definition: schema, the client's commands, the check of the read model against
 * the log, the live views and the processes. Beside it: `domain.ts` (fold and decide),
 * `service.ts`, `projector.ts`, `shipping-subscriber.ts` and `operator.ts` (the rebuild).
 */
import { definePattern, type InspectionSources } from '../../kernel/pattern';
import type { Anomaly, Scenario } from '../../kernel/types';
import { causeOf } from '../../kernel/checker';
import { clientProcess, orderRequest, type OrderRequest, type ScheduledRequest } from '../../actors/client';
import { eventStore } from '../../actors/components';
import type { EventStore } from '../../actors/event-store';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import type { RecordedEvent } from '../../actors/event-store';
import { SERVICE_PARTICIPANT } from '../../actors/order-service';
import { CONSUMER_PARTICIPANT } from '../../actors/consumer';
import { CONSUMER_TABLES } from '../../actors/postgres';
import { subscriberLag, type CatchUpContext } from '../../actors/catch-up-subscriber';
import { foldOrder, streamOf, type OrderState } from './domain';
import { info } from './info';
import { operatorProcess } from './operator';
import { ORDER_VIEW_TABLE, PROJECTION_CHECKPOINT_TABLE, PROJECTOR_CHECKPOINT, PROJECTOR_PARTICIPANT, projectorGroup, projectorProcess } from './projector';
import { SECOND_SERVICE_PARTICIPANT, serviceProcess, servicesMemory } from './service';
import { shippingSubscriberProcess, SUBSCRIBER_CHECKPOINT, SUBSCRIBER_CHECKPOINT_TABLE } from './shipping-subscriber';

// The event-sourcing test reads the fold from here.
export { foldOrder } from './domain';

/** The concurrent change and cancel arrive this long after the last order is placed. */
export const COMMANDS_AFTER_MS = 40;

// ---- the client's commands ----------------------------------------------------------------------

/**
 * Places an order per arrival; then a cancel (via the second instance) and a change (via the
 * first) of order 1 arrive at the same moment, so both read the same revision.
 */
export function eventSourcingScript(scenario: Scenario): ScheduledRequest[] {
  const places = scenario.orders.map((at, i) => ({ at, request: orderRequest(i + 1) }));
  const at = (scenario.orders.at(-1) ?? 0) + COMMANDS_AFTER_MS;
  const first = orderRequest(1);
  const cancel: OrderRequest = { ...first, kind: 'cancel', via: SECOND_SERVICE_PARTICIPANT };
  const change: OrderRequest = { ...first, kind: 'change', amountCents: first.amountCents + 500 };
  return [...places, { at, request: cancel }, { at, request: change }];
}

function euros(cents: number): string {
  return `${(cents / 100).toFixed(2)} EUR`;
}

// ---- the read model against the log -------------------------------------------------------------

interface OrderViewRow {
  order_id: number;
  customer: string;
  amount_cents: number;
  status: string;
  version: number;
}

/** Each order's stream folded, by order id. */
function foldAll(events: readonly RecordedEvent[]): Map<number, { state: OrderState; events: RecordedEvent[] }> {
  const byStream = new Map<string, RecordedEvent[]>();
  for (const event of events) byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event]);
  const folded = new Map<number, { state: OrderState; events: RecordedEvent[] }>();
  for (const streamEvents of byStream.values()) {
    const state = foldOrder(streamEvents);
    if (state) folded.set(state.orderId, { state, events: streamEvents });
  }
  return folded;
}

function rowText(row: OrderViewRow): string {
  return `${row.status}, ${euros(Number(row.amount_cents))}, version ${row.version}`;
}

function foldText(state: OrderState): string {
  return `${state.status}, ${euros(state.amountCents)}, version ${state.version}`;
}

/**
 * The read model must equal the fold of the log. A row behind it, or missing, lost an event on
 * the way; a row ahead of it absorbed an event twice. And an event handed to the projector twice
 * (within one projection version) is a redelivery, harmful or not.
 */
async function checkReadModel(sources: InspectionSources<{ eventStore: EventStore }> & { steps: Parameters<typeof causeOf>[0] }): Promise<Anomaly[]> {
  const { runner, eventStore, steps } = sources;
  const folded = foldAll(eventStore.userEvents());
  const rows = (await runner.query<OrderViewRow>('SELECT order_id, customer, amount_cents, status, version FROM service.order_view ORDER BY order_id')).rows;
  const anomalies: Anomaly[] = [];

  for (const [orderId, { state, events }] of folded) {
    const row = rows.find((r) => Number(r.order_id) === orderId);
    const log = { ref: `${streamOf(orderId)}@0..${state.revision}`, detail: `${events.map((e) => e.type).join(', ')}: ${foldText(state)}` };
    if (!row) {
      anomalies.push({
        id: 'lost-event',
        subject: `order ${orderId}`,
        evidence: [log, { ref: 'service.order_view', detail: `no row for order ${orderId}` }],
        why: `The log holds order ${orderId}, but the read model never got it${causeOf(steps, orderId)}.`,
      });
      continue;
    }
    const version = Number(row.version);
    const matches = row.status === state.status && Number(row.amount_cents) === state.amountCents && row.customer === state.customer;
    if (version > state.version) {
      anomalies.push({
        id: 'duplicate-effect',
        subject: `order ${orderId}`,
        evidence: [log, { ref: `service.order_view order_id=${orderId}`, detail: rowText(row) }],
        why: `The read model absorbed ${version} events for order ${orderId}; its stream holds ${state.version}: one was applied twice${causeOf(steps, orderId)}.`,
      });
    } else if (version < state.version || !matches) {
      anomalies.push({
        id: 'lost-event',
        subject: `order ${orderId}`,
        evidence: [log, { ref: `service.order_view order_id=${orderId}`, detail: rowText(row) }],
        why: `The read model shows order ${orderId} as ${rowText(row)}, but its stream says ${foldText(state)}${causeOf(steps, orderId)}.`,
      });
    }
  }

  for (const row of rows.filter((r) => !folded.has(Number(r.order_id)))) {
    anomalies.push({
      id: 'phantom-event',
      subject: `order ${row.order_id}`,
      evidence: [
        { ref: 'event store', detail: `no stream ${streamOf(Number(row.order_id))}` },
        { ref: `service.order_view order_id=${row.order_id}`, detail: rowText(row) },
      ],
      why: `The read model shows order ${row.order_id}, which the log does not have${causeOf(steps, Number(row.order_id))}.`,
    });
  }

  const versions = (await runner.query<{ v: number | null }>('SELECT max(projection_version) AS v FROM service.projection_checkpoint')).rows[0]?.v ?? 1;
  for (let version = 1; version <= Number(versions); version++) {
    const deliveries = eventStore.deliveries(projectorGroup(version));
    for (const event of eventStore.userEvents()) {
      const n = deliveries.get(event.eventId) ?? 0;
      if (n <= 1) continue;
      anomalies.push({
        id: 'duplicate-delivery',
        subject: `order ${event.orderId}`,
        evidence: [{ ref: `${event.stream}@${event.revision}`, detail: `${event.type} ${event.eventId}, handed to the projector ${n === 2 ? 'twice' : `${n} times`}` }],
        why: `The projector got ${event.type} for order ${event.orderId} again: its checkpoint was behind its effect${causeOf(steps, event.orderId)}.`,
      });
    }
  }
  return anomalies;
}

export const pattern = definePattern({
  info,
  components: (wake) => ({ eventStore: eventStore(wake) }),
  outcome: (sources) => shipmentsOutcome(sources, 'event-store'),
  client: (scenario) => clientProcess(scenario.orders, eventSourcingScript(scenario)),
  schema: () => [ORDER_VIEW_TABLE, PROJECTION_CHECKPOINT_TABLE, ...CONSUMER_TABLES, SUBSCRIBER_CHECKPOINT_TABLE],
  check: checkReadModel,
  inspect: async ({ runner, eventStore, contexts }) => {
    const last = eventStore.userEvents().at(-1);
    const head = last ? last.position + 1 : 0;
    return [
      eventStore.inspection(),
      await subscriberLag(runner, head, [
        { label: 'Projector', checkpoint: PROJECTOR_CHECKPOINT, context: contexts[PROJECTOR_PARTICIPANT] as CatchUpContext | undefined },
        { label: 'Shipping subscriber', checkpoint: SUBSCRIBER_CHECKPOINT, context: contexts[CONSUMER_PARTICIPANT] as CatchUpContext | undefined },
      ]),
      servicesMemory(contexts),
    ];
  },
  processes: (scenario) => [
    serviceProcess(SERVICE_PARTICIPANT, 'service', 'Order service'),
    serviceProcess(SECOND_SERVICE_PARTICIPANT, 'second service', 'Order service 2'),
    projectorProcess(scenario.variant === 'checkpoint-after'),
    shippingSubscriberProcess(),
    ...(scenario.variant === 'rebuild' ? [operatorProcess(scenario)] : []),
  ],
});

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
 */
import { assign, setup } from 'xstate';
import type { InspectionSources, Operation, PatternDefinition, ProcessSpec } from '../kernel/pattern';
import type { Transaction } from '../kernel/traced-database';
import type { Anomaly, Scenario, TableSnapshot } from '../kernel/types';
import { causeOf } from '../kernel/checker';
import { CLIENT_PARTICIPANT, orderRequest, type OrderRequest, type ScheduledRequest } from '../actors/client';
import type { EventData, ExpectedRevision, RecordedEvent } from '../actors/event-store';
import {
  idleState,
  orderServiceImplementations,
  orderServiceRootTransitions,
  serviceCrashedState,
  SERVICE_PARTICIPANT,
  type OrderServiceContext,
  type OrderServiceEvent,
} from '../actors/order-service';
import { CONSUMER_GROUP, CONSUMER_PARTICIPANT } from '../actors/consumer';
import { currentOrder } from '../actors/orders-concerned';
import { CONSUMER_TABLES } from '../actors/postgres';
import { CRASHED_STATE, restartOperation } from '../actors/process';
import { catchUpSubscriberProcess, subscriberLag, type CatchUpContext, type CheckpointTable, type EventHandler } from '../actors/projection';
import { findPattern } from './catalog';

export const SECOND_SERVICE_PARTICIPANT = 'service-2';
export const PROJECTOR_PARTICIPANT = 'projector';
export const OPERATOR_PARTICIPANT = 'operator';

/** Appends a service tries before it answers 503. */
export const MAX_APPEND_ATTEMPTS = 3;
/** The concurrent change and cancel arrive this long after the last order is placed. */
export const COMMANDS_AFTER_MS = 40;
/** The operator rebuilds the projection this long after the last order is placed. */
export const REBUILD_AFTER_MS = 300;

export const PROJECTOR_CHECKPOINT: CheckpointTable = { table: 'service.projection_checkpoint', name: 'order_view', versioned: true };
export const SUBSCRIBER_CHECKPOINT: CheckpointTable = { table: 'consumer.subscriber_checkpoint', name: 'shipping', versioned: false };

/** The projector's handovers are counted per projection version: a rebuild's replay is not a redelivery. */
export const projectorGroup = (version: number) => `order-view-v${version}`;

const ORDER_VIEW_TABLE = `CREATE TABLE service.order_view (
  order_id integer PRIMARY KEY,
  customer text NOT NULL,
  amount_cents integer NOT NULL,
  status text NOT NULL,
  -- How many of the order's events the row has absorbed: equal to its stream's next revision.
  version integer NOT NULL
)`;

const PROJECTION_CHECKPOINT_TABLE = `CREATE TABLE service.projection_checkpoint (
  name text PRIMARY KEY,
  -- The next global position to read.
  position integer NOT NULL,
  projection_version integer NOT NULL DEFAULT 1
)`;

const SUBSCRIBER_CHECKPOINT_TABLE = `CREATE TABLE consumer.subscriber_checkpoint (
  name text PRIMARY KEY,
  position integer NOT NULL
)`;

// ---- the order as its stream tells it -----------------------------------------------------------

export type OrderEventType = 'OrderPlaced' | 'OrderAmountChanged' | 'OrderCancelled';

export interface OrderState {
  orderId: number;
  customer: string;
  amountCents: number;
  status: 'placed' | 'cancelled';
  /** Events folded in: the revision the next event of the stream gets. */
  version: number;
  /** The stream's last revision. */
  revision: number;
}

interface OrderEventBody {
  orderId: number;
  customer?: string;
  amountCents?: number;
}

export const streamOf = (orderId: number) => `order-${orderId}`;

/** Folds a stream's events, oldest first, into the order they describe; null for no stream. */
export function foldOrder(events: readonly RecordedEvent[]): OrderState | null {
  let state: OrderState | null = null;
  for (const event of events) {
    const body = JSON.parse(event.data) as OrderEventBody;
    let next: OrderState;
    if (event.type === 'OrderPlaced') {
      next = { orderId: body.orderId, customer: body.customer ?? '', amountCents: body.amountCents ?? 0, status: 'placed', version: 0, revision: 0 };
    } else if (state === null) {
      continue;
    } else if (event.type === 'OrderAmountChanged') {
      next = { ...state, amountCents: body.amountCents ?? state.amountCents };
    } else if (event.type === 'OrderCancelled') {
      next = { ...state, status: 'cancelled' };
    } else {
      next = state;
    }
    state = { ...next, version: next.version + 1, revision: event.revision };
  }
  return state;
}

function euros(cents: number): string {
  return `${(cents / 100).toFixed(2)} EUR`;
}

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

// ---- the order service: read, fold, decide, append ----------------------------------------------

interface Reply {
  status: number;
  text: string;
}

interface PendingAppend {
  event: EventData & { type: OrderEventType };
  expected: ExpectedRevision;
}

export interface EventSourcedServiceContext extends OrderServiceContext {
  /** How captions name this instance: "service", "second service". */
  who: string;
  /** The order as this instance last folded it from the stream (memory; a crash clears it). */
  folded: OrderState | null;
  /** The event it decided on and the revision it expects, kept across retries of the append. */
  pending: PendingAppend | null;
  attempts: number;
  /** WrongExpectedVersion answers for the request in hand. */
  conflicts: number;
  reply: Reply | null;
}

type ServiceEvent =
  | OrderServiceEvent
  | { type: 'DECIDED'; folded: OrderState | null; pending: PendingAppend }
  | { type: 'REJECTED'; folded: OrderState | null; reply: Reply }
  | { type: 'APPENDED'; reply: Reply }
  | { type: 'CONFLICT' }
  | { type: 'APPEND_FAILED' }
  | { type: 'GAVE_UP'; reply: Reply }
  | { type: 'REPLIED' };

type Decision = { append: PendingAppend } | { reject: Reply };

/** What the command means for the order as folded: an event to append, or a refusal. */
function decide(request: OrderRequest, state: OrderState | null, eventId: string): Decision {
  const orderId = request.orderId;
  const event = (type: OrderEventType, body: OrderEventBody) => ({ eventId, type, data: JSON.stringify(body), orderId });
  switch (request.kind ?? 'place') {
    case 'place':
      if (state) return { reject: { status: 409, text: `order ${orderId} already exists` } };
      return { append: { event: event('OrderPlaced', { orderId, customer: request.customer, amountCents: request.amountCents }), expected: 'no-stream' } };
    case 'change':
      if (!state) return { reject: { status: 404, text: `no order ${orderId}` } };
      if (state.status === 'cancelled') return { reject: { status: 409, text: `order ${orderId} is cancelled` } };
      return { append: { event: event('OrderAmountChanged', { orderId, amountCents: request.amountCents }), expected: state.revision } };
    case 'cancel':
      if (!state) return { reject: { status: 404, text: `no order ${orderId}` } };
      if (state.status === 'cancelled') return { reject: { status: 409, text: `order ${orderId} is already cancelled` } };
      return { append: { event: event('OrderCancelled', { orderId }), expected: state.revision } };
  }
}

function successReply(event: PendingAppend['event']): Reply {
  return event.type === 'OrderPlaced' ? { status: 201, text: `Created (order ${event.orderId})` } : { status: 200, text: `OK (${event.type})` };
}

export function createEventSourcedService(who: string) {
  const fresh = (): EventSourcedServiceContext => ({ queue: [], current: null, who, folded: null, pending: null, attempts: 0, conflicts: 0, reply: null });
  const shared = orderServiceImplementations<EventSourcedServiceContext, ServiceEvent>(fresh);
  const appendOutcomes = {
    APPENDED: { target: 'replying', actions: 'keepReply' },
    // Someone appended since the read: what was decided may no longer hold, so read and decide again.
    CONFLICT: { target: 'reading', actions: 'forgetDecision' },
    APPEND_FAILED: { target: 'retrying', actions: 'countAttempt' },
    GAVE_UP: { target: 'replying', actions: 'keepReply' },
  } as const;

  return setup({
    types: { context: {} as EventSourcedServiceContext, events: {} as ServiceEvent },
    guards: shared.guards,
    actions: {
      ...shared.actions,
      forgetDecision: assign({ pending: null, attempts: 0, conflicts: ({ context }) => context.conflicts + 1 }),
      countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
      keepReply: assign({ reply: ({ event, context }) => ('reply' in event ? event.reply : context.reply) }),
      finishRequest: assign({ current: null, pending: null, attempts: 0, conflicts: 0, reply: null }),
    },
  }).createMachine({
    id: who,
    context: fresh,
    initial: 'idle',
    states: {
      idle: idleState('reading'),
      reading: {
        meta: { op: 'read-stream' },
        on: {
          DECIDED: { target: 'appending', actions: assign(({ event }) => ({ folded: event.folded, pending: event.pending, attempts: 0 })) },
          REJECTED: { target: 'replying', actions: assign(({ event }) => ({ folded: event.folded, reply: event.reply })) },
        },
      },
      appending: { meta: { op: 'append' }, on: appendOutcomes },
      // The same event, same id, a moment later: if the first try was stored, the store says so.
      retrying: { meta: { op: 'append', delay: 'consumerPollMs' }, on: appendOutcomes },
      replying: { meta: { op: 'reply' }, on: { REPLIED: { target: 'idle', actions: 'finishRequest' } } },
      [CRASHED_STATE]: serviceCrashedState,
    },
    on: orderServiceRootTransitions,
  });
}

function commandText(request: OrderRequest): string {
  switch (request.kind ?? 'place') {
    case 'change':
      return `change order ${request.orderId}`;
    case 'cancel':
      return `cancel order ${request.orderId}`;
    default:
      return `place order ${request.orderId}`;
  }
}

const REFUSED = { place: 'order', change: 'change', cancel: 'cancellation' } as const;

const readStream: Operation<EventSourcedServiceContext> = {
  faults: [],
  crashable: true,
  latencyMs: 6,
  intent: (context) => `reading ${streamOf(context.current?.orderId ?? 0)}`,
  about: currentOrder,
  async run(ctx) {
    const { current: request, who } = ctx.context;
    const state = foldOrder(ctx.store.readStream(streamOf(request!.orderId)));
    const decision = decide(request!, state, ctx.nextId('evt'));
    const again = ctx.context.conflicts > 0 ? ' again' : '';
    const seen = state ? `${state.status} at revision ${state.revision}` : 'no stream';
    if ('reject' in decision) {
      return {
        event: { type: 'REJECTED', folded: state, reply: decision.reject },
        caption: `The ${who} reads order ${request!.orderId}${again}: ${seen}; it refuses the ${REFUSED[request!.kind ?? 'place']}.`,
      };
    }
    return {
      event: { type: 'DECIDED', folded: state, pending: decision.append },
      caption: `The ${who} folds order ${request!.orderId}${again} (${seen}) and decides ${decision.append.event.type}.`,
    };
  },
};

const append: Operation<EventSourcedServiceContext> = {
  faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost'],
  crashable: true,
  latencyMs: 5,
  intent: (context) => `appending ${context.pending?.event.type ?? 'the event'} to ${streamOf(context.current?.orderId ?? 0)}`,
  about: currentOrder,
  async run(ctx) {
    const { who, attempts } = ctx.context;
    const { event, expected } = ctx.context.pending!;
    const stream = streamOf(event.orderId);
    const result = ctx.store.append(stream, [event], expected);
    if (result.ok) {
      return {
        event: { type: 'APPENDED', reply: successReply(event) },
        caption: result.deduplicated
          ? `The store already holds ${event.eventId}: the ${who}'s retry writes nothing new.`
          : `The ${who} appends ${event.type} to ${stream} at revision ${result.nextRevision}.`,
      };
    }
    if (result.reason === 'wrong-expected-revision') {
      return { event: { type: 'CONFLICT' }, caption: `Order ${event.orderId} moved on since the read: the ${who} must read again.` };
    }
    if (attempts + 1 >= MAX_APPEND_ATTEMPTS) {
      return {
        event: { type: 'GAVE_UP', reply: { status: 503, text: 'Service Unavailable' } },
        caption: `The ${who} gives up on order ${event.orderId} after ${MAX_APPEND_ATTEMPTS} failed appends.`,
      };
    }
    return {
      event: { type: 'APPEND_FAILED' },
      caption:
        result.reason === 'timeout'
          ? `The append for order ${event.orderId} times out; the ${who} will retry ${event.eventId}.`
          : `The store refuses order ${event.orderId}'s append; the ${who} will retry ${event.eventId}.`,
    };
  },
};

const reply: Operation<EventSourcedServiceContext> = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `answering the client about order ${context.current?.orderId ?? '?'}`,
  about: currentOrder,
  async run(ctx) {
    const { who, current: request } = ctx.context;
    const answer = ctx.context.reply!;
    const ok = answer.status < 300;
    ctx.emit({ from: ctx.actor, to: CLIENT_PARTICIPANT, kind: 'reply', label: `${answer.status} ${answer.text}`, ok });
    return {
      event: { type: 'REPLIED' },
      caption: ok
        ? `The ${who} answers ${answer.status} to ${commandText(request!)}.`
        : `The ${who} answers ${answer.status} to ${commandText(request!)}: ${answer.text}.`,
    };
  },
};

function serviceProcess(id: string, who: string, label: string): ProcessSpec {
  return {
    id,
    machine: createEventSourcedService(who),
    operations: { 'read-stream': readStream, append, reply, restart: restartOperation(label) },
  };
}

// ---- the projector: the read model, folded event by event into Postgres -------------------------

function body(event: RecordedEvent): OrderEventBody {
  return JSON.parse(event.data) as OrderEventBody;
}

/**
 * Without the switch the projector counts every apply in `version` (and an upsert keeps a repeated
 * OrderPlaced from failing), so a repeat shows. With it, each statement only applies when the row
 * is at the revision before the event's: a repeat finds nothing to change.
 */
async function projectEvent(tx: Transaction, event: RecordedEvent, idempotent: boolean): Promise<number> {
  const data = body(event);
  // The row absorbed `version` events, so it is ready for the event whose revision equals it.
  const atRevision = (sql: string, params: (string | number)[]) =>
    idempotent ? tx.query(`${sql} AND version = $${params.length + 1}`, [...params, event.revision]) : tx.query(sql, params);
  switch (event.type) {
    case 'OrderPlaced': {
      const onRepeat = idempotent
        ? 'ON CONFLICT (order_id) DO NOTHING'
        : `ON CONFLICT (order_id) DO UPDATE SET customer = EXCLUDED.customer, amount_cents = EXCLUDED.amount_cents, status = 'placed', version = service.order_view.version + 1`;
      const result = await tx.query(
        `INSERT INTO service.order_view (order_id, customer, amount_cents, status, version) VALUES ($1, $2, $3, 'placed', 1) ${onRepeat}`,
        [event.orderId, data.customer ?? '', data.amountCents ?? 0],
      );
      return result.affectedRows;
    }
    case 'OrderAmountChanged':
      return (await atRevision('UPDATE service.order_view SET amount_cents = $2, version = version + 1 WHERE order_id = $1', [event.orderId, data.amountCents ?? 0])).affectedRows;
    case 'OrderCancelled':
      return (await atRevision(`UPDATE service.order_view SET status = 'cancelled', version = version + 1 WHERE order_id = $1`, [event.orderId])).affectedRows;
    default:
      return 0;
  }
}

const ORDER_EVENT_TYPES: readonly string[] = ['OrderPlaced', 'OrderAmountChanged', 'OrderCancelled'];

const projectorHandler: EventHandler = {
  relevant: (event) => ORDER_EVENT_TYPES.includes(event.type),
  label: (event) => `project ${event.type} ${event.stream}@${event.revision}`,
  async apply(tx, event, ctx) {
    const changed = await projectEvent(tx, event, ctx.scenario.idempotentConsumer);
    if (changed === 0) return `skips ${event.eventId}: order ${event.orderId}'s row is past it`;
    return `applies ${event.type} to order ${event.orderId}`;
  },
};

// ---- the shipping subscriber --------------------------------------------------------------------

const shippingHandler: EventHandler = {
  relevant: (event) => event.type === 'OrderPlaced',
  label: (event) => `create shipment for order ${event.orderId}`,
  async apply(tx, event, ctx) {
    if (ctx.scenario.idempotentConsumer) {
      const seen = await tx.query('INSERT INTO consumer.processed_events (event_id, processed_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING', [
        event.eventId,
        ctx.timestamp(),
      ]);
      if (seen.affectedRows === 0) return `skips ${event.eventId}: processed_events already has it`;
    }
    await tx.query('INSERT INTO consumer.shipments (order_id, event_id, created_at) VALUES ($1, $2, $3)', [event.orderId, event.eventId, ctx.timestamp()]);
    return `creates a shipment for order ${event.orderId}`;
  },
};

// ---- the operator: a new projection version, replayed from the start ----------------------------

interface OperatorContext {
  at: number;
}

const operatorMachine = setup({
  types: { context: {} as OperatorContext, input: {} as { at: number }, events: {} as { type: 'REBUILT' } },
}).createMachine({
  id: OPERATOR_PARTICIPANT,
  context: ({ input }) => ({ at: input.at }),
  initial: 'scheduled',
  states: {
    scheduled: { meta: { op: 'rebuild-projection', notBefore: (context: OperatorContext) => context.at }, on: { REBUILT: 'done' } },
    done: { tags: ['idle'] },
  },
});

// The operator stands outside the system under test, like the client: no fault is armed on it.
const rebuildProjection: Operation<OperatorContext> = {
  faults: [],
  crashable: false,
  latencyMs: 3,
  intent: () => 'rebuilding the order view',
  async run(ctx) {
    const { table, name } = PROJECTOR_CHECKPOINT;
    const result = await ctx.db.transaction('new projection version: empty order_view, checkpoint 0', async (tx) => {
      await tx.query('TRUNCATE service.order_view');
      await tx.query(
        `INSERT INTO ${table} (name, position, projection_version) VALUES ($1, 0, 2)
         ON CONFLICT (name) DO UPDATE SET position = 0, projection_version = ${table}.projection_version + 1`,
        [name],
      );
    });
    if (result.ok) {
      ctx.emit({ from: ctx.actor, to: PROJECTOR_PARTICIPANT, kind: 'request', label: 'restart from the stored checkpoint', ok: true });
      ctx.send(PROJECTOR_PARTICIPANT, { type: 'RESET' });
    }
    return { event: { type: 'REBUILT' }, caption: 'The operator empties the read model and sets the projector back to 0.' };
  },
};

function operatorProcess(scenario: Scenario): ProcessSpec {
  return {
    id: OPERATOR_PARTICIPANT,
    machine: operatorMachine,
    input: { at: (scenario.orders.at(-1) ?? 0) + REBUILD_AFTER_MS },
    operations: { 'rebuild-projection': rebuildProjection },
  };
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
async function checkReadModel(sources: InspectionSources & { steps: Parameters<typeof causeOf>[0] }): Promise<Anomaly[]> {
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

// ---- live views ---------------------------------------------------------------------------------

function servicesMemory(contexts: Record<string, unknown>): TableSnapshot {
  const rows = [SERVICE_PARTICIPANT, SECOND_SERVICE_PARTICIPANT].map((id) => {
    const context = contexts[id] as EventSourcedServiceContext | undefined;
    const folded = context?.folded ?? null;
    return {
      service: id,
      command: context?.current ? commandText(context.current) : null,
      folded_order: folded ? folded.orderId : null,
      status: folded?.status ?? null,
      amount_cents: folded?.amountCents ?? null,
      revision_read: folded ? folded.revision : null,
      deciding: context?.pending ? `${context.pending.event.type} ${context.pending.event.eventId}` : null,
      conflicts: context?.conflicts ?? 0,
    };
  });
  return {
    name: 'services in memory',
    note: 'What each service instance folded from the stream for the command in hand; a crash forgets it.',
    columns: ['service', 'command', 'folded_order', 'status', 'amount_cents', 'revision_read', 'deciding', 'conflicts'],
    rows,
  };
}

const info = findPattern('event-sourcing')!;

export const eventSourcing: PatternDefinition = {
  info,
  outcome: { truth: 'event-store' },
  schema: () => [ORDER_VIEW_TABLE, PROJECTION_CHECKPOINT_TABLE, ...CONSUMER_TABLES, SUBSCRIBER_CHECKPOINT_TABLE],
  clientScript: eventSourcingScript,
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
    catchUpSubscriberProcess({
      id: PROJECTOR_PARTICIPANT,
      label: 'Projector',
      who: 'projector',
      checkpoint: PROJECTOR_CHECKPOINT,
      checkpointAfter: scenario.variant === 'checkpoint-after',
      handler: projectorHandler,
      deliveryGroup: projectorGroup,
    }),
    catchUpSubscriberProcess({
      id: CONSUMER_PARTICIPANT,
      label: 'Shipping subscriber',
      who: 'shipping subscriber',
      checkpoint: SUBSCRIBER_CHECKPOINT,
      checkpointAfter: true,
      handler: shippingHandler,
      deliveryGroup: () => CONSUMER_GROUP,
    }),
    ...(scenario.variant === 'rebuild' ? [operatorProcess(scenario)] : []),
  ],
};

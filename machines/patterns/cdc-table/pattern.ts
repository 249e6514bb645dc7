/**
 * cdc-table — no outbox and no event in the service's code: it only writes its `orders` table,
 * and a CDC connector streams that table's row changes from the real WAL as op c/u/d with
 * before/after images. The client places orders, then changes one and cancels another, so the
 * stream carries an INSERT, an UPDATE and a DELETE.
 *
 * The price is coupling: the shipping consumer now parses the service's rows. In the
 * `renamed-column` variant the service's team has renamed `amount_cents` to `total_cents`; the
 * connector faithfully streams the new name, and the consumer's `after.amount_cents` comes back
 * empty.
 */
import { assign, setup } from 'xstate';
import type { Operation, OperationContext } from '../../kernel/pattern';
import type { Scenario, TableSnapshot } from '../../kernel/types';
import { CLIENT_PARTICIPANT, clientProcess, orderRequest, type OrderRequest, type ScheduledRequest } from '../../actors/client';
import {
  orderServiceImplementations,
  orderServiceRootTransitions,
  SERVICE_PARTICIPANT,
  serviceCrashedState,
  type OrderServiceContext,
  type OrderServiceEvent,
} from '../../actors/order-service';
import type { Broker, OutgoingMessage } from '../../actors/broker';
import { cdcConnectorProcess, CONNECTOR_STATE_TABLE, OFFSETS_GROUP, OFFSETS_TOPIC } from '../../actors/cdc-connector';
import type { RowChange } from '../../actors/wal-decoder';
import { currentOrder } from '../../actors/orders-concerned';
import { ROW_CHANGE_CONSUMER_TABLES, rowChangeConsumerProcess } from '../../actors/row-change-consumer';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import { prepareWalRun, showPos, slotInspection, walRecordsInspection, WAL_ORIGIN_TABLE } from '../../actors/wal';
import { definePattern } from '../../kernel/pattern';
import { broker } from '../../actors/components';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import { info } from './info';
import { amountFor } from '../../actors/order-writes';

/** Debezium names topics `<prefix>.<schema>.<table>`. */
export const ORDERS_CHANGES_TOPIC = 'lab.service.orders';
const ORDERS = 'service.orders';

function amountColumn(variant: string): string {
  return variant === 'renamed-column' ? 'total_cents' : 'amount_cents';
}

/** The orders table, with the amount column as this variant names it. */
function ordersTable(variant: string): string[] {
  const amount = amountColumn(variant);
  return [
    `CREATE TABLE service.orders (
  id integer PRIMARY KEY,
  customer text NOT NULL,
  ${amount} integer NOT NULL CHECK (${amount} > 0),
  created_at timestamptz NOT NULL
)`,
    // What Debezium asks for to get whole old rows. At wal_level=replica Postgres ignores it: the
    // WAL inspection shows UPDATE and DELETE records without the old row all the same.
    'ALTER TABLE service.orders REPLICA IDENTITY FULL',
  ];
}

/** Places an order per arrival, then changes the first and cancels the last, 40 ms apart. */
export function cdcTableScript(scenario: Scenario): ScheduledRequest[] {
  const places = scenario.orders.map((at, i) => ({ at, request: orderRequest(i + 1) }));
  const last = scenario.orders.at(-1) ?? 0;
  const first = orderRequest(1);
  const change: OrderRequest = { ...first, kind: 'change', amountCents: first.amountCents + 500 };
  const cancel: OrderRequest = { ...orderRequest(scenario.orders.length), kind: 'cancel' };
  return [...places, { at: last + 40, request: change }, { at: last + 80, request: cancel }];
}

type ServiceContext = OrderServiceContext;
type ServiceEvent = OrderServiceEvent | { type: 'WRITTEN' } | { type: 'WRITE_FAILED' };

const fresh = (): ServiceContext => ({ queue: [], current: null });
const shared = orderServiceImplementations<ServiceContext, ServiceEvent>(fresh);
const nextKind = (context: ServiceContext) => context.queue[0]?.kind ?? 'place';
const done = { WRITTEN: { target: 'idle', actions: 'finishRequest' }, WRITE_FAILED: { target: 'idle', actions: 'finishRequest' } } as const;

export const cdcTableService = setup({
  types: { context: {} as ServiceContext, events: {} as ServiceEvent },
  guards: {
    ...shared.guards,
    nextIsChange: ({ context }) => nextKind(context) === 'change',
    nextIsCancel: ({ context }) => nextKind(context) === 'cancel',
  },
  actions: { ...shared.actions, finishRequest: assign({ current: null }) },
}).createMachine({
  id: SERVICE_PARTICIPANT,
  context: fresh,
  initial: 'idle',
  states: {
    idle: {
      tags: ['idle'],
      always: [
        { guard: 'nextIsChange', target: 'changing', actions: 'takeRequest' },
        { guard: 'nextIsCancel', target: 'cancelling', actions: 'takeRequest' },
        { guard: 'hasQueuedRequest', target: 'placing', actions: 'takeRequest' },
      ],
    },
    placing: { meta: { op: 'place-order' }, on: done },
    changing: { meta: { op: 'change-order' }, on: done },
    cancelling: { meta: { op: 'cancel-order' }, on: done },
    [CRASHED_STATE]: serviceCrashedState,
  },
  on: orderServiceRootTransitions,
});

/** One autocommitted change of the orders table, answered to the client like an HTTP call. */
async function writeRow(
  ctx: OperationContext<ServiceContext>,
  label: string,
  sql: string,
  params: (string | number)[],
  ok: { reply: string; caption: string },
  missing: string,
) {
  const request = ctx.context.current!;
  const result = await ctx.db.transaction(label, (tx) => tx.query(sql, params));
  if (!result.ok) {
    ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: '500 Internal Server Error', ok: false });
    return {
      event: { type: 'WRITE_FAILED' },
      caption: result.committed
        ? `The service sees an error for order ${request.orderId}, though Postgres committed the change.`
        : `Postgres rejects the change to order ${request.orderId} and rolls it back.`,
    };
  }
  if (result.value.affectedRows === 0) {
    ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: '404 Not Found', ok: false });
    return { event: { type: 'WRITE_FAILED' }, caption: missing };
  }
  ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: ok.reply, ok: true });
  return { event: { type: 'WRITTEN' }, caption: ok.caption };
}

function serviceOperations(variant: string): Record<string, Operation<ServiceContext>> {
  const amount = amountColumn(variant);
  return {
    'place-order': {
      faults: ['db-write-fails', 'commit-unknown'],
      crashable: true,
      latencyMs: 5,
      intent: (context) => `inserting order ${context.current?.orderId ?? '?'}`,
      about: currentOrder,
      run: (ctx) => {
        const request = ctx.context.current!;
        return writeRow(
          ctx,
          `insert order ${request.orderId}`,
          `INSERT INTO service.orders (id, customer, ${amount}, created_at) VALUES ($1, $2, $3, $4)`,
          [request.orderId, request.customer, amountFor(request, ctx), ctx.timestamp()],
          { reply: `201 Created (order ${request.orderId})`, caption: `The service commits order ${request.orderId}; it publishes nothing itself.` },
          `Order ${request.orderId} is not inserted.`,
        );
      },
    },
    'change-order': {
      faults: ['db-write-fails', 'commit-unknown'],
      crashable: true,
      latencyMs: 5,
      intent: (context) => `updating order ${context.current?.orderId ?? '?'}`,
      about: currentOrder,
      run: (ctx) => {
        const request = ctx.context.current!;
        return writeRow(
          ctx,
          `update order ${request.orderId}`,
          `UPDATE service.orders SET ${amount} = $2 WHERE id = $1`,
          [request.orderId, amountFor(request, ctx)],
          { reply: '200 OK', caption: `The service updates order ${request.orderId} to ${request.amountCents / 100} EUR.` },
          `The service finds no order ${request.orderId} to change.`,
        );
      },
    },
    'cancel-order': {
      faults: ['commit-unknown'],
      crashable: true,
      latencyMs: 5,
      intent: (context) => `deleting order ${context.current?.orderId ?? '?'}`,
      about: currentOrder,
      run: (ctx) => {
        const request = ctx.context.current!;
        return writeRow(
          ctx,
          `delete order ${request.orderId}`,
          'DELETE FROM service.orders WHERE id = $1',
          [request.orderId],
          { reply: '204 No Content', caption: `The service deletes order ${request.orderId} from its table.` },
          `The service finds no order ${request.orderId} to cancel.`,
        );
      },
    },
    restart: restartOperation('Order service'),
  };
}

const EVENT_TYPES = { c: 'OrderInserted', u: 'OrderUpdated', d: 'OrderDeleted' } as const;

/**
 * A row change as a message: keyed by the row's id, identified by its place in the WAL (the same
 * change read twice is the same event), the before/after images as its payload.
 */
export function rowChangeMessage(change: RowChange): OutgoingMessage | null {
  if (change.table !== ORDERS || change.op === 'm') return null;
  const id = (change.after ?? change.before)?.id;
  if (typeof id !== 'number') return null;
  return {
    topic: ORDERS_CHANGES_TOPIC,
    key: String(id),
    eventId: `orders@${showPos(change.pos)}`,
    eventType: EVENT_TYPES[change.op],
    orderId: id,
    op: change.op,
    payload: JSON.stringify({ before: change.before, after: change.after }),
  };
}

function changeEventsInspection(broker: Broker): TableSnapshot {
  return {
    name: 'change events',
    note: 'What the connector streamed: the row images of service.orders, exactly as the table names its columns.',
    columns: ['message', 'op', 'key', 'before', 'after'],
    rows: broker
      .messages()
      .filter((m) => m.topic === ORDERS_CHANGES_TOPIC)
      .map((m) => {
        const body = JSON.parse(m.payload ?? '{}') as { before?: unknown; after?: unknown };
        return {
          message: `${m.topic}/p${m.partition}@${m.offset}`,
          op: m.op ?? null,
          key: m.key,
          before: body.before ? JSON.stringify(body.before) : null,
          after: body.after ? JSON.stringify(body.after) : null,
        };
      }),
  };
}


export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  outcome: (sources) => shipmentsOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders, cdcTableScript(scenario)),
  schema: (variant) => [...ordersTable(variant), WAL_ORIGIN_TABLE, CONNECTOR_STATE_TABLE, ...ROW_CHANGE_CONSUMER_TABLES],
  // Where each run's WAL starts: set up before every run, not part of the story.
  hiddenTables: ['service.wal_origin'],
  prepareRun: (runner) => prepareWalRun(runner),
  inspect: async ({ runner, broker }) => [
    await walRecordsInspection(runner, 'The connector captures service.orders; UPDATE and DELETE carry no old row.'),
    await slotInspection(runner, broker.context.committed[OFFSETS_GROUP]?.[OFFSETS_TOPIC]?.[0] ?? 0),
    changeEventsInspection(broker),
  ],
  processes: (scenario) => [
    { id: SERVICE_PARTICIPANT, machine: cdcTableService, operations: serviceOperations(scenario.variant) },
    cdcConnectorProcess('Connector', {
      captured: [ORDERS],
      heartbeat: false,
      keepsRowImages: true,
      toMessage: rowChangeMessage,
    }),
    rowChangeConsumerProcess(ORDERS_CHANGES_TOPIC, 'Shipping consumer'),
  ],
});

/**
 * cdc-table — no outbox and no event in the service's code: it only writes its `orders` table,
 * and a CDC connector streams that table's row changes from the real WAL as op c/u/d with
 * before/after images. The client places orders, then changes one and cancels another, so the
 * stream carries an INSERT, an UPDATE and a DELETE.
 *
 * The price is coupling: the shipping consumer now parses the service's rows. In the
 * `renamed-column` variant the service's team renames `amount_cents` to `total_cents` mid-stream,
 * right after the first order (`ALTER TABLE … RENAME COLUMN`, a deploy). The connector follows the
 * table as Debezium does from pgoutput's RELATION messages (actors/cdc-relations.ts): the changes
 * written before the rename carry `amount_cents`, the consumer parses them; every change after it
 * carries `total_cents`, and the consumer's `after.amount_cents` comes back empty: the second order
 * is never shipped (it is cancelled later, so nothing is owed for it) and the change to the first
 * never reaches its shipment. A connector restart changes nothing: the old changes keep the old
 * name, the new ones the new name.
 *
 * Like Kafka Connect, the connector flushes its offsets on a timer (every 2 s of simulated time,
 * 60 s by default), with its row images and the columns it knows, and advances its slot after.
 */
import { assign, setup } from 'xstate';
import type { Operation, OperationContext } from '../../kernel/pattern';
import type { Anomaly, Scenario, TableSnapshot } from '../../kernel/types';
import type { InspectionSources } from '../../kernel/pattern';
import type { SqlRunner } from '../../kernel/traced-database';
import { causeOf } from '../../kernel/checker';
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
import { cdcConnectorProcess, CONNECTOR_PARTICIPANT, CONNECTOR_STATE_TABLE, OFFSETS_GROUP, OFFSETS_TOPIC } from '../../actors/cdc-connector';
import { connectorOffsetsInspection, LAB_OFFSET_FLUSH_INTERVAL_MS } from '../../actors/cdc-offsets';
import type { RowChange } from '../../actors/wal-decoder';
import { currentOrder } from '../../actors/orders-concerned';
import { ROW_CHANGE_CONSUMER_TABLES, rowChangeConsumerProcess } from '../../actors/row-change-consumer';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import { prepareWalRun, showPos, slotInspection, walRecordsInspection, WAL_ORIGIN_TABLE } from '../../actors/wal';
import { messageRef } from '../../actors/broker';
import { definePattern } from '../../kernel/pattern';
import { broker } from '../../actors/components';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import { info } from './info';
import { amountFor } from '../../actors/order-writes';

/** Debezium names topics `<prefix>.<schema>.<table>`. */
export const ORDERS_CHANGES_TOPIC = 'lab.service.orders';
const ORDERS = 'service.orders';

/** The column before and after the renamed-column variant's migration. */
export const OLD_AMOUNT = 'amount_cents';
export const NEW_AMOUNT = 'total_cents';
export const RENAME_COLUMN = `ALTER TABLE service.orders RENAME COLUMN ${OLD_AMOUNT} TO ${NEW_AMOUNT}`;

/** The orders table as every variant starts it. */
function ordersTable(): string[] {
  return [
    `CREATE TABLE service.orders (
  id integer PRIMARY KEY,
  customer text NOT NULL,
  ${OLD_AMOUNT} integer NOT NULL CHECK (${OLD_AMOUNT} > 0),
  created_at timestamptz NOT NULL
)`,
    // What Debezium asks for to get whole old rows. At wal_level=replica Postgres ignores it: the
    // WAL inspection shows UPDATE and DELETE records without the old row all the same.
    'ALTER TABLE service.orders REPLICA IDENTITY FULL',
  ];
}

/**
 * Before every run: a run of renamed-column left the column renamed, and a reset only empties the
 * tables. Put it back, and clean the catalogue rows the renames left dead, so this run's WAL does
 * not depend on what ran before (see prepareWalRun).
 */
async function restoreOrdersTable(runner: SqlRunner): Promise<void> {
  const renamed = await runner.query(`SELECT 1 FROM pg_attribute WHERE attrelid = 'service.orders'::regclass AND attname = '${NEW_AMOUNT}'`);
  if (renamed.rows.length === 0) return;
  await runner.exec(`ALTER TABLE service.orders RENAME COLUMN ${NEW_AMOUNT} TO ${OLD_AMOUNT}`);
  await runner.exec('VACUUM pg_catalog.pg_attribute');
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

interface ServiceContext extends OrderServiceContext {
  /** The migration has run: the service's code now writes `total_cents` (a deploy outlives a restart). */
  migrated: boolean;
}
type ServiceEvent = OrderServiceEvent | { type: 'WRITTEN' } | { type: 'WRITE_FAILED' } | { type: 'MIGRATED' };

const fresh = (): ServiceContext => ({ queue: [], current: null, migrated: false });
const shared = orderServiceImplementations<ServiceContext, ServiceEvent>(fresh);
const nextKind = (context: ServiceContext) => context.queue[0]?.kind ?? 'place';
const done = { WRITTEN: { target: 'idle', actions: 'finishRequest' }, WRITE_FAILED: { target: 'idle', actions: 'finishRequest' } } as const;

/** The service; with `migrates` it renames the amount column after its first committed order. */
export function createCdcTableService(migrates: boolean) {
  const placed = migrates
    ? ({
        WRITTEN: [
          { guard: 'migrationPending', target: 'migrating', actions: 'finishRequest' },
          { target: 'idle', actions: 'finishRequest' },
        ],
        WRITE_FAILED: done.WRITE_FAILED,
      } as const)
    : done;
  const migrating: object = migrates ? { migrating: { meta: { op: 'rename-column' }, on: { MIGRATED: { target: 'idle', actions: 'noteMigrated' } } } } : {};
  return setup({
    types: { context: {} as ServiceContext, events: {} as ServiceEvent },
    guards: {
      ...shared.guards,
      nextIsChange: ({ context }) => nextKind(context) === 'change',
      nextIsCancel: ({ context }) => nextKind(context) === 'cancel',
      migrationPending: ({ context }) => !context.migrated,
    },
    actions: {
      ...shared.actions,
      finishRequest: assign({ current: null }),
      noteMigrated: assign({ migrated: true }),
      // A restart empties its memory, but the code it runs is the one deployed: migrated or not.
      forgetEverything: assign(({ context }) => ({ ...fresh(), migrated: context.migrated })),
    },
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
      placing: { meta: { op: 'place-order' }, on: placed },
      changing: { meta: { op: 'change-order' }, on: done },
      cancelling: { meta: { op: 'cancel-order' }, on: done },
      ...migrating,
      [CRASHED_STATE]: serviceCrashedState,
    },
    on: orderServiceRootTransitions,
  });
}

export const cdcTableService = createCdcTableService(false);
const migratingService = createCdcTableService(true);

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

const amountOf = (context: ServiceContext) => (context.migrated ? NEW_AMOUNT : OLD_AMOUNT);

const renameColumn: Operation<ServiceContext> = {
  faults: [],
  crashable: true,
  latencyMs: 4,
  intent: () => `renaming orders.${OLD_AMOUNT} to ${NEW_AMOUNT}`,
  async run(ctx) {
    await ctx.db.statement('migration: rename a column', RENAME_COLUMN);
    return { event: { type: 'MIGRATED' }, caption: `The service's team renames orders.${OLD_AMOUNT} to ${NEW_AMOUNT} (ALTER TABLE).` };
  },
};

function serviceOperations(variant: string): Record<string, Operation<ServiceContext>> {
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
          `INSERT INTO service.orders (id, customer, ${amountOf(ctx.context)}, created_at) VALUES ($1, $2, $3, $4)`,
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
          `UPDATE service.orders SET ${amountOf(ctx.context)} = $2 WHERE id = $1`,
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
    ...(variant === 'renamed-column' ? { 'rename-column': renameColumn } : {}),
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


/**
 * What the generic checks cannot see: an order whose shipment exists but never took its change.
 * The amount in service.orders (under whatever name the column has now) against the amounts of its
 * active shipments: if none matches, an update was lost downstream.
 */
async function checkAmounts(sources: InspectionSources<{ broker: Broker }> & { steps: Parameters<typeof causeOf>[0] }): Promise<Anomaly[]> {
  const { runner, broker, steps } = sources;
  const orders = (await runner.query<Record<string, unknown>>('SELECT * FROM service.orders ORDER BY id')).rows;
  const shipments = (await runner.query<{ id: number; order_id: number; amount_cents: number; cancelled_at: unknown }>('SELECT id, order_id, amount_cents, cancelled_at FROM consumer.shipments ORDER BY id')).rows;
  const anomalies: Anomaly[] = [];
  for (const order of orders) {
    const id = Number(order.id);
    const column = NEW_AMOUNT in order ? NEW_AMOUNT : OLD_AMOUNT;
    const amount = Number(order[column]);
    const active = shipments.filter((s) => Number(s.order_id) === id && s.cancelled_at === null);
    if (active.length === 0 || active.some((s) => Number(s.amount_cents) === amount)) continue;
    const updates = broker.messages().filter((m) => m.topic === ORDERS_CHANGES_TOPIC && m.orderId === id && m.op === 'u');
    anomalies.push({
      id: 'lost-event',
      subject: `order ${id}`,
      evidence: [
        { ref: `service.orders id=${id}`, detail: `${column} = ${amount} in the source of truth` },
        ...updates.map((m) => ({ ref: messageRef(m), detail: `${m.eventType}, delivered ${m.deliveries === 1 ? 'once' : `${m.deliveries} times`}, never applied` })),
        ...active.map((s) => ({ ref: `consumer.shipments id=${s.id}`, detail: `amount_cents = ${Number(s.amount_cents)}` })),
      ],
      why: `Order ${id} is ${amount / 100} EUR at the source, but its shipment says ${Number(active[0]!.amount_cents) / 100}: the change never took effect downstream${causeOf(steps, id)}.`,
    });
  }
  return anomalies;
}

export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  outcome: (sources) => shipmentsOutcome(sources),
  check: checkAmounts,
  client: (scenario) => clientProcess(scenario.orders, cdcTableScript(scenario)),
  schema: () => [...ordersTable(), WAL_ORIGIN_TABLE, CONNECTOR_STATE_TABLE, ...ROW_CHANGE_CONSUMER_TABLES],
  // Where each run's WAL starts: set up before every run, not part of the story.
  hiddenTables: ['service.wal_origin'],
  prepareRun: async (runner) => {
    await restoreOrdersTable(runner);
    await prepareWalRun(runner);
  },
  inspect: async ({ runner, broker, contexts }) => {
    const stored = broker.context.committed[OFFSETS_GROUP]?.[OFFSETS_TOPIC]?.[0] ?? 0;
    const connector = contexts[CONNECTOR_PARTICIPANT] as Parameters<typeof connectorOffsetsInspection>[0] | undefined;
    return [
      await walRecordsInspection(runner, 'The connector captures service.orders; UPDATE and DELETE carry no old row.'),
      await slotInspection(runner, stored),
      ...(connector ? [connectorOffsetsInspection(connector, stored)] : []),
      changeEventsInspection(broker),
    ];
  },
  processes: (scenario) => [
    { id: SERVICE_PARTICIPANT, machine: scenario.variant === 'renamed-column' ? migratingService : cdcTableService, operations: serviceOperations(scenario.variant) },
    cdcConnectorProcess('Connector', {
      captured: [ORDERS],
      heartbeat: false,
      keepsRowImages: true,
      toMessage: rowChangeMessage,
      offsetFlushIntervalMs: LAB_OFFSET_FLUSH_INTERVAL_MS,
      followsRelations: true,
    }),
    rowChangeConsumerProcess(ORDERS_CHANGES_TOPIC, 'Shipping consumer'),
  ],
});

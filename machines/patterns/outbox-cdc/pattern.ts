/**
 * outbox-cdc — the service writes the order and an outbox row in one transaction, as with the
 * polling relay; but nothing polls the table. A CDC connector tails Postgres' real write-ahead log
 * (pg_walinspect over a physical replication slot), decodes the outbox INSERTs of committed
 * transactions, and publishes each to the topic its `event_type` names, keyed by the aggregate id.
 *
 * Variants:
 * - `delete-after-insert`: the service deletes the outbox row in the same transaction. The table
 *   stays empty; the INSERT is still in the WAL, so the connector still sees it.
 * - `heartbeat`: while only other tables are written (here: the consumer's shipments, in the same
 *   instance), a connector that confirms positions only when it emits never moves its slot, and
 *   the WAL piles up. With a heartbeat it writes a row to a captured table and confirms that.
 *   It is the write that moves the slot: a heartbeat that only sends a message on a timer (a bare
 *   `heartbeat.interval.ms`, as in one seed's config) may have no newer captured position to
 *   confirm when every write goes to uncaptured tables.
 */
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import { CLIENT_PARTICIPANT, clientProcess } from '../../actors/client';
import { createSingleWriteServiceMachine, type OrderServiceContext, SERVICE_PARTICIPANT } from '../../actors/order-service';
import { consumerProcess } from '../../actors/consumer';
import { cdcConnectorProcess, CONNECTOR_PARTICIPANT, HEARTBEAT_TABLE, HEARTBEAT_TABLE_NAME, OFFSETS_GROUP, OFFSETS_TOPIC } from '../../actors/cdc-connector';
import type { RowChange } from '../../actors/wal-decoder';
import { currentOrder } from '../../actors/orders-concerned';
import { CONSUMER_TABLES, ORDERS_TABLE, OUTBOX_TABLE } from '../../actors/postgres';
import { restartOperation } from '../../actors/process';
import { prepareWalRun, slotInspection, walRecordsInspection, WAL_ORIGIN_TABLE } from '../../actors/wal';
import type { OutgoingMessage } from '../../actors/broker';
import { definePattern } from '../../kernel/pattern';
import { broker } from '../../actors/components';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import { info } from './info';
import { amountFor, insertOrder } from '../../actors/order-writes';
import { outboxMessageEvent, writeOrderAndMessage } from './wal-message';

export const ORDER_PLACED_TOPIC = 'OrderPlaced';
const OUTBOX = 'service.outbox';

type ServiceContext = OrderServiceContext;

export const outboxCdcService = createSingleWriteServiceMachine<ServiceContext>(() => ({ queue: [], current: null }));

function writeOrderAndOutbox(deleteAfterInsert: boolean): Operation<ServiceContext> {
  return {
    faults: ['db-write-fails', 'commit-unknown'],
    crashable: true,
    latencyMs: 5,
    intent: (context) => `writing order ${context.current?.orderId ?? '?'} and its outbox row`,
    about: currentOrder,
    async run(ctx) {
      const request = ctx.context.current!;
      const eventId = ctx.nextId('evt');
      const at = ctx.timestamp();
      const label = `insert outbox row + order ${request.orderId}${deleteAfterInsert ? ', delete outbox row' : ''}`;
      const written = await ctx.db.transaction(label, async (tx) => {
        // The outbox row goes first, so a rejected order leaves a real outbox INSERT in the WAL
        // with no COMMIT after it: the case the connector must not emit.
        const inserted = await tx.query<{ id: number }>(
          `INSERT INTO service.outbox (event_id, aggregate_type, aggregate_id, event_type, payload, created_at)
           VALUES ($1, 'Order', $2, 'OrderPlaced', $3, $4) RETURNING id`,
          [eventId, String(request.orderId), JSON.stringify({ orderId: request.orderId, amountCents: request.amountCents }), at],
        );
        await insertOrder(tx, request, amountFor(request, ctx), at);
        if (deleteAfterInsert) await tx.query('DELETE FROM service.outbox WHERE id = $1', [inserted.rows[0]!.id]);
      });
      if (!written.ok) {
        ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: '500 Internal Server Error', ok: false });
        return {
          event: { type: 'WRITE_FAILED' },
          caption: written.committed
            ? `The service sees an error, though order ${request.orderId} committed with its outbox row.`
            : `Postgres rejects order ${request.orderId}; its outbox insert rolls back with it.`,
        };
      }
      ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: `201 Created (order ${request.orderId})`, ok: true });
      return {
        event: { type: 'WRITTEN' },
        caption: deleteAfterInsert
          ? `The service commits order ${request.orderId}, inserting and deleting its outbox row.`
          : `The service commits order ${request.orderId} and its outbox row in one transaction.`,
      };
    },
  };
}

/** An outbox INSERT becomes a message on the topic its event_type names, keyed by the aggregate. */
export function outboxEventMessage(change: RowChange): OutgoingMessage | null {
  if (change.table !== OUTBOX || change.op !== 'c' || !change.after) return null;
  const row = change.after;
  return {
    topic: String(row.event_type),
    key: String(row.aggregate_id),
    eventId: String(row.event_id),
    eventType: String(row.event_type),
    orderId: Number(row.aggregate_id),
  };
}

/**
 * wal-message: the service emits its event as a logical message instead of an outbox row, and the
 * connector captures no table, only messages (wal-message.ts).
 */
function walMessageProcess(process: ProcessSpec): ProcessSpec {
  if (process.id === SERVICE_PARTICIPANT) return { ...process, operations: { ...process.operations, 'write-order': writeOrderAndMessage } };
  if (process.id !== CONNECTOR_PARTICIPANT) return process;
  return cdcConnectorProcess('Connector', { captured: [], heartbeat: false, keepsRowImages: false, toMessage: outboxMessageEvent });
}

/** The position the connector stored in the broker; +0 (the run's start) until it stores one. */
function storedPosition(committed: Record<string, Record<string, number[]>>): number {
  return committed[OFFSETS_GROUP]?.[OFFSETS_TOPIC]?.[0] ?? 0;
}


export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  outcome: (sources) => shipmentsOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders),
  schema: () => [ORDERS_TABLE, OUTBOX_TABLE, HEARTBEAT_TABLE, WAL_ORIGIN_TABLE, ...CONSUMER_TABLES],
  // Where each run's WAL starts: set up before every run, not part of the story.
  hiddenTables: ['service.wal_origin'],
  prepareRun: (runner) => prepareWalRun(runner),
  inspect: async ({ runner, broker }, variant) => [
    await walRecordsInspection(
      runner,
      variant === 'heartbeat' ? 'The connector captures outbox and cdc_heartbeat.' : variant === 'wal-message' ? 'The connector captures no table, only messages with prefix outbox.' : 'The connector captures only outbox.',
    ),
    await slotInspection(runner, storedPosition(broker.context.committed)),
  ],
  processes: (scenario) => [
    {
      id: SERVICE_PARTICIPANT,
      machine: outboxCdcService,
      operations: { 'write-order': writeOrderAndOutbox(scenario.variant === 'delete-after-insert'), restart: restartOperation('Order service') },
    },
    cdcConnectorProcess('Connector', {
      captured: scenario.variant === 'heartbeat' ? [OUTBOX, HEARTBEAT_TABLE_NAME] : [OUTBOX],
      heartbeat: scenario.variant === 'heartbeat',
      keepsRowImages: false,
      toMessage: outboxEventMessage,
    }),
    consumerProcess(ORDER_PLACED_TOPIC, 'Shipping consumer'),
  ].map((process) => (scenario.variant === 'wal-message' ? walMessageProcess(process) : process)),
});

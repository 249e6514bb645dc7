/**
 * outbox-cdc — the service writes the order and an outbox row in one transaction, as with the
 * polling relay; but nothing polls the table. A CDC connector tails Postgres' real write-ahead log
 * (pg_walinspect over a physical replication slot), decodes the outbox INSERTs of committed
 * transactions, and routes each as Debezium's outbox event router does (event-router.ts): to
 * `outbox.event.<aggregate type>`, keyed by the aggregate id, the event id in an `id` header.
 * Like Kafka Connect, it flushes its offsets on a timer (every 2 s of simulated time here, 60 s
 * by default) and advances its slot only after a flush (actors/cdc-offsets.ts).
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
 * - `mark-published`: the service also sets `published = true` on its outbox row, as code written
 *   for a polling relay does. The router does not expect UPDATEs on an outbox: it logs a warning
 *   and skips each (`table.op.invalid.behavior=warn`); the consumer sees every event once.
 * - `lost-slot`: the connector is down while an index rebuild writes more WAL than
 *   `max_slot_wal_keep_size` lets the slot keep; a checkpoint invalidates the slot (see
 *   actors/cdc-slot-loss.ts for what is real here and what the lab decides). The connector's task
 *   fails; the operator drops the slot and restarts it; with snapshot.mode=when_needed it makes a
 *   new slot and snapshots the outbox. The service removes each outbox row after inserting it (as
 *   Debezium's Quarkus outbox extension does by default, remove-after-insert=true), so the
 *   snapshot finds nothing: the events written while the slot was lost are gone.
 */
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import { CLIENT_PARTICIPANT, clientProcess } from '../../actors/client';
import { createSingleWriteServiceMachine, type OrderServiceContext, SERVICE_PARTICIPANT } from '../../actors/order-service';
import { consumerProcess } from '../../actors/consumer';
import { cdcConnectorProcess, CONNECTOR_PARTICIPANT, HEARTBEAT_TABLE, HEARTBEAT_TABLE_NAME, OFFSETS_GROUP, OFFSETS_TOPIC } from '../../actors/cdc-connector';
import { connectorOffsetsInspection, LAB_OFFSET_FLUSH_INTERVAL_MS } from '../../actors/cdc-offsets';
import { checkpointerProcess, clearSlotLoss, SLOT_LOSS_TABLE, SLOT_LOSS_TABLE_NAME, withSlotLoss } from '../../actors/cdc-slot-loss';
import { currentOrder } from '../../actors/orders-concerned';
import { CONSUMER_TABLES, ORDERS_TABLE, OUTBOX_TABLE } from '../../actors/postgres';
import { restartOperation } from '../../actors/process';
import { prepareWalRun, slotInspection, walRecordsInspection, WAL_ORIGIN_TABLE } from '../../actors/wal';
import { definePattern } from '../../kernel/pattern';
import { broker } from '../../actors/components';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import { info } from './info';
import { amountFor, insertOrder } from '../../actors/order-writes';
import { outboxMessageEvent, writeOrderAndMessage } from './wal-message';
import { ORDER_EVENTS_TOPIC, OUTBOX, routeOutboxChange, routerInspection } from './event-router';
import { HISTORY_INDEX, HISTORY_TABLE, HISTORY_TABLE_NAME, OPERATOR_PARTICIPANT, operatorProcess } from './operator';

export { ORDER_EVENTS_TOPIC } from './event-router';
/** When the checkpoint comes in `lost-slot`: after the index rebuild, while the connector is down. */
export const CHECKPOINT_AT_MS = 1000;
/** How long the connector is down in `lost-slot`. */
export const CONNECTOR_DOWN_UNTIL_MS = 2000;

type ServiceContext = OrderServiceContext;

export const outboxCdcService = createSingleWriteServiceMachine<ServiceContext>(() => ({ queue: [], current: null }));

interface OutboxWrites {
  /** Delete the outbox row in the same transaction (delete-after-insert, lost-slot). */
  deleteAfterInsert: boolean;
  /** Set `published` on it in the same transaction (mark-published). */
  markPublished: boolean;
}

function writeOrderAndOutbox({ deleteAfterInsert, markPublished }: OutboxWrites): Operation<ServiceContext> {
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
      const label = `insert outbox row + order ${request.orderId}${deleteAfterInsert ? ', delete outbox row' : ''}${markPublished ? ', mark it published' : ''}`;
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
        if (markPublished) await tx.query('UPDATE service.outbox SET published = true, published_at = $2 WHERE id = $1', [inserted.rows[0]!.id, at]);
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
          : markPublished
            ? `The service commits order ${request.orderId} and its outbox row, marked published.`
            : `The service commits order ${request.orderId} and its outbox row in one transaction.`,
      };
    },
  };
}

/** An outbox row change as the outbox event router routes it (event-router.ts). */
export const outboxEventMessage = routeOutboxChange;

/**
 * wal-message: the service emits its event as a logical message instead of an outbox row, and the
 * connector captures no table, only messages (wal-message.ts).
 */
function walMessageProcess(process: ProcessSpec): ProcessSpec {
  if (process.id === SERVICE_PARTICIPANT) return { ...process, operations: { ...process.operations, 'write-order': writeOrderAndMessage } };
  if (process.id !== CONNECTOR_PARTICIPANT) return process;
  return cdcConnectorProcess('Connector', { captured: [], heartbeat: false, keepsRowImages: false, toMessage: outboxMessageEvent, offsetFlushIntervalMs: LAB_OFFSET_FLUSH_INTERVAL_MS });
}

/** The position the connector stored in the broker; +0 (the run's start) until it stores one. */
function storedPosition(committed: Record<string, Record<string, number[]>>): number {
  return committed[OFFSETS_GROUP]?.[OFFSETS_TOPIC]?.[0] ?? 0;
}

const LOST_SLOT = 'lost-slot';

export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  outcome: (sources) => shipmentsOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders),
  schema: (variant) => [
    ORDERS_TABLE,
    OUTBOX_TABLE,
    HEARTBEAT_TABLE,
    WAL_ORIGIN_TABLE,
    ...CONSUMER_TABLES,
    ...(variant === LOST_SLOT ? [SLOT_LOSS_TABLE, ...HISTORY_TABLE] : []),
  ],
  // Where each run's WAL starts, and the lab's own bookkeeping of a lost slot: not part of the
  // story. The history table is, but its 30,000 rows would drown the views, and it never changes.
  hiddenTables: ['service.wal_origin', SLOT_LOSS_TABLE_NAME, HISTORY_TABLE_NAME],
  prepareRun: async (runner, variant) => {
    if (variant !== LOST_SLOT) return prepareWalRun(runner);
    await clearSlotLoss(runner);
    // A run of this variant leaves catalogue rows whose hint bits the next run would set, logging a
    // page image at a moment that depends on what ran before: vacuum them now, before the run's WAL starts.
    await runner.exec('VACUUM');
    await prepareWalRun(runner);
    // The first REINDEX after the tables were made (and the catalogue vacuumed) logs far more
    // catalogue records than any later one; run it once outside the story, then start again.
    const fresh = await runner.query<{ fresh: boolean }>(`SELECT obj_description('${HISTORY_TABLE_NAME}'::regclass, 'pg_class') IS NULL AS fresh`);
    if (!fresh.rows[0]?.fresh) return;
    await runner.exec(`REINDEX INDEX ${HISTORY_INDEX}`);
    await runner.exec(`COMMENT ON TABLE ${HISTORY_TABLE_NAME} IS 'reindexed once before the first run'`);
    await prepareWalRun(runner);
  },
  inspect: async ({ runner, broker, contexts }, variant) => {
    const stored = storedPosition(broker.context.committed);
    const slot = await slotInspection(runner, stored);
    const connector = contexts[CONNECTOR_PARTICIPANT] as Parameters<typeof connectorOffsetsInspection>[0] | undefined;
    return [
      await walRecordsInspection(
        runner,
        variant === 'heartbeat'
          ? 'The connector captures outbox and cdc_heartbeat.'
          : variant === 'wal-message'
            ? 'The connector captures no table, only messages with prefix outbox.'
            : 'The connector captures only outbox.',
      ),
      variant === LOST_SLOT ? await withSlotLoss(runner, slot) : slot,
      ...(connector ? [connectorOffsetsInspection(connector, stored)] : []),
      routerInspection(),
    ];
  },
  processes: (scenario) => [
    {
      id: SERVICE_PARTICIPANT,
      machine: outboxCdcService,
      operations: {
        'write-order': writeOrderAndOutbox({
          deleteAfterInsert: scenario.variant === 'delete-after-insert' || scenario.variant === LOST_SLOT,
          markPublished: scenario.variant === 'mark-published',
        }),
        restart: restartOperation('Order service'),
      },
    },
    cdcConnectorProcess('Connector', {
      captured: scenario.variant === 'heartbeat' ? [OUTBOX, HEARTBEAT_TABLE_NAME] : [OUTBOX],
      heartbeat: scenario.variant === 'heartbeat',
      keepsRowImages: false,
      toMessage: routeOutboxChange,
      offsetFlushIntervalMs: LAB_OFFSET_FLUSH_INTERVAL_MS,
      ...(scenario.variant === LOST_SLOT ? { slotLoss: { downUntil: CONNECTOR_DOWN_UNTIL_MS, operator: OPERATOR_PARTICIPANT } } : {}),
    }),
    consumerProcess(ORDER_EVENTS_TOPIC, 'Shipping consumer'),
    ...(scenario.variant === LOST_SLOT ? [checkpointerProcess(CHECKPOINT_AT_MS), operatorProcess()] : []),
  ].map((process) => (scenario.variant === 'wal-message' ? walMessageProcess(process) : process)),
});

/**
 * The projector: a catch-up subscriber that folds every order event into the read model
 * `service.order_view`. By default it commits the row and its checkpoint in one transaction, so it
 * applies each event once whatever crashes; the `checkpoint-after` variant stores the checkpoint
 * in a second transaction, and a crash between the two applies an event again. Its checkpoint row
 * carries a projection version, which a rebuild (operator.ts) bumps.
 */
import type { ProcessSpec } from '../../kernel/pattern';
import type { Transaction } from '../../kernel/traced-database';
import type { RecordedEvent } from '../../actors/event-store';
import { catchUpSubscriberProcess, type CheckpointTable, type EventHandler } from '../../actors/catch-up-subscriber';
import type { OrderEventBody } from './domain';

export const PROJECTOR_PARTICIPANT = 'projector';

export const PROJECTOR_CHECKPOINT: CheckpointTable = { table: 'service.projection_checkpoint', name: 'order_view', versioned: true };

/** The projector's handovers are counted per projection version: a rebuild's replay is not a redelivery. */
export const projectorGroup = (version: number) => `order-view-v${version}`;

export const ORDER_VIEW_TABLE = `CREATE TABLE service.order_view (
  order_id integer PRIMARY KEY,
  customer text NOT NULL,
  amount_cents integer NOT NULL,
  status text NOT NULL,
  -- How many of the order's events the row has absorbed: equal to its stream's next revision.
  version integer NOT NULL
)`;

export const PROJECTION_CHECKPOINT_TABLE = `CREATE TABLE service.projection_checkpoint (
  name text PRIMARY KEY,
  -- The next global position to read.
  position integer NOT NULL,
  projection_version integer NOT NULL DEFAULT 1
)`;

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

export function projectorProcess(checkpointAfter: boolean): ProcessSpec {
  return catchUpSubscriberProcess({
    id: PROJECTOR_PARTICIPANT,
    label: 'Projector',
    who: 'projector',
    checkpoint: PROJECTOR_CHECKPOINT,
    checkpointAfter,
    handler: projectorHandler,
    deliveryGroup: projectorGroup,
  });
}

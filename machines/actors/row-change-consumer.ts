/**
 * The shipping consumer when it is fed row changes of the service's `orders` table instead of
 * business events: the same statechart, fetch and offset commit as the shared consumer, but its
 * effect reads the change itself — `after.amount_cents` for a new or changed order, a deletion
 * cancels the shipment. So it depends on the column names of a table another team owns: rename one
 * and the parse comes back empty. It does not guess then: it skips the change and says so.
 */
import type { Operation, ProcessSpec } from '../kernel/pattern';
import type { StoredMessage } from './broker';
import { consumerProcess } from './consumer';
import { firstOrder } from './orders-concerned';

/** The consumer's tables for row changes: a shipment carries the amount and can be cancelled. */
export const ROW_CHANGE_CONSUMER_TABLES = [
  `CREATE TABLE consumer.shipments (
    id serial PRIMARY KEY,
    order_id integer NOT NULL,
    event_id text NOT NULL,
    amount_cents integer NOT NULL,
    created_at timestamptz NOT NULL,
    cancelled_at timestamptz
  )`,
  `CREATE TABLE consumer.processed_events (
    event_id text PRIMARY KEY,
    processed_at timestamptz NOT NULL
  )`,
];

/** The field the consumer reads from each row image. */
export const AMOUNT_FIELD = 'amount_cents';

interface RowChangePayload {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

interface ConsumerContext {
  batch: StoredMessage[];
}

const apply: Operation<ConsumerContext> = {
  faults: ['commit-unknown'],
  crashable: true,
  latencyMs: 4,
  intent: (context) => `applying ${context.batch[0]?.eventType ?? 'the change'} for order ${context.batch[0]?.orderId ?? '?'}`,
  about: (context) => firstOrder(context.batch),
  async run(ctx) {
    const message = ctx.context.batch[0]!;
    const change = JSON.parse(message.payload ?? '{}') as RowChangePayload;
    const amount = change.after?.[AMOUNT_FIELD];
    if (message.op !== 'd' && typeof amount !== 'number') {
      // A schema change upstream: the row has no such column any more. Nothing sensible to write.
      ctx.emit({ from: ctx.actor, to: ctx.actor, kind: 'error', label: `after.${AMOUNT_FIELD} is missing: change skipped`, ok: false });
      return {
        event: { type: 'APPLIED' },
        caption: `The consumer finds no after.${AMOUNT_FIELD} for order ${message.orderId} and skips the change.`,
      };
    }
    const at = ctx.timestamp();
    const result = await ctx.db.transaction(`${message.eventType} → shipment of order ${message.orderId}`, async (tx) => {
      if (ctx.scenario.idempotentConsumer) {
        const seen = await tx.query(
          'INSERT INTO consumer.processed_events (event_id, processed_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING',
          [message.eventId, at],
        );
        if (seen.affectedRows === 0) return 'skipped' as const;
      }
      if (message.op === 'c') {
        await tx.query('INSERT INTO consumer.shipments (order_id, event_id, amount_cents, created_at) VALUES ($1, $2, $3, $4)', [
          message.orderId,
          message.eventId,
          amount as number,
          at,
        ]);
      } else if (message.op === 'u') {
        await tx.query('UPDATE consumer.shipments SET amount_cents = $2 WHERE order_id = $1 AND cancelled_at IS NULL', [
          message.orderId,
          amount as number,
        ]);
      } else {
        const cancelled = await tx.query('UPDATE consumer.shipments SET cancelled_at = $2 WHERE order_id = $1 AND cancelled_at IS NULL', [message.orderId, at]);
        // A deletion of an order it never shipped (its insert was skipped): nothing to cancel.
        if (cancelled.affectedRows === 0) return 'nothing to cancel' as const;
      }
      return 'applied' as const;
    });
    if (!result.ok) {
      return { event: { type: 'APPLY_FAILED' }, caption: `The consumer gets an error applying order ${message.orderId} and will read it again.` };
    }
    const effect = { c: 'creates a shipment for', u: 'updates the shipment of', d: 'cancels the shipment of' }[message.op ?? 'c'];
    return {
      event: { type: 'APPLIED' },
      caption:
        result.value === 'skipped'
          ? `The consumer skips ${message.eventId}: processed_events already has it.`
          : result.value === 'nothing to cancel'
            ? `The consumer finds no shipment of order ${message.orderId} to cancel.`
            : `The consumer ${effect} order ${message.orderId}.`,
    };
  },
};

/** The shared consumer's process with this effect in place of creating a shipment per event. */
export function rowChangeConsumerProcess(topic: string, label: string): ProcessSpec {
  const shared = consumerProcess(topic, label);
  return { ...shared, operations: { ...shared.operations, apply } };
}

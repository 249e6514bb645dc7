/**
 * outbox-cdc's `wal-message` variant: an outbox with no table. The service writes the order and,
 * in the same transaction, puts the event into the WAL itself with
 * `pg_logical_emit_message(true, 'outbox', payload)`: a transactional logical decoding message,
 * which no table stores and logical decoding hands over with its transaction's commit (Debezium
 * reads these with pgoutput's `messages` option, PostgreSQL 14+). The connector captures no
 * table and publishes every message with the prefix `outbox`.
 */
import type { Operation } from '../../kernel/pattern';
import type { OutgoingMessage } from '../../actors/broker';
import { CLIENT_PARTICIPANT } from '../../actors/client';
import type { OrderServiceContext } from '../../actors/order-service';
import { amountFor, insertOrder } from '../../actors/order-writes';
import { currentOrder } from '../../actors/orders-concerned';
import type { RowChange } from '../../actors/wal-decoder';
import { outboxTopic } from './event-router';

export const OUTBOX_MESSAGE_PREFIX = 'outbox';

/** The event as the message's payload: what the outbox row's columns would have held. */
interface OutboxMessage {
  eventId: string;
  aggregateType: string;
  aggregateId: string;
  eventType: string;
  payload: { orderId: number; amountCents: number };
}

export const writeOrderAndMessage: Operation<OrderServiceContext> = {
  faults: ['db-write-fails', 'commit-unknown'],
  crashable: true,
  latencyMs: 5,
  intent: (context) => `writing order ${context.current?.orderId ?? '?'} and its outbox message`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const message: OutboxMessage = {
      eventId: ctx.nextId('evt'),
      aggregateType: 'Order',
      aggregateId: String(request.orderId),
      eventType: 'OrderPlaced',
      payload: { orderId: request.orderId, amountCents: request.amountCents },
    };
    const at = ctx.timestamp();
    const written = await ctx.db.transaction(`emit outbox message + insert order ${request.orderId}`, async (tx) => {
      // The message first, so a rejected order leaves a real message in the WAL with no COMMIT
      // after it: the case the connector must not emit.
      await tx.query(`SELECT pg_logical_emit_message(true, '${OUTBOX_MESSAGE_PREFIX}', $1::text) IS NOT NULL AS emitted`, [JSON.stringify(message)]);
      await insertOrder(tx, request, amountFor(request, ctx), at);
    });
    if (!written.ok) {
      ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: '500 Internal Server Error', ok: false });
      return {
        event: { type: 'WRITE_FAILED' },
        caption: written.committed
          ? `The service sees an error, though order ${request.orderId} committed with its message.`
          : `Postgres rejects order ${request.orderId}; its outbox message rolls back with it.`,
      };
    }
    ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: `201 Created (order ${request.orderId})`, ok: true });
    return { event: { type: 'WRITTEN' }, caption: `The service commits order ${request.orderId} and its outbox message together.` };
  },
};

/**
 * A transactional message with the outbox prefix, routed as the outbox event router routes a row:
 * to `outbox.event.<aggregate type>`, keyed by the aggregate id, the event id in an `id` header.
 * (Debezium publishes messages to its own `<prefix>.message` topic; decoding the content and
 * routing it is a transform chain, which the lab folds into one step.)
 */
export function outboxMessageEvent(change: RowChange): OutgoingMessage | null {
  if (change.op !== 'm' || change.table !== OUTBOX_MESSAGE_PREFIX || typeof change.after?.content !== 'string') return null;
  const event = JSON.parse(change.after.content) as OutboxMessage;
  return {
    topic: outboxTopic(event.aggregateType),
    key: event.aggregateId,
    eventId: event.eventId,
    eventType: event.eventType,
    orderId: Number(event.aggregateId),
    payload: JSON.stringify(event.payload),
    headers: { id: event.eventId },
  };
}

/**
 * The shipping subscriber: a catch-up subscriber that creates a shipment per OrderPlaced. Like
 * most real subscribers it stores its checkpoint after the effect, in a transaction of its own:
 * at least once, so only the idempotency switch (a `processed_events` row in the effect's
 * transaction) keeps a repeat from shipping twice.
 */
import type { ProcessSpec } from '../../kernel/pattern';
import { CONSUMER_GROUP, CONSUMER_PARTICIPANT } from '../../actors/consumer';
import { catchUpSubscriberProcess, type CheckpointTable, type EventHandler } from '../../actors/catch-up-subscriber';

export const SUBSCRIBER_CHECKPOINT: CheckpointTable = { table: 'consumer.subscriber_checkpoint', name: 'shipping', versioned: false };

export const SUBSCRIBER_CHECKPOINT_TABLE = `CREATE TABLE consumer.subscriber_checkpoint (
  name text PRIMARY KEY,
  position integer NOT NULL
)`;

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

export function shippingSubscriberProcess(): ProcessSpec {
  return catchUpSubscriberProcess({
    id: CONSUMER_PARTICIPANT,
    label: 'Shipping subscriber',
    who: 'shipping subscriber',
    checkpoint: SUBSCRIBER_CHECKPOINT,
    checkpointAfter: true,
    handler: shippingHandler,
    deliveryGroup: () => CONSUMER_GROUP,
  });
}

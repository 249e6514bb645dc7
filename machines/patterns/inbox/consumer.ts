/**
 * The inbox consumer: the shipping group's consumer (same long poll, same commit-after-effect,
 * same seek-back on error), whose only effect is storing the message in `consumer.inbox`, keyed
 * by its id. A repeat hits the primary key and is dropped by ON CONFLICT DO NOTHING; either way
 * the consumer commits its offset only after the inbox row is committed, then nudges the processor.
 */
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import { CONSUMER_GROUP, CONSUMER_PARTICIPANT, groupConsumerProcess, type ConsumerContext } from '../../actors/consumer';
import { messageRef } from '../../actors/broker';
import { firstOrder } from '../../actors/orders-concerned';
import { INBOX_NUDGE, PROCESSOR_PARTICIPANT } from './processor';

export const INBOX_TABLE = `CREATE TABLE consumer.inbox (
  message_id text PRIMARY KEY,
  order_id integer NOT NULL,
  event_type text NOT NULL,
  received_from text NOT NULL,
  received_at timestamptz NOT NULL,
  processed_at timestamptz
)`;

// The processor's read: unprocessed rows in arrival order, without scanning the processed ones.
export const INBOX_PENDING_INDEX = 'CREATE INDEX inbox_unprocessed ON consumer.inbox (received_at) WHERE processed_at IS NULL';

const storeInInbox: Operation<ConsumerContext> = {
  faults: ['commit-unknown'],
  crashable: true,
  latencyMs: 4,
  intent: (context) => `storing ${context.batch[0]?.eventId ?? 'the message'} in the inbox`,
  about: (context) => firstOrder(context.batch),
  async run(ctx) {
    const message = ctx.context.batch[0]!;
    const stored = await ctx.db.transaction(`store ${message.eventId} in the inbox`, async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO consumer.inbox (message_id, order_id, event_type, received_from, received_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_id) DO NOTHING`,
        [message.eventId, message.orderId, message.eventType, messageRef(message), ctx.timestamp()],
      );
      return inserted.affectedRows > 0;
    });
    if (!stored.ok) {
      return { event: { type: 'APPLY_FAILED' }, caption: `The consumer gets an error storing ${message.eventId} and will read it again.` };
    }
    // A nudge, not a hand-over: the processor reads the row from the inbox, and reads it after a restart too.
    ctx.emit({ from: CONSUMER_PARTICIPANT, to: PROCESSOR_PARTICIPANT, kind: 'request', label: 'nudge: new inbox rows', ok: true });
    ctx.send(PROCESSOR_PARTICIPANT, INBOX_NUDGE);
    return {
      event: { type: 'APPLIED' },
      caption: stored.value
        ? `The consumer stores ${message.eventId} for order ${message.orderId} in the inbox.`
        : `The inbox already has ${message.eventId}: the repeat stops here.`,
    };
  },
};

/** The shipping group's consumer, storing into the inbox where the plain one ships. */
export function inboxConsumerProcess(topic: string, label: string): ProcessSpec {
  return groupConsumerProcess({ id: CONSUMER_PARTICIPANT, label, who: 'consumer', topic, group: CONSUMER_GROUP, apply: storeInInbox });
}

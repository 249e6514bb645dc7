/** The subscription as the store's admin page shows it, beside the pattern's tables. */
import type { TableSnapshot } from '../../kernel/types';
import type { EventStore } from '../event-store';
import { storedCheckpoint } from './checkpoint';
import type { OutstandingMessage, SubscriptionServerContext } from './context';
import { SUBSCRIPTION_GROUP } from './group';
import { parkedMessages } from './parked';

/**
 * The group as the store's admin page would show it: every event it owes, where it waits, with
 * retries, deliveries and deadlines, and the parked messages from the parked stream.
 */
export function subscriptionInspection(context: SubscriptionServerContext | undefined, store: EventStore, now: number): TableSnapshot {
  const deliveries = store.deliveries(SUBSCRIPTION_GROUP);
  const row = (m: OutstandingMessage, where: string, deadline: number | null) => ({
    event_id: m.event.eventId,
    order_id: m.event.orderId,
    position: m.event.position,
    where: m.replayed ? `${where} (replayed)` : where,
    retries: m.retryCount,
    deliveries: deliveries.get(m.event.eventId) ?? 0,
    deadline_ms: deadline,
  });
  const parked = parkedMessages(store);
  const rows = context
    ? [
        ...context.inFlight.map((m) => row(m, 'in flight', m.deadline)),
        ...context.retry.map((m) => row(m, 'retry queue', null)),
        ...context.buffer.map((m) => row(m, 'buffer', null)),
        ...context.toPark.map((p) => row(p.message, 'to park', null)),
      ]
    : [];
  rows.push(...parked.map((e) => row({ event: e, retryCount: 0, replayed: false }, 'parked', null)));
  const storedPosition = storedCheckpoint(store);
  const checkpointText = storedPosition === null ? 'no checkpoint yet' : `checkpoint at position ${storedPosition}`;
  const note =
    !context || !context.loaded
      ? `Group ${SUBSCRIPTION_GROUP}: restarting, ${checkpointText}; it will deliver again from there.`
      : `Group ${SUBSCRIPTION_GROUP}: ${checkpointText}, next read at ${context.nextPosition}, ${context.processedSinceCheckpoint} processed since (t=${now} ms).`;
  return {
    name: `persistent subscription ${SUBSCRIPTION_GROUP}`,
    note,
    columns: ['event_id', 'order_id', 'position', 'where', 'retries', 'deliveries', 'deadline_ms'],
    rows,
  };
}


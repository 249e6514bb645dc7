/** The subscription as the store's admin page shows it, beside the pattern's tables. */
import type { TableSnapshot } from '../../kernel/types';
import type { EventStore } from '../event-store';
import { storedCheckpoint } from './checkpoint';
import { processedSinceCheckpoint, type InFlightMessage, type OutstandingMessage, type SubscriptionServerContext } from './context';
import { settingsBesideDefaults, SUBSCRIPTION_GROUP, SUBSCRIPTION_SETTINGS } from './group';
import { parkedMessages } from './parked';
import { bucketHolder, bucketOf } from './strategy';

/**
 * The group as the store's admin page would show it: every event it owes, where it waits (and,
 * in flight, at which client), with retries, deliveries, deadlines and, when pinned, its bucket;
 * the parked messages from the parked stream; and the lab's settings beside KurrentDB's defaults.
 */
export function subscriptionInspection(context: SubscriptionServerContext | undefined, store: EventStore, now: number): TableSnapshot {
  const deliveries = store.deliveries(SUBSCRIPTION_GROUP);
  const pinned = context?.settings.strategy === 'pinned';
  const row = (m: OutstandingMessage, where: string, deadline: number | null) => {
    const bucket = bucketOf(m.event);
    return {
      event_id: m.event.eventId,
      order_id: m.event.orderId,
      position: m.event.position,
      where: m.replayed ? `${where} (replayed)` : where,
      retries: m.retryCount,
      deliveries: deliveries.get(m.event.eventId) ?? 0,
      deadline_ms: deadline,
      ...(pinned ? { bucket: `${bucket} → ${bucketHolder(context!.pinned, bucket) ?? 'nobody'}` } : {}),
    };
  };
  const parked = parkedMessages(store);
  const rows = context
    ? [
        ...context.inFlight.map((m: InFlightMessage) => row(m, `in flight to ${m.client}`, m.deadline)),
        ...context.retry.map((m) => row(m, 'retry queue', null)),
        ...context.buffer.map((m) => row(m, 'buffer', null)),
        ...context.toPark.map((p) => row(p.message, 'to park', null)),
      ]
    : [];
  rows.push(...parked.map((e) => row({ event: e, retryCount: 0, replayed: false, sequence: null, previousPosition: null }, 'parked', null)));
  const storedPosition = storedCheckpoint(store);
  const checkpointText = storedPosition === null ? 'no checkpoint yet' : `checkpoint at position ${storedPosition}`;
  const settings = settingsBesideDefaults(context?.settings ?? SUBSCRIPTION_SETTINGS);
  const clients = context ? context.clients.map((c) => `${c.id} ${c.connected ? 'connected' : 'gone'}`).join(', ') : '';
  const note =
    !context || !context.loaded
      ? `Group ${SUBSCRIPTION_GROUP}: restarting, ${checkpointText}; it will deliver again after it. (${settings})`
      : `Group ${SUBSCRIPTION_GROUP} (${context.settings.strategy}; ${clients}): ${checkpointText}, next read at ${context.nextPosition}, ` +
        `${processedSinceCheckpoint(context)} processed since (t=${now} ms). (${settings})`;
  return {
    name: `persistent subscription ${SUBSCRIPTION_GROUP}`,
    note,
    columns: ['event_id', 'order_id', 'position', 'where', 'retries', 'deliveries', 'deadline_ms', ...(pinned ? ['bucket'] : [])],
    rows,
  };
}

/**
 * What every subscription server operation shares: its type, the store's participant id (the
 * server speaks as the event store), and how captions and `about` name the messages it handles.
 */
import type { Operation } from '../../kernel/pattern';
import type { RecordedEvent } from '../event-store';
import { EVENT_STORE_PARTICIPANT } from '../event-store';
import { ordersOf } from '../orders-concerned';
import type { SubscriptionServerContext } from './context';

export type ServerOperation = Operation<SubscriptionServerContext>;

export const STORE = EVENT_STORE_PARTICIPANT;

export function orderList(messages: { event: RecordedEvent }[]): string {
  const orders = messages.map((m) => m.event.orderId);
  if (orders.length === 1) return `order ${orders[0]}`;
  return `orders ${orders.slice(0, -1).join(', ')} and ${orders.at(-1)}`;
}

export function ids(messages: { event: RecordedEvent }[]): string {
  return messages.map((m) => m.event.eventId).join(', ');
}

/** The orders of messages the group holds, for `about` and `orders`. */
export function ordersOfMessages(messages: readonly { event: RecordedEvent }[]): number[] {
  return ordersOf(messages.map((m) => m.event));
}

/**
 * What every subscription server operation shares: its type, the store's participant id (the
 * server speaks as the event store), how captions name the messages and clients it handles, and
 * the wrapper that notes the time of each step (the 1 s timer's next tick is reckoned from it).
 */
import type { Operation } from '../../kernel/pattern';
import type { RecordedEvent } from '../event-store';
import { EVENT_STORE_PARTICIPANT } from '../event-store';
import { ordersOf } from '../orders-concerned';
import type { SubscriptionServerContext } from './context';
import type { SubscriptionSettings } from './group';

export type ServerOperation = Operation<SubscriptionServerContext>;

export const STORE = EVENT_STORE_PARTICIPANT;

/** Every operation answers with changes; this adds the step's time to them. */
export function clocked(op: ServerOperation): ServerOperation {
  return {
    ...op,
    async run(ctx) {
      const result = await op.run(ctx);
      const event = result.event as { changes?: object };
      return { ...result, event: { ...result.event, changes: { ...(event.changes ?? {}), clock: ctx.now } } };
    },
  };
}

export function orderList(messages: { event: RecordedEvent }[]): string {
  const orders = [...new Set(messages.map((m) => m.event.orderId))];
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

/** How captions name a client: "the handler" when there is one, "handler 2" among several. */
export function clientName(settings: SubscriptionSettings, client: string): string {
  if (settings.clients.length === 1) return 'the handler';
  return `handler ${settings.clients.indexOf(client) + 1}`;
}

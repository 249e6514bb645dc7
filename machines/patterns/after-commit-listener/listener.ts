/**
 * The in-process listener: it receives OrderPlaced once the service's transaction has committed
 * and sends it to the broker; with the registry it then completes the publication, and on restart
 * (when republishing on restart is on) sends the incomplete ones again.
 */
import { assign, setup } from 'xstate';
import type { Operation } from '../../kernel/pattern';
import type { TableSnapshot } from '../../kernel/types';
import { ORDERS_TOPIC } from '../../actors/outbox-relay';
import { firstOrder } from '../../actors/orders-concerned';
import { CRASHED_STATE } from '../../actors/process';
import { type HandedOffEvent, type PublicationQueue, senderName } from './registry';

export const LISTENER_PARTICIPANT = 'listener';

/** Events handed over and not yet sent: memory only. */
type ListenerContext = PublicationQueue;

type ListenerEvent =
  | { type: 'AFTER_COMMIT'; event: HandedOffEvent }
  | { type: 'SENT' }
  | { type: 'SEND_FAILED' }
  | { type: 'COMPLETED' }
  | { type: 'INCOMPLETE_FOUND'; events: HandedOffEvent[] }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

/**
 * `resubmittedBy: 'restart'` is Spring Modulith's `republish-outstanding-events-on-restart`
 * (off by default); with `'scheduler'` a restarted listener leaves incomplete publications to it.
 */
export function createListenerMachine(registry: boolean, resubmittedBy: PublicationQueue['resubmittedBy'] = 'restart') {
  const fresh = (): ListenerContext => ({ registry, resubmittedBy, pending: [] });
  const next = [{ guard: 'moreAfterThis', target: 'sending', reenter: true, actions: 'dropFirst' }, { target: 'idle', actions: 'dropFirst' }] as const;
  return setup({
    types: { context: {} as ListenerContext, events: {} as ListenerEvent },
    guards: {
      hasPending: ({ context }) => context.pending.length > 0,
      moreAfterThis: ({ context }) => context.pending.length > 1,
      usesRegistry: ({ context }) => context.registry,
      republishesOnRestart: ({ context }) => context.registry && context.resubmittedBy === 'restart',
    },
    actions: {
      enqueue: assign({ pending: ({ context, event }) => (event.type === 'AFTER_COMMIT' ? [...context.pending, event.event] : context.pending) }),
      dropFirst: assign({ pending: ({ context }) => context.pending.slice(1) }),
      takeIncomplete: assign({ pending: ({ context, event }) => (event.type === 'INCOMPLETE_FOUND' ? [...event.events, ...context.pending] : context.pending) }),
      forgetEverything: assign(fresh),
    },
  }).createMachine({
    id: LISTENER_PARTICIPANT,
    context: fresh,
    initial: 'idle',
    states: {
      idle: { tags: ['idle'], always: { guard: 'hasPending', target: 'sending' } },
      sending: {
        meta: { op: 'send' },
        on: {
          SENT: [{ guard: 'usesRegistry', target: 'completing' }, ...next],
          // Logged and dropped: nothing in memory remembers it (the registry row, if any, stays incomplete).
          SEND_FAILED: next,
        },
      },
      completing: { meta: { op: 'complete-publication' }, on: { COMPLETED: next } },
      // On restart the registry variant republishes every incomplete publication.
      resubmitting: { meta: { op: 'republish-incomplete' }, on: { INCOMPLETE_FOUND: { target: 'idle', actions: 'takeIncomplete' } } },
      [CRASHED_STATE]: {
        meta: { op: 'restart', delay: 'restartMs' },
        on: {
          RESTARTED: [
            { guard: 'republishesOnRestart', target: 'resubmitting', actions: 'forgetEverything' },
            { target: 'idle', actions: 'forgetEverything' },
          ],
        },
      },
    },
    on: { AFTER_COMMIT: { actions: 'enqueue' }, CRASH: `.${CRASHED_STATE}` },
  });
}

export const send: Operation<PublicationQueue> = {
  faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost'],
  crashable: true,
  latencyMs: 6,
  intent: (context) => `sending OrderPlaced for order ${context.pending[0]?.orderId ?? '?'}`,
  about: (context) => firstOrder(context.pending),
  async run(ctx) {
    const event = ctx.context.pending[0]!;
    const outcome = ctx.broker.publish({ topic: ORDERS_TOPIC, key: String(event.orderId), eventId: event.eventId, eventType: 'OrderPlaced', orderId: event.orderId });
    if (!outcome.ok) {
      return {
        event: { type: 'SEND_FAILED' },
        caption: ctx.context.registry
          ? `The send for order ${event.orderId} fails; its publication stays incomplete until ${ctx.context.resubmittedBy === 'restart' ? 'a restart' : 'a resubmission'}.`
          : `The send for order ${event.orderId} fails; the listener logs it, the event is gone.`,
      };
    }
    return {
      event: { type: 'SENT' },
      caption: event.republished
        ? `The ${senderName(ctx.actor)} republishes order ${event.orderId}'s incomplete publication.`
        : `The listener publishes OrderPlaced for order ${event.orderId} after the commit.`,
    };
  },
};

export function listenerMemory(context: unknown): TableSnapshot {
  const pending = (context as ListenerContext | undefined)?.pending ?? [];
  return {
    name: 'listener memory',
    note: 'Events handed over after commit and not yet sent. A crash of the process forgets them.',
    columns: ['event_id', 'order_id', 'publication_id'],
    rows: pending.map((e) => ({ event_id: e.eventId, order_id: e.orderId, publication_id: e.publicationId })),
  };
}

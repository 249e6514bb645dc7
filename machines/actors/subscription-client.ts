/**
 * The client side of a persistent subscription: the shipping handler. The event store pushes
 * events to it (it does not poll); for each it parses the body, creates a shipment in Postgres in
 * one transaction, and answers the store with an ack or a nack:
 *
 * - the shipment commits → ack;
 * - the unique key on `consumer.shipments.order_id` refuses it (SQLSTATE 23505) → the order was
 *   shipped already, ack (the seed's idempotency);
 * - Postgres is briefly unavailable, or the commit's outcome is unknown → nack retry;
 * - the body cannot be parsed → nack skip (or park, per the pattern's choice): retrying never helps.
 *
 * `ack-on-error` handlers catch their own error and ack anyway, which is how a transient error
 * quietly loses an event. With the idempotency switch on, a `processed_events` row is written in
 * the same transaction; if it is there already the handler skips the event and acks.
 *
 * Its memory is the events pushed to it and not answered yet; a crash forgets them, and the store
 * pushes them again when their message timeout runs out.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../kernel/pattern';
import type { RecordedEvent } from './event-store';
import { EVENT_STORE_PARTICIPANT } from './event-store';
import { firstOrder } from './orders-concerned';
import { CRASHED_STATE, restartOperation } from './process';
import type { HandlerReply } from './subscription-server/group';
import { HANDLER_PARTICIPANT } from './subscription-server/group';

/** What the handler does with an error it cannot fix by retrying, and whether it lets errors through. */
export interface HandlerPolicy {
  /** A body it cannot parse: skip it (gone for good) or park it (kept for an operator). */
  onMalformed: 'skip' | 'park';
  /** Catch every error and ack anyway (the trap): a transient error then loses the event. */
  ackOnError: boolean;
}

export interface HandlerContext {
  /** Events pushed and not answered yet, in the order they came. */
  inbox: RecordedEvent[];
  /** The answer about `inbox[0]`, once handled. */
  reply: HandlerReply | null;
}

type HandlerEvent =
  | { type: 'EVENTS_PUSHED'; events: RecordedEvent[] }
  | { type: 'HANDLED'; reply: HandlerReply }
  | { type: 'SENT' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

const fresh = (): HandlerContext => ({ inbox: [], reply: null });

export const subscriptionHandlerMachine = setup({
  types: { context: {} as HandlerContext, events: {} as HandlerEvent },
  guards: {
    acks: ({ event }) => event.type === 'HANDLED' && event.reply.action === 'ack',
    moreInInbox: ({ context }) => context.inbox.length > 1,
  },
  actions: {
    receive: assign({ inbox: ({ context, event }) => (event.type === 'EVENTS_PUSHED' ? [...context.inbox, ...event.events] : context.inbox) }),
    keepReply: assign({ reply: ({ event }) => (event.type === 'HANDLED' ? event.reply : null) }),
    dropAnswered: assign({ inbox: ({ context }) => context.inbox.slice(1), reply: null }),
    forgetEverything: assign(fresh),
  },
}).createMachine({
  id: HANDLER_PARTICIPANT,
  context: fresh,
  initial: 'waiting',
  states: {
    // Subscribed: the store pushes when it has something.
    waiting: { tags: ['idle'], on: { EVENTS_PUSHED: { target: 'handling', actions: 'receive' } } },
    handling: {
      meta: { op: 'handle' },
      on: {
        HANDLED: [
          { guard: 'acks', target: 'acking', actions: 'keepReply' },
          { target: 'nacking', actions: 'keepReply' },
        ],
      },
    },
    acking: {
      meta: { op: 'ack' },
      on: {
        SENT: [
          { guard: 'moreInInbox', target: 'handling', actions: 'dropAnswered' },
          { target: 'waiting', actions: 'dropAnswered' },
        ],
      },
    },
    nacking: {
      meta: { op: 'nack' },
      on: {
        SENT: [
          { guard: 'moreInInbox', target: 'handling', actions: 'dropAnswered' },
          { target: 'waiting', actions: 'dropAnswered' },
        ],
      },
    },
    [CRASHED_STATE]: { meta: { op: 'restart', delay: 'restartMs' }, on: { RESTARTED: { target: 'waiting', actions: 'forgetEverything' } } },
  },
  // Pushes that arrive while it is busy wait in its inbox.
  on: { EVENTS_PUSHED: { actions: 'receive' }, CRASH: `.${CRASHED_STATE}` },
});

/** The body OrderPlaced carries. */
export interface OrderPlacedBody {
  orderId: number;
  customer: string;
  amountCents: number;
}

function parseBody(data: string): OrderPlacedBody | null {
  try {
    const body = JSON.parse(data) as Partial<OrderPlacedBody>;
    return typeof body.orderId === 'number' ? (body as OrderPlacedBody) : null;
  } catch {
    return null;
  }
}

/** Postgres's message for SQLSTATE 23505; the traced database hands the caller the message only. */
const UNIQUE_VIOLATION = /duplicate key value violates unique constraint/i;

function handleOperation(policy: HandlerPolicy): Operation<HandlerContext> {
  return {
    faults: ['db-unavailable', 'commit-unknown', 'pause'],
    crashable: true,
    latencyMs: 4,
    intent: (context) => `handling ${context.inbox[0]?.eventId ?? 'the event'} for order ${context.inbox[0]?.orderId ?? '?'}`,
    about: (context) => firstOrder(context.inbox),
    async run(ctx) {
      const event = ctx.context.inbox[0]!;
      const reply = (action: HandlerReply['action'], reason: string, orderId: number | null = event.orderId): HandlerReply => ({
        eventId: event.eventId,
        orderId,
        action,
        reason,
      });
      const body = parseBody(event.data);
      if (!body) {
        // A permanent error: the same bytes will fail the same way every time.
        const action = policy.ackOnError ? 'ack' : policy.onMalformed;
        ctx.emit({ from: HANDLER_PARTICIPANT, to: HANDLER_PARTICIPANT, kind: 'error', label: `cannot parse ${event.eventId}: ${JSON.stringify(event.data)}`, ok: false });
        return {
          event: { type: 'HANDLED', reply: reply(action, 'malformed body') },
          caption: policy.ackOnError
            ? `The handler cannot parse ${event.eventId} (order ${event.orderId}), catches it and acks.`
            : `The handler cannot parse ${event.eventId} (order ${event.orderId}): it will nack ${action}.`,
        };
      }
      const idempotent = ctx.scenario.idempotentConsumer;
      const at = ctx.timestamp();
      const result = await ctx.db.transaction(`create shipment for order ${body.orderId}`, async (tx) => {
        if (idempotent) {
          const seen = await tx.query('INSERT INTO consumer.processed_events (event_id, processed_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING', [
            event.eventId,
            at,
          ]);
          if (seen.affectedRows === 0) return 'seen' as const;
        }
        await tx.query('INSERT INTO consumer.shipments (order_id, event_id, created_at) VALUES ($1, $2, $3)', [body.orderId, event.eventId, at]);
        return 'shipped' as const;
      });
      if (result.ok) {
        return {
          event: { type: 'HANDLED', reply: reply('ack', result.value) },
          caption:
            result.value === 'seen'
              ? `The handler skips ${event.eventId}: processed_events already has it.`
              : `The handler creates a shipment for order ${body.orderId}.`,
        };
      }
      if (UNIQUE_VIOLATION.test(result.error)) {
        // The seed's idempotency: the unique key says this order is shipped already.
        return {
          event: { type: 'HANDLED', reply: reply('ack', 'already shipped') },
          caption: `The unique key refuses a second shipment for order ${body.orderId}: already done.`,
        };
      }
      if (policy.ackOnError) {
        return {
          event: { type: 'HANDLED', reply: reply('ack', `error swallowed: ${result.error}`) },
          caption: `The handler catches the error for order ${body.orderId} and acks anyway.`,
        };
      }
      return {
        event: { type: 'HANDLED', reply: reply('retry', result.error) },
        caption: result.committed
          ? `The handler sees an error for order ${body.orderId}, though Postgres committed it.`
          : `The handler gets a transient error for order ${body.orderId}: it will nack retry.`,
      };
    },
  };
}

const ack: Operation<HandlerContext> = {
  faults: [],
  crashable: true,
  latencyMs: 1,
  intent: (context) => `acking ${context.reply?.eventId ?? 'the event'} for order ${context.inbox[0]?.orderId ?? '?'}`,
  // The reply is about the first event in the inbox.
  about: (context) => firstOrder(context.inbox),
  async run(ctx) {
    const reply = ctx.context.reply!;
    ctx.emit({ from: HANDLER_PARTICIPANT, to: EVENT_STORE_PARTICIPANT, kind: 'reply', label: `ack ${reply.eventId}`, ok: true });
    const sent = ctx.send(EVENT_STORE_PARTICIPANT, { type: 'ACK', reply });
    return {
      event: { type: 'SENT' },
      caption: sent
        ? `The handler acks ${reply.eventId} for order ${reply.orderId} to the event store.`
        : `The handler's ack of order ${reply.orderId} is refused: the event store is down.`,
    };
  },
};

const nack: Operation<HandlerContext> = {
  faults: [],
  crashable: true,
  latencyMs: 1,
  intent: (context) => `nacking ${context.reply?.eventId ?? 'the event'} for order ${context.inbox[0]?.orderId ?? '?'}`,
  about: (context) => firstOrder(context.inbox),
  async run(ctx) {
    const reply = ctx.context.reply!;
    ctx.emit({ from: HANDLER_PARTICIPANT, to: EVENT_STORE_PARTICIPANT, kind: 'reply', label: `nack ${reply.action} ${reply.eventId} (${reply.reason})`, ok: true });
    const sent = ctx.send(EVENT_STORE_PARTICIPANT, { type: 'NACK', reply });
    return {
      event: { type: 'SENT' },
      caption: sent
        ? `The handler nacks order ${reply.orderId} with ${reply.action}.`
        : `The handler's nack of order ${reply.orderId} is refused: the event store is down.`,
    };
  },
};

export function subscriptionHandlerProcess(label: string, policy: HandlerPolicy): ProcessSpec {
  return {
    id: HANDLER_PARTICIPANT,
    machine: subscriptionHandlerMachine,
    operations: { handle: handleOperation(policy), ack, nack, restart: restartOperation(label) },
  };
}

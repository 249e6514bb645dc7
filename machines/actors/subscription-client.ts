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
 * Its memory is the events pushed to it and not answered yet. A crash forgets them; the OS closes
 * the dead process's socket at once, so the store learns right away that the connection is gone
 * and retries what was in flight to it (the crashed state's first step is that closing; the second,
 * a moment later, is the restart, which subscribes again). A handler that hangs (a `pause`) keeps
 * its connection: only the message timeout tells the store to try again, while the frozen handler
 * will still finish what it holds.
 *
 * With `recordApplied` it logs every event it applies in `consumer.applied_events` with its `$all`
 * position, so the checker can tell whether two instances applied one order's events out of order.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../kernel/pattern';
import { DEFAULT_TIMING } from '../kernel/pattern';
import type { RecordedEvent } from './event-store';
import { EVENT_STORE_PARTICIPANT } from './event-store';
import { firstOrder } from './orders-concerned';
import { CRASHED_STATE, lowerFirst, RESTARTED_EVENT } from './process';
import type { HandlerReply } from './subscription-server/group';
import { HANDLER_PARTICIPANT } from './subscription-server/group';

/** What the handler does with an error it cannot fix by retrying, and whether it lets errors through. */
export interface HandlerPolicy {
  /** A body it cannot parse: skip it (gone for good) or park it (kept for an operator). */
  onMalformed: 'skip' | 'park';
  /** Catch every error and ack anyway (the trap): a transient error then loses the event. */
  ackOnError: boolean;
  /** Log each applied event with its `$all` position in `consumer.applied_events` (for out-of-order). */
  recordApplied?: boolean;
}

export interface HandlerContext {
  /** Events pushed and not answered yet, in the order they came. */
  inbox: RecordedEvent[];
  /** The answer about `inbox[0]`, once handled. */
  reply: HandlerReply | null;
  /** False once a crash has closed its connection, until the restart subscribes again. */
  connected: boolean;
  /** When the connection closed: the restart comes a moment after. */
  droppedAt: number;
}

type HandlerEvent =
  | { type: 'EVENTS_PUSHED'; events: RecordedEvent[] }
  | { type: 'HANDLED'; reply: HandlerReply }
  | { type: 'SENT' }
  | { type: 'DISCONNECTED'; at: number }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

const fresh = (): HandlerContext => ({ inbox: [], reply: null, connected: true, droppedAt: 0 });

/** A handler instance's statechart; `id` is its participant id (`consumer`, `consumer-2`). */
export function createSubscriptionHandlerMachine(id: string) {
  return setup({
    types: { context: {} as HandlerContext, events: {} as HandlerEvent },
    guards: {
      acks: ({ event }) => event.type === 'HANDLED' && event.reply.action === 'ack',
      moreInInbox: ({ context }) => context.inbox.length > 1,
    },
    actions: {
      receive: assign({ inbox: ({ context, event }) => (event.type === 'EVENTS_PUSHED' ? [...context.inbox, ...event.events] : context.inbox) }),
      keepReply: assign({ reply: ({ event }) => (event.type === 'HANDLED' ? event.reply : null) }),
      dropAnswered: assign({ inbox: ({ context }) => context.inbox.slice(1), reply: null }),
      noteDisconnect: assign({ connected: false, droppedAt: ({ event }) => (event.type === 'DISCONNECTED' ? event.at : 0) }),
      forgetEverything: assign(fresh),
    },
  }).createMachine({
    id,
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
      // Down. Its first step is the socket closing (at once), its second the restart (a moment
      // later); both stay in this state, so nothing is delivered to it meanwhile.
      [CRASHED_STATE]: {
        meta: { op: 'restart', notBefore: (context: HandlerContext) => (context.connected ? 0 : context.droppedAt + DEFAULT_TIMING.restartMs) },
        on: {
          DISCONNECTED: { target: CRASHED_STATE, reenter: true, actions: 'noteDisconnect' },
          RESTARTED: { target: 'waiting', actions: 'forgetEverything' },
        },
      },
    },
    // Pushes that arrive while it is busy (or frozen) wait in its inbox.
    on: { EVENTS_PUSHED: { actions: 'receive' }, CRASH: `.${CRASHED_STATE}` },
  });
}

export const subscriptionHandlerMachine = createSubscriptionHandlerMachine(HANDLER_PARTICIPANT);

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

/** How captions name an instance: "The handler" alone, "Handler 2" beside another. */
export interface HandlerNames {
  /** Sentence start: "The handler", "Handler 2". */
  who: string;
}

function handleOperation(policy: HandlerPolicy, names: HandlerNames): Operation<HandlerContext> {
  const { who } = names;
  return {
    faults: ['db-unavailable', 'commit-unknown', 'pause'],
    crashable: true,
    latencyMs: 4,
    intent: (context) => `handling ${context.inbox[0]?.eventId ?? 'the event'} for order ${context.inbox[0]?.orderId ?? '?'}`,
    about: (context) => firstOrder(context.inbox),
    async run(ctx) {
      const event = ctx.context.inbox[0]!;
      const me = ctx.actor;
      const reply = (action: HandlerReply['action'], reason: string, orderId: number | null = event.orderId): HandlerReply => ({
        eventId: event.eventId,
        orderId,
        action,
        reason,
        client: me,
      });
      const body = parseBody(event.data);
      if (!body) {
        // A permanent error: the same bytes will fail the same way every time.
        const action = policy.ackOnError ? 'ack' : policy.onMalformed;
        ctx.emit({ from: me, to: me, kind: 'error', label: `cannot parse ${event.eventId}: ${JSON.stringify(event.data)}`, ok: false });
        return {
          event: { type: 'HANDLED', reply: reply(action, 'malformed body') },
          caption: policy.ackOnError
            ? `${who} cannot parse ${event.eventId} (order ${event.orderId}), catches it and acks.`
            : `${who} cannot parse ${event.eventId} (order ${event.orderId}): it will nack ${action}.`,
        };
      }
      const idempotent = ctx.scenario.idempotentConsumer;
      const at = ctx.timestamp();
      const shipment = event.type === 'OrderPlaced';
      const label = shipment ? `create shipment for order ${body.orderId}` : `apply ${event.type} for order ${body.orderId}`;
      const result = await ctx.db.transaction(label, async (tx) => {
        if (idempotent) {
          const seen = await tx.query('INSERT INTO consumer.processed_events (event_id, processed_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING', [
            event.eventId,
            at,
          ]);
          if (seen.affectedRows === 0) return 'seen' as const;
        }
        if (policy.recordApplied) {
          await tx.query('INSERT INTO consumer.applied_events (event_id, aggregate_key, event_type, source_seq) VALUES ($1, $2, $3, $4)', [
            event.eventId,
            String(body.orderId),
            event.type,
            event.position,
          ]);
        }
        // Events after OrderPlaced change nothing but the log: the shipment exists already.
        if (!shipment) return 'recorded' as const;
        await tx.query('INSERT INTO consumer.shipments (order_id, event_id, created_at) VALUES ($1, $2, $3)', [body.orderId, event.eventId, at]);
        return 'shipped' as const;
      });
      if (result.ok) {
        return {
          event: { type: 'HANDLED', reply: reply('ack', result.value) },
          caption:
            result.value === 'seen'
              ? `${who} skips ${event.eventId}: processed_events already has it.`
              : result.value === 'recorded'
                ? `${who} applies ${event.type} for order ${body.orderId}.`
                : `${who} creates a shipment for order ${body.orderId}.`,
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
          caption: `${who} catches the error for order ${body.orderId} and acks anyway.`,
        };
      }
      return {
        event: { type: 'HANDLED', reply: reply('retry', result.error) },
        caption: result.committed
          ? `${who} sees an error for order ${body.orderId}, though Postgres committed it.`
          : `${who} gets a transient error for order ${body.orderId}: it will nack retry.`,
      };
    },
  };
}

function ackOperation({ who }: HandlerNames): Operation<HandlerContext> {
  return {
    faults: [],
    crashable: true,
    latencyMs: 1,
    intent: (context) => `acking ${context.reply?.eventId ?? 'the event'} for order ${context.inbox[0]?.orderId ?? '?'}`,
    // The reply is about the first event in the inbox.
    about: (context) => firstOrder(context.inbox),
    async run(ctx) {
      const reply = ctx.context.reply!;
      ctx.emit({ from: ctx.actor, to: EVENT_STORE_PARTICIPANT, kind: 'reply', label: `ack ${reply.eventId}`, ok: true });
      const sent = ctx.send(EVENT_STORE_PARTICIPANT, { type: 'ACK', reply });
      return {
        event: { type: 'SENT' },
        caption: sent
          ? `${who} acks ${reply.eventId} for order ${reply.orderId} to the event store.`
          : `${who}'s ack of order ${reply.orderId} is refused: the event store is down.`,
      };
    },
  };
}

function nackOperation({ who }: HandlerNames): Operation<HandlerContext> {
  return {
    faults: [],
    crashable: true,
    latencyMs: 1,
    intent: (context) => `nacking ${context.reply?.eventId ?? 'the event'} for order ${context.inbox[0]?.orderId ?? '?'}`,
    about: (context) => firstOrder(context.inbox),
    async run(ctx) {
      const reply = ctx.context.reply!;
      ctx.emit({ from: ctx.actor, to: EVENT_STORE_PARTICIPANT, kind: 'reply', label: `nack ${reply.action} ${reply.eventId} (${reply.reason})`, ok: true });
      const sent = ctx.send(EVENT_STORE_PARTICIPANT, { type: 'NACK', reply });
      return {
        event: { type: 'SENT' },
        caption: sent
          ? `${who} nacks order ${reply.orderId} with ${reply.action}.`
          : `${who}'s nack of order ${reply.orderId} is refused: the event store is down.`,
      };
    },
  };
}

/**
 * The crashed state's step, twice: first the OS closes the dead process's connection and the store
 * hears of it at once; then, a moment later, the process restarts with an empty memory and
 * subscribes to the group again.
 */
function downOperation(label: string, { who }: HandlerNames): Operation<HandlerContext> {
  return {
    faults: [],
    crashable: false,
    latencyMs: 1,
    intent: (context) => (context.connected ? 'closing its connection' : 'restarting'),
    async run(ctx) {
      if (ctx.context.connected) {
        ctx.emit({ from: ctx.actor, to: EVENT_STORE_PARTICIPANT, kind: 'error', label: 'connection closed: the process is gone', ok: false });
        // Quiet: nobody sends this; a store that is down itself has no connection to close.
        ctx.send(EVENT_STORE_PARTICIPANT, { type: 'CLIENT_GONE', client: ctx.actor }, { quiet: true });
        return { event: { type: 'DISCONNECTED', at: ctx.now }, caption: `${who}'s process is gone: the OS closes its connection.` };
      }
      ctx.emit({ from: ctx.actor, to: ctx.actor, kind: 'restart', label: 'restart, memory empty', ok: true });
      ctx.emit({ from: ctx.actor, to: EVENT_STORE_PARTICIPANT, kind: 'request', label: 'subscribe to the group', ok: true });
      ctx.send(EVENT_STORE_PARTICIPANT, { type: 'CLIENT_CONNECTED', client: ctx.actor });
      return { event: RESTARTED_EVENT, caption: `The ${lowerFirst(label)} restarts empty and subscribes again.` };
    },
  };
}

/** A handler instance: `id` its participant id, `label` as the diagram names it. */
export function subscriptionHandlerProcess(label: string, policy: HandlerPolicy, id: string = HANDLER_PARTICIPANT, names: HandlerNames = { who: 'The handler' }): ProcessSpec {
  return {
    id,
    machine: id === HANDLER_PARTICIPANT ? subscriptionHandlerMachine : createSubscriptionHandlerMachine(id),
    operations: { handle: handleOperation(policy, names), ack: ackOperation(names), nack: nackOperation(names), restart: downOperation(label, names) },
  };
}

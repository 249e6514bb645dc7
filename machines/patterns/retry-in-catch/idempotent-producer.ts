/**
 * retry-in-catch with Kafka's idempotent producer (`enable.idempotence`, on by default since
 * Kafka 3.0). The producer stamps each record with its producer id and a per-partition sequence
 * and, when a send fails or times out, resends the same stamped record by itself; the broker
 * stores a stamp once and answers a resend with the first copy's offset. That removes the
 * duplicates of the client's own retries. It cannot remove the application's: once the producer
 * gives up (its delivery timeout), the catch block sends the event again as a new record, with a
 * new sequence, and the broker has no way to know it is the same event.
 *
 * Real defaults: `retries` = 2147483647 within `delivery.timeout.ms` = 120000, with
 * `retry.backoff.ms` = 100. The lab resends twice, 100 ms apart, then lets the send fail.
 */
import { assign, setup } from 'xstate';
import type { Operation, OperationContext, OperationResult } from '../../kernel/pattern';
import type { ProducerStamp } from '../../kernel/ports/broker';
import { CLIENT_PARTICIPANT } from '../../actors/client';
import { partitionFor } from '../../actors/broker';
import {
  idleState,
  orderServiceImplementations,
  orderServiceRootTransitions,
  SERVICE_PARTICIPANT,
  serviceCrashedState,
  type OrderServiceContext,
  type OrderServiceEvent,
} from '../../actors/order-service';
import { ORDERS_TOPIC } from '../../actors/outbox-relay';
import { currentOrder } from '../../actors/orders-concerned';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import type { ProcessSpec } from '../../kernel/pattern';
import { MAX_RETRIES } from './retry-limit';

/** The producer's own resends of one record before the send fails (the lab's delivery timeout). */
export const MAX_RESENDS = 2;
/** `retry.backoff.ms`: Kafka's default, kept. */
export const RESEND_BACKOFF_MS = 100;

interface ProducerServiceContext extends OrderServiceContext {
  eventId: string | null;
  /** The catch's own attempts, as in the default variant. */
  retries: number;
  /** The producer's resends of the record in flight. */
  resends: number;
  resendAt: number;
  /** The producer session's id, asked of the broker at the first send; a restart forgets it. */
  producerId: number | null;
  /** The next sequence per topic partition. */
  sequences: Record<string, number>;
  inFlight: ProducerStamp | null;
}

type ProducerServiceEvent =
  | OrderServiceEvent
  | { type: 'WRITTEN'; eventId: string }
  | { type: 'WRITE_FAILED'; eventId: string }
  | { type: 'SENT'; producerId: number; sequences: Record<string, number> }
  | { type: 'SEND_FAILED'; at: number; stamp: ProducerStamp; sequences: Record<string, number> };

const fresh = (): ProducerServiceContext => ({ queue: [], current: null, eventId: null, retries: 0, resends: 0, resendAt: 0, producerId: null, sequences: {}, inFlight: null });
const shared = orderServiceImplementations<ProducerServiceContext, ProducerServiceEvent>(fresh);
const finish = { target: 'idle', actions: ['keepProducer', 'finishRequest'] } as const;

export const idempotentProducerService = setup({
  types: { context: {} as ProducerServiceContext, events: {} as ProducerServiceEvent },
  guards: {
    ...shared.guards,
    resendsLeft: ({ context }) => context.resends < MAX_RESENDS,
    retriesLeft: ({ context }) => context.retries < MAX_RETRIES,
  },
  actions: {
    ...shared.actions,
    finishRequest: assign({ current: null, eventId: null, retries: 0, resends: 0, inFlight: null }),
    keepEventId: assign({ eventId: ({ event }) => ('eventId' in event ? event.eventId : null) }),
    countRetry: assign({ retries: ({ context }) => context.retries + 1, resends: 0, inFlight: null }),
    // The producer session outlives a request: its id and sequences stay until a crash.
    keepProducer: assign(({ event }) =>
      event.type === 'SENT' ? { producerId: event.producerId, sequences: event.sequences } : event.type === 'SEND_FAILED' ? { producerId: event.stamp.producerId, sequences: event.sequences } : {},
    ),
    keepInFlight: assign(({ context, event }) =>
      event.type === 'SEND_FAILED'
        ? { inFlight: event.stamp, resendAt: event.at + RESEND_BACKOFF_MS, resends: context.resends + 1 }
        : {},
    ),
  },
}).createMachine({
  id: SERVICE_PARTICIPANT,
  context: fresh,
  initial: 'idle',
  states: {
    idle: idleState('writing'),
    writing: {
      meta: { op: 'write-order' },
      on: {
        WRITTEN: { target: 'publishing', actions: 'keepEventId' },
        WRITE_FAILED: { target: 'retrying', actions: ['keepEventId', 'countRetry'] },
      },
    },
    publishing: { meta: { op: 'publish' }, on: { SENT: finish, SEND_FAILED: { target: 'resending', actions: ['keepProducer', 'keepInFlight'] } } },
    // Inside the producer: the same stamped record again, which the application never sees.
    resending: {
      meta: { op: 'producer-resend', notBefore: (context: ProducerServiceContext) => context.resendAt },
      on: {
        SENT: finish,
        SEND_FAILED: [
          { guard: 'resendsLeft', target: 'resending', reenter: true, actions: ['keepProducer', 'keepInFlight'] },
          // The producer gives up; the error reaches the catch, which sends a new record.
          { guard: 'retriesLeft', target: 'retrying', actions: ['keepProducer', 'countRetry'] },
          finish,
        ],
      },
    },
    retrying: { meta: { op: 'retry-publish' }, on: { SENT: finish, SEND_FAILED: { target: 'resending', actions: ['keepProducer', 'keepInFlight'] } } },
    [CRASHED_STATE]: serviceCrashedState,
  },
  on: orderServiceRootTransitions,
});

type SendKind = 'first' | 'resend' | 'retry';

function sendRecord(kind: SendKind): Operation<ProducerServiceContext> {
  return {
    faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost'],
    crashable: true,
    latencyMs: 6,
    intent: (context) => {
      const order = context.current?.orderId ?? '?';
      if (kind === 'first') return `publishing OrderPlaced for order ${order}`;
      if (kind === 'resend') return `resending order ${order}'s record inside the producer`;
      return `retrying the publish for order ${order} (attempt ${context.retries})`;
    },
    about: currentOrder,
    run: (ctx) => send(ctx, kind),
  };
}

async function send(ctx: OperationContext<ProducerServiceContext>, kind: SendKind): Promise<OperationResult> {
  const request = ctx.context.current!;
  const key = String(request.orderId);
  const producerId = ctx.context.producerId ?? ctx.broker.initProducerId();
  const sequences = { ...ctx.context.sequences };
  // A resend keeps its stamp; anything the application sends is a new record with the next sequence.
  let stamp = kind === 'resend' ? ctx.context.inFlight! : undefined;
  if (!stamp) {
    const partitionKey = `${ORDERS_TOPIC}/${partitionFor(key)}`;
    stamp = { producerId, sequence: sequences[partitionKey] ?? 0 };
    sequences[partitionKey] = stamp.sequence + 1;
  }
  const outcome = ctx.broker.publish({ topic: ORDERS_TOPIC, key, eventId: ctx.context.eventId!, eventType: 'OrderPlaced', orderId: request.orderId }, stamp);
  if (outcome.ok) {
    ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: `201 Created (order ${request.orderId})`, ok: true });
    const caption = {
      first: `The service publishes OrderPlaced for order ${request.orderId}.`,
      resend: `The producer's resend of order ${request.orderId} is acknowledged.`,
      retry: `The catch's retry ${ctx.context.retries} publishes order ${request.orderId} anew.`,
    }[kind];
    return { event: { type: 'SENT', producerId, sequences }, caption };
  }
  const givesUp = kind === 'resend' && ctx.context.resends >= MAX_RESENDS && ctx.context.retries >= MAX_RETRIES;
  if (givesUp) ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: '500 Internal Server Error', ok: false });
  const exhausted = kind === 'resend' && ctx.context.resends >= MAX_RESENDS;
  return {
    event: { type: 'SEND_FAILED', at: ctx.now, stamp, sequences },
    caption: givesUp
      ? `The producer gives up on order ${request.orderId}; so does the catch.`
      : exhausted
        ? `The producer gives up on order ${request.orderId}; the catch will send again.`
        : `The send of order ${request.orderId} fails (${outcome.error}); the producer will resend.`,
  };
}

export function idempotentProducerServiceProcess(writeOrder: Operation<never>): ProcessSpec {
  return {
    id: SERVICE_PARTICIPANT,
    machine: idempotentProducerService,
    operations: {
      'write-order': writeOrder,
      publish: sendRecord('first'),
      'producer-resend': sendRecord('resend'),
      'retry-publish': sendRecord('retry'),
      restart: restartOperation('Order service'),
    },
  };
}

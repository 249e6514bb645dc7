/**
 * retry-in-catch — the "just retry it" fix, written as the code usually is:
 *
 *   const event = orderPlaced(order);          // the event id is fixed before the try
 *   try { await db.insert(order); await broker.publish(event); }
 *   catch (e) { await retryPublish(event, 3); } // which of the two writes failed? it cannot tell
 *
 * The catch sits around both calls and only knows how to publish, so it publishes whatever
 * failed. Consequences the lab shows:
 * - a publish whose ack timed out was in fact stored: the retry stores a second copy (same event
 *   id, so an idempotent consumer can skip it; a plain one ships twice);
 * - a crash before the retry still loses the event, as in database-first;
 * - an insert Postgres rejects also lands in the catch, which publishes an order that was rolled
 *   back (phantom event) and, as the retry succeeds, even answers the client 201;
 * - commit-unknown lands in the catch too; the publish it makes happens to be right, by luck.
 */
import { assign, setup } from 'xstate';
import type { Operation } from '../../kernel/pattern';
import { CLIENT_PARTICIPANT, clientProcess } from '../../actors/client';
import {
  idleState,
  orderServiceImplementations,
  orderServiceRootTransitions,
  SERVICE_PARTICIPANT,
  serviceCrashedState,
  type OrderServiceContext,
  type OrderServiceEvent,
} from '../../actors/order-service';
import { consumerProcess } from '../../actors/consumer';
import { ORDERS_TOPIC } from '../../actors/outbox-relay';
import { currentOrder } from '../../actors/orders-concerned';
import { CONSUMER_TABLES, ORDERS_TABLE } from '../../actors/postgres';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import { definePattern } from '../../kernel/pattern';
import { broker } from '../../actors/components';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import { info } from './info';
import { amountFor, insertOrder } from '../../actors/order-writes';
import { MAX_RETRIES } from './retry-limit';
import { idempotentProducerServiceProcess } from './idempotent-producer';

export { MAX_RETRIES } from './retry-limit';

interface ServiceContext extends OrderServiceContext {
  eventId: string | null;
  retries: number;
}

type ServiceEvent =
  | OrderServiceEvent
  | { type: 'WRITTEN'; eventId: string }
  | { type: 'WRITE_FAILED'; eventId: string }
  | { type: 'PUBLISHED' }
  | { type: 'PUBLISH_FAILED' };

const fresh = (): ServiceContext => ({ queue: [], current: null, eventId: null, retries: 0 });
const shared = orderServiceImplementations<ServiceContext, ServiceEvent>(fresh);

export const retryInCatchService = setup({
  types: { context: {} as ServiceContext, events: {} as ServiceEvent },
  guards: { ...shared.guards, retriesLeft: ({ context }) => context.retries < MAX_RETRIES },
  actions: {
    ...shared.actions,
    finishRequest: assign({ current: null, eventId: null, retries: 0 }),
    keepEventId: assign({ eventId: ({ event }) => ('eventId' in event ? event.eventId : null) }),
    countRetry: assign({ retries: ({ context }) => context.retries + 1 }),
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
        // The insert threw: control jumps to the catch, which can only publish.
        WRITE_FAILED: { target: 'retrying', actions: ['keepEventId', 'countRetry'] },
      },
    },
    publishing: {
      meta: { op: 'publish' },
      on: {
        PUBLISHED: { target: 'idle', actions: 'finishRequest' },
        PUBLISH_FAILED: { target: 'retrying', actions: 'countRetry' },
      },
    },
    // The catch block: each retry is its own step, so a fault can be armed on any one of them.
    retrying: {
      meta: { op: 'retry-publish' },
      on: {
        PUBLISHED: { target: 'idle', actions: 'finishRequest' },
        PUBLISH_FAILED: [
          { guard: 'retriesLeft', target: 'retrying', reenter: true, actions: 'countRetry' },
          { target: 'idle', actions: 'finishRequest' },
        ],
      },
    },
    [CRASHED_STATE]: serviceCrashedState,
  },
  on: orderServiceRootTransitions,
});

const writeOrder: Operation<ServiceContext> = {
  faults: ['db-write-fails', 'commit-unknown'],
  crashable: true,
  latencyMs: 4,
  intent: (context) => `writing order ${context.current?.orderId ?? '?'}`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    // The event object exists before the try, so every attempt carries the same id.
    const eventId = ctx.nextId('evt');
    const written = await ctx.db.transaction(`insert order ${request.orderId}`, (tx) =>
      insertOrder(tx, request, amountFor(request, ctx), ctx.timestamp()),
    );
    if (!written.ok) {
      return {
        event: { type: 'WRITE_FAILED', eventId },
        caption: written.committed
          ? `The insert of order ${request.orderId} reports an error; the catch will publish anyway.`
          : `Postgres rejects order ${request.orderId}; the catch cannot tell and will publish.`,
      };
    }
    return { event: { type: 'WRITTEN', eventId }, caption: `The service commits order ${request.orderId} to Postgres.` };
  },
};

function publishAttempt(kind: 'first' | 'retry'): Operation<ServiceContext> {
  return {
    faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost'],
    crashable: true,
    latencyMs: 6,
    intent: (context) =>
      kind === 'first'
        ? `publishing OrderPlaced for order ${context.current?.orderId ?? '?'}`
        : `retrying the publish for order ${context.current?.orderId ?? '?'} (attempt ${context.retries})`,
    about: currentOrder,
    async run(ctx) {
      const request = ctx.context.current!;
      const { retries } = ctx.context;
      const outcome = ctx.broker.publish({
        topic: ORDERS_TOPIC,
        key: String(request.orderId),
        eventId: ctx.context.eventId!,
        eventType: 'OrderPlaced',
        orderId: request.orderId,
      });
      if (outcome.ok) {
        ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: `201 Created (order ${request.orderId})`, ok: true });
        return {
          event: { type: 'PUBLISHED' },
          caption:
            kind === 'first'
              ? `The service publishes OrderPlaced for order ${request.orderId}.`
              : `The catch's retry ${retries} publishes OrderPlaced for order ${request.orderId}.`,
        };
      }
      const givingUp = kind === 'retry' && retries >= MAX_RETRIES;
      if (givingUp) ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: '500 Internal Server Error', ok: false });
      return {
        event: { type: 'PUBLISH_FAILED' },
        caption: givingUp
          ? `Retry ${retries} for order ${request.orderId} fails too; the service gives up.`
          : outcome.stored
            ? `The publish of order ${request.orderId} times out, though stored; the catch retries.`
            : `The publish for order ${request.orderId} fails (${outcome.error}); the catch retries.`,
      };
    },
  };
}


export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  outcome: (sources) => shipmentsOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders),
  schema: () => [ORDERS_TABLE, ...CONSUMER_TABLES],
  processes: ({ variant }) => [
    variant === 'idempotent-producer' ? idempotentProducerServiceProcess(writeOrder as Operation<never>) : {
      id: SERVICE_PARTICIPANT,
      machine: retryInCatchService,
      operations: {
        'write-order': writeOrder,
        publish: publishAttempt('first'),
        'retry-publish': publishAttempt('retry'),
        restart: restartOperation('Order service'),
      },
    },
    consumerProcess(ORDERS_TOPIC, 'Shipping consumer'),
  ],
});

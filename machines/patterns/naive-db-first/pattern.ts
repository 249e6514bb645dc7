/**
 * naive-db-first — the service commits the order, then publishes OrderPlaced itself. Two writes
 * to two systems with nothing tying them together: whatever stops the second write after the
 * first has committed leaves an order that downstream never hears about.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
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

interface ServiceContext extends OrderServiceContext {
  eventId: string | null;
}

type ServiceEvent =
  | OrderServiceEvent
  | { type: 'WRITTEN'; eventId: string }
  | { type: 'WRITE_FAILED' }
  | { type: 'PUBLISHED' }
  | { type: 'PUBLISH_FAILED' };

const fresh = (): ServiceContext => ({ queue: [], current: null, eventId: null });
const shared = orderServiceImplementations<ServiceContext, ServiceEvent>(fresh);

export const naiveDbFirstService = setup({
  types: { context: {} as ServiceContext, events: {} as ServiceEvent },
  guards: shared.guards,
  actions: { ...shared.actions, finishRequest: assign({ current: null, eventId: null }) },
}).createMachine({
  id: SERVICE_PARTICIPANT,
  context: fresh,
  initial: 'idle',
  states: {
    idle: idleState('writing'),
    writing: {
      meta: { op: 'write-order' },
      on: {
        WRITTEN: { target: 'publishing', actions: assign({ eventId: ({ event }) => event.eventId }) },
        WRITE_FAILED: { target: 'idle', actions: 'finishRequest' },
      },
    },
    publishing: {
      meta: { op: 'publish' },
      on: {
        PUBLISHED: { target: 'idle', actions: 'finishRequest' },
        // The error is logged and swallowed: the client still hears "created".
        PUBLISH_FAILED: { target: 'idle', actions: 'finishRequest' },
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
    const written = await ctx.db.transaction(`insert order ${request.orderId}`, (tx) =>
      insertOrder(tx, request, amountFor(request, ctx), ctx.timestamp()),
    );
    if (!written.ok) {
      ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: '500 Internal Server Error', ok: false });
      return {
        event: { type: 'WRITE_FAILED' },
        caption: written.committed
          ? `The service sees an error for order ${request.orderId}, though Postgres committed it.`
          : `Postgres rejects order ${request.orderId} and rolls back; the client gets an error.`,
      };
    }
    return {
      event: { type: 'WRITTEN', eventId: ctx.nextId('evt') },
      caption: `The service commits order ${request.orderId} to Postgres.`,
    };
  },
};

const publish: Operation<ServiceContext> = {
  faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost'],
  crashable: true,
  latencyMs: 6,
  intent: (context) => `publishing OrderPlaced for order ${context.current?.orderId ?? '?'}`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const outcome = ctx.broker.publish({
      topic: ORDERS_TOPIC,
      key: String(request.orderId),
      eventId: ctx.context.eventId!,
      eventType: 'OrderPlaced',
      orderId: request.orderId,
    });
    ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: `201 Created (order ${request.orderId})`, ok: true });
    if (!outcome.ok) {
      return {
        event: { type: 'PUBLISH_FAILED' },
        caption: `Publishing order ${request.orderId} fails (${outcome.error}); the service logs it and moves on.`,
      };
    }
    return { event: { type: 'PUBLISHED' }, caption: `The service publishes OrderPlaced for order ${request.orderId}.` };
  },
};

/** The service that commits the order, then publishes OrderPlaced itself: the dual write. */
export function naiveDbFirstServiceProcess(): ProcessSpec {
  return { id: 'service', machine: naiveDbFirstService, operations: { 'write-order': writeOrder, publish, restart: restartOperation('Order service') } };
}

export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  outcome: (sources) => shipmentsOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders),
  schema: () => [ORDERS_TABLE, ...CONSUMER_TABLES],
  processes: () => [
    naiveDbFirstServiceProcess(),
    consumerProcess(ORDERS_TOPIC, 'Shipping consumer'),
  ],
});

/**
 * naive-broker-first — the service publishes OrderPlaced first and writes the order afterwards.
 * The order id is client-assigned, so the event can name the order before it exists. Whatever
 * stops the insert after the publish (a rejected row, a crash) leaves downstream acting on an
 * order the source of truth never gets: the mirror image of database-first's lost event.
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

type ServiceContext = OrderServiceContext;

type ServiceEvent =
  | OrderServiceEvent
  | { type: 'PUBLISHED' }
  | { type: 'PUBLISH_FAILED' }
  | { type: 'WRITTEN' }
  | { type: 'WRITE_FAILED' };

const fresh = (): ServiceContext => ({ queue: [], current: null });
const shared = orderServiceImplementations<ServiceContext, ServiceEvent>(fresh);

export const naiveBrokerFirstService = setup({
  types: { context: {} as ServiceContext, events: {} as ServiceEvent },
  guards: shared.guards,
  actions: { ...shared.actions, finishRequest: assign({ current: null }) },
}).createMachine({
  id: SERVICE_PARTICIPANT,
  context: fresh,
  initial: 'idle',
  states: {
    idle: idleState('publishing'),
    publishing: {
      meta: { op: 'publish' },
      on: {
        PUBLISHED: 'writing',
        // The publish threw, so the insert after it never runs: the client gets an error.
        PUBLISH_FAILED: { target: 'idle', actions: 'finishRequest' },
      },
    },
    writing: {
      meta: { op: 'write-order' },
      on: {
        WRITTEN: { target: 'idle', actions: 'finishRequest' },
        // The event is already out; nothing takes it back.
        WRITE_FAILED: { target: 'idle', actions: 'finishRequest' },
      },
    },
    [CRASHED_STATE]: serviceCrashedState,
  },
  on: orderServiceRootTransitions,
});

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
      eventId: ctx.nextId('evt'),
      eventType: 'OrderPlaced',
      orderId: request.orderId,
    });
    if (!outcome.ok) {
      ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: '503 Service Unavailable', ok: false });
      return {
        event: { type: 'PUBLISH_FAILED' },
        caption: outcome.stored
          ? `The service hears a timeout, skips the insert; the broker holds order ${request.orderId}'s event.`
          : `The publish for order ${request.orderId} fails (${outcome.error}); the service never writes it.`,
      };
    }
    return { event: { type: 'PUBLISHED' }, caption: `The service publishes OrderPlaced for order ${request.orderId} before writing it.` };
  },
};

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
          : `Postgres rejects order ${request.orderId}, but its OrderPlaced is already published.`,
      };
    }
    ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: `201 Created (order ${request.orderId})`, ok: true });
    return { event: { type: 'WRITTEN' }, caption: `The service commits order ${request.orderId} to Postgres.` };
  },
};


export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  outcome: (sources) => shipmentsOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders),
  schema: () => [ORDERS_TABLE, ...CONSUMER_TABLES],
  processes: () => [
    {
      id: SERVICE_PARTICIPANT,
      machine: naiveBrokerFirstService,
      operations: { publish, 'write-order': writeOrder, restart: restartOperation('Order service') },
    },
    consumerProcess(ORDERS_TOPIC, 'Shipping consumer'),
  ],
});

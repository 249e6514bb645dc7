/**
 * outbox-polling — the service writes the order and an outbox row in one transaction, so both
 * exist or neither does. A separate relay polls the outbox and publishes. Nothing is lost any
 * more; the price is that a relay crash between publish and mark sends the event twice.
 */
import { assign, setup } from 'xstate';
import type { Operation, PatternDefinition } from '../kernel/pattern';
import { CLIENT_PARTICIPANT } from '../actors/client';
import {
  idleState,
  orderServiceImplementations,
  orderServiceRootTransitions,
  SERVICE_PARTICIPANT,
  serviceCrashedState,
  type OrderServiceContext,
  type OrderServiceEvent,
} from '../actors/order-service';
import { consumerProcess } from '../actors/consumer';
import { ORDERS_TOPIC, pollingRelayProcess, RELAY_PARTICIPANT, relayMemory } from '../actors/outbox-relay';
import { CONSUMER_TABLES, ORDERS_TABLE, OUTBOX_PENDING_INDEX, OUTBOX_TABLE } from '../actors/postgres';
import { CRASHED_STATE, restartOperation } from '../actors/process';
import { findPattern } from './catalog';
import { amountFor, insertOrder } from './order-writes';

type ServiceContext = OrderServiceContext;

type ServiceEvent = OrderServiceEvent | { type: 'WRITTEN' } | { type: 'WRITE_FAILED' };

const fresh = (): ServiceContext => ({ queue: [], current: null });
const shared = orderServiceImplementations<ServiceContext, ServiceEvent>(fresh);

export const outboxService = setup({
  types: { context: {} as ServiceContext, events: {} as ServiceEvent },
  guards: shared.guards,
  actions: { ...shared.actions, finishRequest: assign({ current: null }) },
}).createMachine({
  id: SERVICE_PARTICIPANT,
  context: fresh,
  initial: 'idle',
  states: {
    idle: idleState('writing'),
    writing: {
      meta: { op: 'write-order' },
      on: {
        WRITTEN: { target: 'idle', actions: 'finishRequest' },
        WRITE_FAILED: { target: 'idle', actions: 'finishRequest' },
      },
    },
    [CRASHED_STATE]: serviceCrashedState,
  },
  on: orderServiceRootTransitions,
});

const writeOrderAndOutbox: Operation<ServiceContext> = {
  faults: ['db-write-fails', 'commit-unknown'],
  crashable: true,
  latencyMs: 5,
  intent: (context) => `writing order ${context.current?.orderId ?? '?'} and its outbox row`,
  async run(ctx) {
    const request = ctx.context.current!;
    const eventId = ctx.nextId('evt');
    const at = ctx.timestamp();
    const written = await ctx.db.transaction(`insert order ${request.orderId} + outbox row`, async (tx) => {
      await insertOrder(tx, request, amountFor(request, ctx.fault), at);
      await tx.query(
        `INSERT INTO service.outbox (event_id, aggregate_type, aggregate_id, event_type, payload, created_at)
         VALUES ($1, 'Order', $2, 'OrderPlaced', $3, $4)`,
        [eventId, String(request.orderId), JSON.stringify({ orderId: request.orderId, amountCents: request.amountCents }), at],
      );
    });
    if (!written.ok) {
      ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: '500 Internal Server Error', ok: false });
      return {
        event: { type: 'WRITE_FAILED' },
        caption: written.committed
          ? `The service sees an error for order ${request.orderId}, though Postgres committed it with its outbox row.`
          : `Postgres rejects order ${request.orderId}; the order and its outbox row both roll back.`,
      };
    }
    ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: `201 Created (order ${request.orderId})`, ok: true });
    return {
      event: { type: 'WRITTEN' },
      caption: `The service commits order ${request.orderId} and its outbox row in one transaction.`,
    };
  },
};

const info = findPattern('outbox-polling')!;

export const outboxPolling: PatternDefinition = {
  info,
  schema: () => [ORDERS_TABLE, OUTBOX_TABLE, OUTBOX_PENDING_INDEX, ...CONSUMER_TABLES],
  inspect: async ({ contexts }) => [relayMemory(contexts[RELAY_PARTICIPANT])],
  processes: () => [
    {
      id: 'service',
      machine: outboxService,
      operations: { 'write-order': writeOrderAndOutbox, restart: restartOperation('Order service') },
    },
    pollingRelayProcess('Outbox relay'),
    consumerProcess(ORDERS_TOPIC, 'Shipping consumer'),
  ],
};

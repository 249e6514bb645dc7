/**
 * listen-to-yourself — the service does not write its database in the request path at all: it
 * only publishes OrderPlaced (one write, so nothing to keep in step). Its own consumer, the order
 * projector in a consumer group of its own, reads the topic and writes `service.orders` like any
 * other consumer; the shipping consumer reads the same topic in its group.
 *
 * What it costs, as the lab shows:
 * - read-your-writes is gone: the service's own read right after the request finds nothing yet;
 * - no database checks the order before it is announced: an order the `orders` table rejects is
 *   shipped anyway, and the projector, after retrying, skips it (the source of truth never gets it);
 * - the projector's crash means redelivery, so its insert must be idempotent (ON CONFLICT DO NOTHING).
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import type { TableSnapshot } from '../../kernel/types';
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
import { consumerProcess, groupConsumerProcess, type ConsumerContext } from '../../actors/consumer';
import { ORDERS_TOPIC } from '../../actors/outbox-relay';
import { currentOrder, firstOrder } from '../../actors/orders-concerned';
import { CONSUMER_TABLES, ORDERS_TABLE } from '../../actors/postgres';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import { definePattern, type InspectionSources } from '../../kernel/pattern';
import { broker } from '../../actors/components';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import { info } from './info';
import { amountFor } from '../../actors/order-writes';

export const PROJECTOR_PARTICIPANT = 'projector';
export const PROJECTOR_GROUP = 'order-projector';
/** Failed applies of one event before the projector gives up on it and moves past it. */
export const PROJECTOR_MAX_FAILURES = 3;

/** The body OrderPlaced carries here: everything the projector needs to write the row. */
interface OrderPayload {
  orderId: number;
  customer: string;
  amountCents: number;
  placedAt: string;
}

// ---- the order service: publish, then read its own write back -------------------------------

interface ReadBack {
  orderId: number;
  at: number;
  found: boolean;
}

interface ServiceContext extends OrderServiceContext {
  /** The service's reads of its own orders right after placing them (memory; a crash clears it). */
  readBacks: ReadBack[];
}

type ServiceEvent =
  | OrderServiceEvent
  | { type: 'PUBLISHED' }
  | { type: 'PUBLISH_FAILED' }
  | { type: 'READ_BACK'; readBack: ReadBack };

const fresh = (): ServiceContext => ({ queue: [], current: null, readBacks: [] });
const shared = orderServiceImplementations<ServiceContext, ServiceEvent>(fresh);

export const listenToYourselfService = setup({
  types: { context: {} as ServiceContext, events: {} as ServiceEvent },
  guards: shared.guards,
  actions: {
    ...shared.actions,
    finishRequest: assign({ current: null }),
    keepReadBack: assign({ readBacks: ({ context, event }) => (event.type === 'READ_BACK' ? [...context.readBacks, event.readBack] : context.readBacks) }),
  },
}).createMachine({
  id: SERVICE_PARTICIPANT,
  context: fresh,
  initial: 'idle',
  states: {
    idle: idleState('publishing'),
    publishing: {
      meta: { op: 'publish' },
      on: {
        PUBLISHED: 'reading-back',
        PUBLISH_FAILED: { target: 'idle', actions: 'finishRequest' },
      },
    },
    // The next request of the same user (e.g. "show my order") reads the service's own database.
    'reading-back': { meta: { op: 'read-own-order' }, on: { READ_BACK: { target: 'idle', actions: ['keepReadBack', 'finishRequest'] } } },
    [CRASHED_STATE]: serviceCrashedState,
  },
  on: orderServiceRootTransitions,
});

const publish: Operation<ServiceContext> = {
  // `db-write-fails` here: the request carries an amount the orders table will reject, and no
  // database sees it before the event goes out.
  faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost', 'db-write-fails'],
  crashable: true,
  latencyMs: 6,
  intent: (context) => `publishing OrderPlaced for order ${context.current?.orderId ?? '?'}`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const invalid = ctx.faultHere('db-write-fails') !== undefined;
    const payload: OrderPayload = {
      orderId: request.orderId,
      customer: request.customer,
      amountCents: amountFor(request, ctx),
      placedAt: ctx.timestamp(),
    };
    const outcome = ctx.broker.publish({
      topic: ORDERS_TOPIC,
      key: String(request.orderId),
      eventId: ctx.nextId('evt'),
      eventType: 'OrderPlaced',
      orderId: request.orderId,
      payload: JSON.stringify(payload),
    });
    if (!outcome.ok) {
      ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: '503 Service Unavailable', ok: false });
      return {
        event: { type: 'PUBLISH_FAILED' },
        caption: outcome.stored
          ? `The client hears order ${request.orderId} failed, yet the broker stored it.`
          : `The publish for order ${request.orderId} fails (${outcome.error}); the client gets an error.`,
      };
    }
    if (invalid) ctx.strike();
    ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: `202 Accepted (order ${request.orderId})`, ok: true });
    return {
      event: { type: 'PUBLISHED' },
      caption: invalid
        ? `The service publishes order ${request.orderId} with a negative amount; nothing checks it.`
        : `The service publishes OrderPlaced for order ${request.orderId}; it writes nothing itself.`,
    };
  },
};

const readOwnOrder: Operation<ServiceContext> = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `reading order ${context.current?.orderId ?? '?'} back`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const result = await ctx.db.statement<{ id: number }>(`read order ${request.orderId} back`, 'SELECT id FROM service.orders WHERE id = $1', [request.orderId]);
    const found = result.ok && result.value.rows.length > 0;
    return {
      event: { type: 'READ_BACK', readBack: { orderId: request.orderId, at: ctx.now, found } },
      caption: found
        ? `The service reads order ${request.orderId} back and finds it.`
        : `The service reads order ${request.orderId} back: not there yet.`,
    };
  },
};

// ---- the projector: the service's own consumer, writing service.orders ----------------------

const projectOrder: Operation<ConsumerContext> = {
  faults: ['commit-unknown', 'db-write-fails'],
  crashable: true,
  latencyMs: 4,
  intent: (context) => `writing order ${context.batch[0]?.orderId ?? '?'} from its event`,
  about: (context) => firstOrder(context.batch),
  async run(ctx) {
    const message = ctx.context.batch[0]!;
    const order = JSON.parse(message.payload ?? '{}') as OrderPayload;
    // A redelivery must change nothing: the order id is the key, so a repeat is a no-op.
    const amount = ctx.faultHere('db-write-fails') ? -Math.abs(order.amountCents) : order.amountCents;
    const written = await ctx.db.transaction(`project order ${message.orderId}`, (tx) =>
      tx.query('INSERT INTO service.orders (id, customer, amount_cents, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING', [
        order.orderId,
        order.customer,
        amount,
        order.placedAt,
      ]),
    );
    if (!written.ok) {
      const givingUp = !written.committed && ctx.context.failures + 1 >= PROJECTOR_MAX_FAILURES;
      return {
        event: { type: 'APPLY_FAILED' },
        caption: givingUp
          ? `The projector gives up on order ${message.orderId} after ${PROJECTOR_MAX_FAILURES} failures and skips it.`
          : `The projector fails to write order ${message.orderId} and will read it again.`,
      };
    }
    return {
      event: { type: 'APPLIED' },
      caption:
        written.value.affectedRows === 0
          ? `The projector finds order ${message.orderId} already written; the repeat changes nothing.`
          : `The projector writes order ${message.orderId} into the service's own database.`,
    };
  },
};

// ---- live view --------------------------------------------------------------------------------

async function readAfterWrite(sources: InspectionSources): Promise<TableSnapshot> {
  const readBacks = (sources.contexts[SERVICE_PARTICIPANT] as ServiceContext | undefined)?.readBacks ?? [];
  const present = new Set(
    (await sources.runner.query<{ id: number }>('SELECT id FROM service.orders')).rows.map((r) => Number(r.id)),
  );
  return {
    name: "service's read-after-write results",
    note: 'What the service saw reading its own order right after placing it, and whether service.orders has it now.',
    columns: ['order_id', 'read_at_ms', 'found_then', 'in_orders_now'],
    rows: readBacks.map((r) => ({ order_id: r.orderId, read_at_ms: r.at, found_then: r.found, in_orders_now: present.has(r.orderId) })),
  };
}


export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  outcome: (sources) => shipmentsOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders),
  schema: () => [ORDERS_TABLE, ...CONSUMER_TABLES],
  inspect: async (sources) => [await readAfterWrite(sources)],
  processes: (): ProcessSpec[] => [
    {
      id: SERVICE_PARTICIPANT,
      machine: listenToYourselfService,
      operations: { publish, 'read-own-order': readOwnOrder, restart: restartOperation('Order service') },
    },
    groupConsumerProcess({
      id: PROJECTOR_PARTICIPANT,
      label: 'Order projector',
      who: 'projector',
      topic: ORDERS_TOPIC,
      group: PROJECTOR_GROUP,
      apply: projectOrder,
      maxFailures: PROJECTOR_MAX_FAILURES,
    }),
    consumerProcess(ORDERS_TOPIC, 'Shipping consumer'),
  ],
});

/**
 * The order service of outbox-polling's `id-cursor` variant. It handles requests concurrently, as
 * a web server does: for each it first takes the outbox id from the sequence
 * (`SELECT nextval(…)` — never rolled back, never waits for a commit), then waits on a payment
 * check, then inserts the order and the outbox row with that id in one transaction. So ids are
 * handed out in arrival order but become visible in commit order, and the two can differ.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import { CLIENT_PARTICIPANT, type OrderRequest } from '../../actors/client';
import {
  orderServiceImplementations,
  orderServiceRootTransitions,
  SERVICE_PARTICIPANT,
  serviceCrashedState,
  type OrderServiceContext,
  type OrderServiceEvent,
} from '../../actors/order-service';
import { currentOrder } from '../../actors/orders-concerned';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import { amountFor, insertOrder } from '../../actors/order-writes';

/**
 * How long the payment check keeps a request between taking its id and inserting. In this lab the
 * provider is slow for order 1 and quick for the rest, so order 2 commits first.
 */
export function paymentCheckMs(orderId: number): number {
  return orderId === 1 ? 700 : 30;
}

interface ReservedRequest {
  request: OrderRequest;
  outboxId: number;
  eventId: string;
  readyAt: number;
}

interface ServiceContext extends OrderServiceContext {
  /** Requests that hold an outbox id and wait for their payment check. */
  reserved: ReservedRequest[];
}

type ServiceEvent =
  | OrderServiceEvent
  | { type: 'RESERVED'; reserved: ReservedRequest }
  | { type: 'WRITTEN'; orderId: number }
  | { type: 'WRITE_FAILED'; orderId: number };

const fresh = (): ServiceContext => ({ queue: [], current: null, reserved: [] });
const shared = orderServiceImplementations<ServiceContext, ServiceEvent>(fresh);

function nextToWrite(context: ServiceContext): ReservedRequest | undefined {
  return [...context.reserved].sort((a, b) => a.readyAt - b.readyAt || a.outboxId - b.outboxId)[0];
}

const finish = assign<ServiceContext, ServiceEvent, undefined, ServiceEvent, never>(({ context, event }) => ({
  reserved: context.reserved.filter((r) => !('orderId' in event) || r.request.orderId !== event.orderId),
}));

export const idCursorService = setup({
  types: { context: {} as ServiceContext, events: {} as ServiceEvent },
  guards: { ...shared.guards, hasReserved: ({ context }) => context.reserved.length > 0 },
  actions: {
    ...shared.actions,
    keepReserved: assign(({ context, event }) => (event.type === 'RESERVED' ? { reserved: [...context.reserved, event.reserved], current: null } : {})),
    finish,
  },
}).createMachine({
  id: SERVICE_PARTICIPANT,
  context: fresh,
  initial: 'idle',
  states: {
    idle: {
      tags: ['idle'],
      always: [
        { guard: 'hasQueuedRequest', target: 'reserving', actions: 'takeRequest' },
        { guard: 'hasReserved', target: 'writing' },
      ],
    },
    reserving: { meta: { op: 'reserve-id' }, on: { RESERVED: { target: 'idle', actions: 'keepReserved' } } },
    writing: {
      meta: { op: 'write-order', notBefore: (context: ServiceContext) => nextToWrite(context)?.readyAt ?? 0 },
      on: {
        // A new request does not wait for the payment check of an earlier one.
        ORDER_REQUESTED: { target: 'idle', actions: 'enqueueRequest' },
        WRITTEN: { target: 'idle', actions: 'finish' },
        WRITE_FAILED: { target: 'idle', actions: 'finish' },
      },
    },
    [CRASHED_STATE]: serviceCrashedState,
  },
  on: orderServiceRootTransitions,
});

const reserveId: Operation<ServiceContext> = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `taking an outbox id for order ${context.current?.orderId ?? '?'}`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const result = await ctx.db.statement<{ id: number }>(`take an outbox id for order ${request.orderId}`, `SELECT nextval('service.outbox_id_seq') AS id`);
    const outboxId = result.ok ? Number(result.value.rows[0]!.id) : 0;
    const wait = paymentCheckMs(request.orderId);
    return {
      event: { type: 'RESERVED', reserved: { request, outboxId, eventId: ctx.nextId('evt'), readyAt: ctx.now + wait } },
      caption: `The service takes outbox id ${outboxId} for order ${request.orderId}; payment check takes ${wait} ms.`,
    };
  },
};

const writeOrder: Operation<ServiceContext> = {
  faults: ['db-write-fails', 'commit-unknown'],
  crashable: true,
  latencyMs: 5,
  intent: (context) => `writing order ${nextToWrite(context)?.request.orderId ?? '?'} with outbox id ${nextToWrite(context)?.outboxId ?? '?'}`,
  about: (context) => [nextToWrite(context)?.request.orderId ?? []].flat(),
  async run(ctx) {
    const { request, outboxId, eventId } = nextToWrite(ctx.context)!;
    const at = ctx.timestamp();
    const written = await ctx.db.transaction(`insert order ${request.orderId} + outbox row ${outboxId}`, async (tx) => {
      await insertOrder(tx, request, amountFor(request, ctx), at);
      await tx.query(
        `INSERT INTO service.outbox (id, event_id, aggregate_type, aggregate_id, event_type, payload, created_at)
         VALUES ($1, $2, 'Order', $3, 'OrderPlaced', $4, $5)`,
        [outboxId, eventId, String(request.orderId), JSON.stringify({ orderId: request.orderId, amountCents: request.amountCents }), at],
      );
    });
    if (!written.ok) {
      ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: '500 Internal Server Error', ok: false });
      return {
        event: { type: 'WRITE_FAILED', orderId: request.orderId },
        caption: written.committed
          ? `The service sees an error for order ${request.orderId}, though Postgres committed it.`
          : `Postgres rejects order ${request.orderId}; outbox id ${outboxId} stays unused.`,
      };
    }
    ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: `201 Created (order ${request.orderId})`, ok: true });
    return {
      event: { type: 'WRITTEN', orderId: request.orderId },
      caption: `The service commits order ${request.orderId} with outbox row ${outboxId}.`,
    };
  },
};

export function idCursorServiceProcess(): ProcessSpec {
  return {
    id: SERVICE_PARTICIPANT,
    machine: idCursorService,
    operations: { 'reserve-id': reserveId, 'write-order': writeOrder, restart: restartOperation('Order service') },
  };
}

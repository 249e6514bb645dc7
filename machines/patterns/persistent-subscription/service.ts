/**
 * The order service of persistent-subscription: its only write is appending OrderPlaced to the
 * event store, so there is no second write to keep in step. A timeout does not say whether the
 * event was stored, so it appends the same event id once more, which the store deduplicates.
 * Where two handlers share the group it appends OrderPlaced and OrderConfirmed in one append, so
 * one order's stream holds two events whose order the handlers may not keep.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import { CLIENT_PARTICIPANT } from '../../actors/client';
import {
  idleState,
  orderServiceImplementations,
  orderServiceRootTransitions,
  SERVICE_PARTICIPANT,
  serviceCrashedState,
  type OrderServiceContext,
  type OrderServiceEvent,
} from '../../actors/order-service';
import type { AppendResult, EventData } from '../../actors/event-store';
import { currentOrder } from '../../actors/orders-concerned';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import type { OrderPlacedBody } from '../../actors/subscription-client';

export function orderStream(orderId: number): string {
  return `order-${orderId}`;
}

interface ServiceContext extends OrderServiceContext {
  /** The events of the append in hand, kept so a retry after a timeout sends the same ids. */
  pending: EventData[] | null;
}

type ServiceEvent = OrderServiceEvent | { type: 'APPENDED' } | { type: 'APPEND_FAILED' } | { type: 'TIMED_OUT'; events: EventData[] };

const fresh = (): ServiceContext => ({ queue: [], current: null, pending: null });
const shared = orderServiceImplementations<ServiceContext, ServiceEvent>(fresh);

export const appendOnlyService = setup({
  types: { context: {} as ServiceContext, events: {} as ServiceEvent },
  guards: shared.guards,
  actions: {
    ...shared.actions,
    finishRequest: assign({ current: null, pending: null }),
    keepPending: assign({ pending: ({ event }) => (event.type === 'TIMED_OUT' ? event.events : null) }),
  },
}).createMachine({
  id: SERVICE_PARTICIPANT,
  context: fresh,
  initial: 'idle',
  states: {
    idle: idleState('appending'),
    appending: {
      meta: { op: 'append' },
      on: {
        APPENDED: { target: 'idle', actions: 'finishRequest' },
        APPEND_FAILED: { target: 'idle', actions: 'finishRequest' },
        TIMED_OUT: { target: 'retrying', actions: 'keepPending' },
      },
    },
    // A timeout does not say whether the event was stored: append the same event id again, and
    // the store's idempotent append makes that safe.
    retrying: {
      meta: { op: 'retry-append' },
      on: {
        APPENDED: { target: 'idle', actions: 'finishRequest' },
        APPEND_FAILED: { target: 'idle', actions: 'finishRequest' },
        TIMED_OUT: { target: 'idle', actions: 'finishRequest' },
      },
    },
    [CRASHED_STATE]: serviceCrashedState,
  },
  on: orderServiceRootTransitions,
});

function replyToClient(ctx: Parameters<Operation<ServiceContext>['run']>[0], orderId: number, ok: boolean, label: string): void {
  ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: ok ? `201 Created (order ${orderId})` : label, ok });
}

function appendOperation(eventTypes: readonly string[]): Operation<ServiceContext> {
  const what = eventTypes.join(' and ');
  return {
    faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost', 'malformed-event'],
    crashable: true,
    latencyMs: 5,
    intent: (context) => `appending ${what} for order ${context.current?.orderId ?? '?'}`,
    about: currentOrder,
    async run(ctx) {
      const request = ctx.context.current!;
      const body: OrderPlacedBody = { orderId: request.orderId, customer: request.customer, amountCents: request.amountCents };
      const events: EventData[] = eventTypes.map((type) => ({ eventId: ctx.nextId('evt'), type, data: JSON.stringify(body), orderId: request.orderId }));
      const stream = orderStream(request.orderId);
      const result = ctx.store.append(stream, events, 'no-stream');
      if (result.ok) {
        replyToClient(ctx, request.orderId, true, '');
        return {
          event: { type: 'APPENDED' },
          caption:
            // What the store kept, not what was armed: a `malformed-event` fault cuts the body short.
            result.events[0]?.data !== events[0]!.data
              ? `The service appends order ${request.orderId}; the store keeps a body cut short.`
              : `The service appends ${what} for order ${request.orderId} to ${stream}.`,
        };
      }
      return failed(ctx, request.orderId, result, events, true);
    },
  };
}

function failed(
  ctx: Parameters<Operation<ServiceContext>['run']>[0],
  orderId: number,
  result: Exclude<AppendResult, { ok: true }>,
  events: EventData[],
  mayRetry: boolean,
) {
  if (result.reason === 'timeout' && mayRetry) {
    return {
      event: { type: 'TIMED_OUT', events },
      caption: `The append of order ${orderId} times out; the service will retry it.`,
    };
  }
  replyToClient(ctx, orderId, false, result.reason === 'timeout' ? '504 Gateway Timeout' : '503 Service Unavailable');
  return {
    event: { type: result.reason === 'timeout' ? 'TIMED_OUT' : 'APPEND_FAILED' },
    caption: result.stored
      ? `The client hears order ${orderId} failed, yet the store holds its events.`
      : `The append of order ${orderId} fails (${result.error}); the client gets an error.`,
  };
}

const retryAppend: Operation<ServiceContext> = {
  faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost'],
  crashable: true,
  latencyMs: 5,
  intent: (context) => `appending order ${context.current?.orderId ?? '?'} again`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const events = ctx.context.pending!;
    const result = ctx.store.append(orderStream(request.orderId), events, 'no-stream');
    if (result.ok) {
      replyToClient(ctx, request.orderId, true, '');
      return {
        event: { type: 'APPENDED' },
        caption: result.deduplicated
          ? `The retry finds order ${request.orderId}'s event stored already; nothing is written twice.`
          : `The service appends order ${request.orderId}'s events on its retry.`,
      };
    }
    return failed(ctx, request.orderId, result, events, false);
  },
};

/** `eventTypes`: what one order's append holds (OrderPlaced alone unless told otherwise). */
export function appendOnlyServiceProcess(eventTypes: readonly string[] = ['OrderPlaced']): ProcessSpec {
  return {
    id: SERVICE_PARTICIPANT,
    machine: appendOnlyService,
    operations: { append: appendOperation(eventTypes), 'retry-append': retryAppend, restart: restartOperation('Order service') },
  };
}

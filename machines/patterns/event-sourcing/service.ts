/**
 * The event-sourced order service, run as two instances (`service`, `service-2`): read the
 * order's stream, fold it, decide, and append with the revision it read. A concurrent writer that
 * got there first makes the append fail (optimistic concurrency), so it reads and decides again;
 * a failed or timed-out append is retried with the same event id, which the store deduplicates.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import type { TableSnapshot } from '../../kernel/types';
import { CLIENT_PARTICIPANT, type OrderRequest } from '../../actors/client';
import {
  idleState,
  orderServiceImplementations,
  orderServiceRootTransitions,
  serviceCrashedState,
  SERVICE_PARTICIPANT,
  type OrderServiceContext,
  type OrderServiceEvent,
} from '../../actors/order-service';
import { currentOrder } from '../../actors/orders-concerned';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import { decide, foldOrder, streamOf, type OrderState, type PendingAppend, type Reply } from './domain';

/** The second instance; the first is the usual `service` participant. */
export const SECOND_SERVICE_PARTICIPANT = 'service-2';

/** Appends a service tries before it answers 503. */
export const MAX_APPEND_ATTEMPTS = 3;

export interface EventSourcedServiceContext extends OrderServiceContext {
  /** How captions name this instance: "service", "second service". */
  who: string;
  /** The order as this instance last folded it from the stream (memory; a crash clears it). */
  folded: OrderState | null;
  /** The event it decided on and the revision it expects, kept across retries of the append. */
  pending: PendingAppend | null;
  attempts: number;
  /** WrongExpectedVersion answers for the request in hand. */
  conflicts: number;
  reply: Reply | null;
}

type ServiceEvent =
  | OrderServiceEvent
  | { type: 'DECIDED'; folded: OrderState | null; pending: PendingAppend }
  | { type: 'REJECTED'; folded: OrderState | null; reply: Reply }
  | { type: 'APPENDED'; reply: Reply }
  | { type: 'CONFLICT' }
  | { type: 'APPEND_FAILED' }
  | { type: 'GAVE_UP'; reply: Reply }
  | { type: 'REPLIED' };

function successReply(event: PendingAppend['event']): Reply {
  return event.type === 'OrderPlaced' ? { status: 201, text: `Created (order ${event.orderId})` } : { status: 200, text: `OK (${event.type})` };
}

export function createEventSourcedService(who: string) {
  const fresh = (): EventSourcedServiceContext => ({ queue: [], current: null, who, folded: null, pending: null, attempts: 0, conflicts: 0, reply: null });
  const shared = orderServiceImplementations<EventSourcedServiceContext, ServiceEvent>(fresh);
  const appendOutcomes = {
    APPENDED: { target: 'replying', actions: 'keepReply' },
    // Someone appended since the read: what was decided may no longer hold, so read and decide again.
    CONFLICT: { target: 'reading', actions: 'forgetDecision' },
    APPEND_FAILED: { target: 'retrying', actions: 'countAttempt' },
    GAVE_UP: { target: 'replying', actions: 'keepReply' },
  } as const;

  return setup({
    types: { context: {} as EventSourcedServiceContext, events: {} as ServiceEvent },
    guards: shared.guards,
    actions: {
      ...shared.actions,
      forgetDecision: assign({ pending: null, attempts: 0, conflicts: ({ context }) => context.conflicts + 1 }),
      countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
      keepReply: assign({ reply: ({ event, context }) => ('reply' in event ? event.reply : context.reply) }),
      finishRequest: assign({ current: null, pending: null, attempts: 0, conflicts: 0, reply: null }),
    },
  }).createMachine({
    id: who,
    context: fresh,
    initial: 'idle',
    states: {
      idle: idleState('reading'),
      reading: {
        meta: { op: 'read-stream' },
        on: {
          DECIDED: { target: 'appending', actions: assign(({ event }) => ({ folded: event.folded, pending: event.pending, attempts: 0 })) },
          REJECTED: { target: 'replying', actions: assign(({ event }) => ({ folded: event.folded, reply: event.reply })) },
        },
      },
      appending: { meta: { op: 'append' }, on: appendOutcomes },
      // The same event, same id, a moment later: if the first try was stored, the store says so.
      retrying: { meta: { op: 'append', delay: 'consumerPollMs' }, on: appendOutcomes },
      replying: { meta: { op: 'reply' }, on: { REPLIED: { target: 'idle', actions: 'finishRequest' } } },
      [CRASHED_STATE]: serviceCrashedState,
    },
    on: orderServiceRootTransitions,
  });
}

function commandText(request: OrderRequest): string {
  switch (request.kind ?? 'place') {
    case 'change':
      return `change order ${request.orderId}`;
    case 'cancel':
      return `cancel order ${request.orderId}`;
    default:
      return `place order ${request.orderId}`;
  }
}

const REFUSED = { place: 'order', change: 'change', cancel: 'cancellation' } as const;

const readStream: Operation<EventSourcedServiceContext> = {
  faults: [],
  crashable: true,
  latencyMs: 6,
  intent: (context) => `reading ${streamOf(context.current?.orderId ?? 0)}`,
  about: currentOrder,
  async run(ctx) {
    const { current: request, who } = ctx.context;
    const state = foldOrder(ctx.store.readStream(streamOf(request!.orderId)));
    const decision = decide(request!, state, ctx.nextId('evt'));
    const again = ctx.context.conflicts > 0 ? ' again' : '';
    const seen = state ? `${state.status} at revision ${state.revision}` : 'no stream';
    if ('reject' in decision) {
      return {
        event: { type: 'REJECTED', folded: state, reply: decision.reject },
        caption: `The ${who} reads order ${request!.orderId}${again}: ${seen}; it refuses the ${REFUSED[request!.kind ?? 'place']}.`,
      };
    }
    return {
      event: { type: 'DECIDED', folded: state, pending: decision.append },
      caption: `The ${who} folds order ${request!.orderId}${again} (${seen}) and decides ${decision.append.event.type}.`,
    };
  },
};

const append: Operation<EventSourcedServiceContext> = {
  faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost'],
  crashable: true,
  latencyMs: 5,
  intent: (context) => `appending ${context.pending?.event.type ?? 'the event'} to ${streamOf(context.current?.orderId ?? 0)}`,
  about: currentOrder,
  async run(ctx) {
    const { who, attempts } = ctx.context;
    const { event, expected } = ctx.context.pending!;
    const stream = streamOf(event.orderId);
    const result = ctx.store.append(stream, [event], expected);
    if (result.ok) {
      return {
        event: { type: 'APPENDED', reply: successReply(event) },
        caption: result.deduplicated
          ? `The store already holds ${event.eventId}: the ${who}'s retry writes nothing new.`
          : `The ${who} appends ${event.type} to ${stream} at revision ${result.nextRevision}.`,
      };
    }
    if (result.reason === 'wrong-expected-revision') {
      return { event: { type: 'CONFLICT' }, caption: `Order ${event.orderId} moved on since the read: the ${who} must read again.` };
    }
    if (attempts + 1 >= MAX_APPEND_ATTEMPTS) {
      return {
        event: { type: 'GAVE_UP', reply: { status: 503, text: 'Service Unavailable' } },
        caption: `The ${who} gives up on order ${event.orderId} after ${MAX_APPEND_ATTEMPTS} failed appends.`,
      };
    }
    return {
      event: { type: 'APPEND_FAILED' },
      caption:
        result.reason === 'timeout'
          ? `The append for order ${event.orderId} times out; the ${who} will retry ${event.eventId}.`
          : `The store refuses order ${event.orderId}'s append; the ${who} will retry ${event.eventId}.`,
    };
  },
};

const reply: Operation<EventSourcedServiceContext> = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `answering the client about order ${context.current?.orderId ?? '?'}`,
  about: currentOrder,
  async run(ctx) {
    const { who, current: request } = ctx.context;
    const answer = ctx.context.reply!;
    const ok = answer.status < 300;
    ctx.emit({ from: ctx.actor, to: CLIENT_PARTICIPANT, kind: 'reply', label: `${answer.status} ${answer.text}`, ok });
    return {
      event: { type: 'REPLIED' },
      caption: ok
        ? `The ${who} answers ${answer.status} to ${commandText(request!)}.`
        : `The ${who} answers ${answer.status} to ${commandText(request!)}: ${answer.text}.`,
    };
  },
};

export function serviceProcess(id: string, who: string, label: string): ProcessSpec {
  return {
    id,
    machine: createEventSourcedService(who),
    operations: { 'read-stream': readStream, append, reply, restart: restartOperation(label) },
  };
}

/** Both instances' memory, the pattern's live view of the service. */
export function servicesMemory(contexts: Record<string, unknown>): TableSnapshot {
  const rows = [SERVICE_PARTICIPANT, SECOND_SERVICE_PARTICIPANT].map((id) => {
    const context = contexts[id] as EventSourcedServiceContext | undefined;
    const folded = context?.folded ?? null;
    return {
      service: id,
      command: context?.current ? commandText(context.current) : null,
      folded_order: folded ? folded.orderId : null,
      status: folded?.status ?? null,
      amount_cents: folded?.amountCents ?? null,
      revision_read: folded ? folded.revision : null,
      deciding: context?.pending ? `${context.pending.event.type} ${context.pending.event.eventId}` : null,
      conflicts: context?.conflicts ?? 0,
    };
  });
  return {
    name: 'services in memory',
    note: 'What each service instance folded from the stream for the command in hand; a crash forgets it.',
    columns: ['service', 'command', 'folded_order', 'status', 'amount_cents', 'revision_read', 'deciding', 'conflicts'],
    rows,
  };
}

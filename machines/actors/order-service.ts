/**
 * What every order service shares, whatever pattern it follows: client requests queue up and are
 * taken one at a time, and a crash empties its memory (queued and in-flight requests are gone;
 * only what it wrote to Postgres or the broker survives). Patterns spread these pieces into their
 * own statechart and add the states that make them different.
 */
import { assign, setup, type EventObject } from 'xstate';
import type { OrderRequest } from './client';
import { CRASHED_STATE } from './process';

export const SERVICE_PARTICIPANT = 'service';

export interface OrderServiceContext {
  queue: OrderRequest[];
  current: OrderRequest | null;
}

export type OrderServiceEvent =
  | { type: 'ORDER_REQUESTED'; request: OrderRequest }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

/** Guards and actions to spread into `setup({ guards, actions })`. */
export function orderServiceImplementations<TContext extends OrderServiceContext, TEvent extends EventObject>(fresh: () => TContext) {
  return {
    guards: {
      hasQueuedRequest: ({ context }: { context: TContext }) => context.queue.length > 0,
    },
    actions: {
      takeRequest: assign<TContext, TEvent, undefined, TEvent, never>(
        ({ context }) => ({ current: context.queue[0]!, queue: context.queue.slice(1) }) as Partial<TContext>,
      ),
      enqueueRequest: assign<TContext, TEvent, undefined, TEvent, never>(({ context, event }) => {
        const request = (event as { request?: OrderRequest }).request;
        return (request ? { queue: [...context.queue, request] } : {}) as Partial<TContext>;
      }),
      forgetEverything: assign<TContext, TEvent, undefined, TEvent, never>(() => fresh()),
    },
  };
}

/** The idle state: wait for a request, then start on it in `firstState`. */
export function idleState(firstState: string) {
  return {
    tags: ['idle'],
    always: { guard: 'hasQueuedRequest', target: firstState, actions: 'takeRequest' },
  } as const;
}

export const serviceCrashedState = {
  meta: { op: 'restart', delay: 'restartMs' },
  on: { RESTARTED: { target: 'idle', actions: 'forgetEverything' } },
} as const;

export const orderServiceRootTransitions = {
  ORDER_REQUESTED: { actions: 'enqueueRequest' },
  CRASH: `.${CRASHED_STATE}`,
} as const;

export type SingleWriteServiceEvent = OrderServiceEvent | { type: 'WRITTEN' } | { type: 'WRITE_FAILED' };

/**
 * The service whose whole request is one transaction (`write-order`): the outbox patterns and
 * the after-commit listener differ only in what that transaction writes and what follows it.
 */
export function createSingleWriteServiceMachine<TContext extends OrderServiceContext>(fresh: () => TContext) {
  const shared = orderServiceImplementations<TContext, SingleWriteServiceEvent>(fresh);
  return setup({
    types: { context: {} as TContext, events: {} as SingleWriteServiceEvent },
    guards: shared.guards,
    actions: { ...shared.actions, finishRequest: assign(() => ({ current: null }) as Partial<TContext>) },
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
}

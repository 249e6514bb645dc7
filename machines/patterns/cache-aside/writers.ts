/**
 * The writers of the cache-aside story: update the order in one transaction, then, in a step of
 * their own, SET the row they wrote or DEL the key (or, where a connector invalidates, nothing).
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import { DEFAULT_TTL_MS } from '../../actors/cache';
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
import { currentOrder } from '../../actors/orders-concerned';
import { CRASHED_STATE, lowerFirst, restartOperation } from '../../actors/process';
import { cacheKey, cacheValue, euros, rowToOrder, SECOND_WRITER_LABEL, SECOND_WRITER_PARTICIPANT, WRITER_LABEL, type CachedOrder } from './story';


/**
 * What a writer does to the cache once its update has committed. `none`: nothing at all; a
 * connector tailing the WAL deletes the key instead (cache-delete's cdc-invalidation).
 */
export type CacheStep = 'set' | 'delete' | 'none';

interface WriterContext extends OrderServiceContext {
  /** The row the update committed, for the SET that follows. */
  written: CachedOrder | null;
  /** double-delete: when the second DEL is due (virtual ms). */
  deleteAgainAt: number;
}

/**
 * double-delete's wait between the two DELs. The practice is to wait longer than the slowest
 * read takes from its load to its fill (in production often a few hundred ms to a second); the
 * slowest read here is one stalled by the lab's 2 s pause, so the wait is a little longer.
 */
export const DOUBLE_DELETE_DELAY_MS = 2200;

type WriterEvent =
  | OrderServiceEvent
  | { type: 'UPDATED'; order: CachedOrder }
  | { type: 'UPDATE_FAILED' }
  | { type: 'CACHE_DONE'; again?: number }
  | { type: 'CACHE_FAILED'; again?: number };

const freshWriter = (): WriterContext => ({ queue: [], current: null, written: null, deleteAgainAt: 0 });

/** The state after the commit and the operation it performs, by cache step. */
export const CACHE_STEP_STATE: Record<Exclude<CacheStep, 'none'>, string> = { set: 'setting-cache', delete: 'deleting-key' };
export const CACHE_STEP_OP: Record<Exclude<CacheStep, 'none'>, string> = { set: 'cache-set', delete: 'cache-delete' };

/**
 * One writer statechart per cache step; both writer instances run the same one. `deleteAgain`:
 * after the DEL (done or refused) the writer deletes the key once more, DOUBLE_DELETE_DELAY_MS later.
 */
export function createWriterMachine(step: CacheStep, deleteAgain = false) {
  const afterCache = deleteAgain ? { target: 'deleting-again', actions: 'scheduleSecondDelete' as const } : { target: 'idle', actions: 'finishRequest' as const };
  const secondDelete: object = deleteAgain
    ? {
        'deleting-again': {
          meta: { op: 'cache-delete-again', notBefore: (context: WriterContext) => context.deleteAgainAt },
          on: { CACHE_DONE: { target: 'idle', actions: 'finishRequest' }, CACHE_FAILED: { target: 'idle', actions: 'finishRequest' } },
        },
      }
    : {};
  // With no cache step the request ends at the commit, and the machine has no state it never enters.
  const committed = step === 'none' ? { target: 'idle', actions: 'finishRequest' as const } : { target: CACHE_STEP_STATE[step], actions: 'keepWritten' as const };
  const cacheStates: object =
    step === 'none'
      ? {}
      : {
          [CACHE_STEP_STATE[step]]: {
            meta: { op: CACHE_STEP_OP[step] },
            on: {
              CACHE_DONE: afterCache,
              // A failed cache call is logged and swallowed: the request already succeeded in Postgres.
              CACHE_FAILED: afterCache,
            },
          },
        };
  const shared = orderServiceImplementations<WriterContext, WriterEvent>(freshWriter);
  return setup({
    types: { context: {} as WriterContext, events: {} as WriterEvent },
    guards: shared.guards,
    actions: {
      ...shared.actions,
      finishRequest: assign({ current: null, written: null }),
      keepWritten: assign({ written: ({ event }) => (event.type === 'UPDATED' ? event.order : null) }),
      scheduleSecondDelete: assign({
        deleteAgainAt: ({ event }) => ((event.type === 'CACHE_DONE' || event.type === 'CACHE_FAILED') && event.again !== undefined ? event.again : 0),
      }),
    },
  }).createMachine({
    id: 'writer',
    context: freshWriter,
    initial: 'idle',
    states: {
      idle: idleState('updating'),
      updating: {
        meta: { op: 'update-order' },
        on: {
          UPDATED: committed,
          // The writer only touches the cache after a commit it heard about.
          UPDATE_FAILED: { target: 'idle', actions: 'finishRequest' },
        },
      },
      ...cacheStates,
      ...secondDelete,
      [CRASHED_STATE]: serviceCrashedState,
    },
    on: orderServiceRootTransitions,
  });
}

/** `replyOnCommit`: no cache call follows, so the client hears 200 OK as soon as the update commits. */
function updateOrder(who: string, replyOnCommit: boolean): Operation<WriterContext> {
  return {
    faults: ['db-unavailable', 'commit-unknown'],
    crashable: true,
    latencyMs: 4,
    intent: (context) => `updating order ${context.current?.orderId ?? '?'}`,
    about: currentOrder,
    async run(ctx) {
      const request = ctx.context.current!;
      // Kept outside the outcome: under commit-unknown the row is committed but the writer never hears so.
      let committed: CachedOrder | null = null;
      const outcome = await ctx.db.transaction(`update order ${request.orderId}`, async (tx) => {
        const result = await tx.query(
          `UPDATE service.orders SET amount_cents = $2, version = version + 1, updated_at = $3
           WHERE id = $1 RETURNING id, amount_cents, version`,
          [request.orderId, request.amountCents, ctx.timestamp()],
        );
        committed = result.rows[0] ? rowToOrder(result.rows[0]) : null;
      });
      const row = committed as CachedOrder | null;
      if (!outcome.ok) {
        ctx.emit({ from: ctx.actor, to: CLIENT_PARTICIPANT, kind: 'reply', label: outcome.committed ? '500 Internal Server Error' : '503 Service Unavailable', ok: false });
        return {
          event: { type: 'UPDATE_FAILED' },
          caption: outcome.committed
            ? `The ${who} hears an error, though order ${request.orderId} committed; ${replyOnCommit ? 'the WAL has it' : 'it skips the cache'}.`
            : `Postgres refuses the ${who}'s update of order ${request.orderId}; nothing changes.`,
        };
      }
      if (!row) {
        ctx.emit({ from: ctx.actor, to: CLIENT_PARTICIPANT, kind: 'reply', label: '404 Not Found', ok: false });
        return { event: { type: 'UPDATE_FAILED' }, caption: `The ${who} finds no order ${request.orderId} to update.` };
      }
      if (replyOnCommit) ctx.emit({ from: ctx.actor, to: CLIENT_PARTICIPANT, kind: 'reply', label: `200 OK (order ${row.id}, version ${row.version})`, ok: true });
      return {
        event: { type: 'UPDATED', order: row },
        caption: replyOnCommit
          ? `The ${who} commits order ${row.id} at version ${row.version}; it leaves the cache alone.`
          : `The ${who} commits order ${row.id} at version ${row.version} (${euros(row.amount_cents)}).`,
      };
    },
  };
}

/** The order whose committed row the writer is about to put in (or take out of) the cache. */
function writtenOrder(context: WriterContext): number[] {
  return context.written ? [context.written.id] : [];
}

function setCachedOrder(who: string, versioned: boolean): Operation<WriterContext> {
  return {
    faults: ['cache-unavailable', 'pause'],
    crashable: true,
    latencyMs: 2,
    intent: (context) => `caching version ${context.written?.version ?? '?'} of order ${context.written?.id ?? '?'}`,
    about: writtenOrder,
    async run(ctx) {
      const order = ctx.context.written!;
      if (versioned) {
        const guarded = ctx.cache.setIfNewer(cacheKey(order.id), cacheValue(order), order.version, DEFAULT_TTL_MS);
        ctx.emit({ from: ctx.actor, to: CLIENT_PARTICIPANT, kind: 'reply', label: `200 OK (order ${order.id}, version ${order.version})`, ok: true });
        if (!guarded.ok) return { event: { type: 'CACHE_FAILED' }, caption: `The cache refuses the ${who}'s compare-and-set of order ${order.id}; it moves on.` };
        return {
          event: { type: 'CACHE_DONE' },
          caption: guarded.written
            ? `The ${who} sets order ${order.id} to version ${order.version} in the cache.`
            : `The cache keeps version ${guarded.cachedVersion}; the ${who}'s older version ${order.version} is dropped.`,
        };
      }
      const result = ctx.cache.set(cacheKey(order.id), cacheValue(order), DEFAULT_TTL_MS);
      ctx.emit({ from: ctx.actor, to: CLIENT_PARTICIPANT, kind: 'reply', label: `200 OK (order ${order.id}, version ${order.version})`, ok: true });
      return result.ok
        ? { event: { type: 'CACHE_DONE' }, caption: `The ${who} sets order ${order.id} to version ${order.version} in the cache.` }
        : { event: { type: 'CACHE_FAILED' }, caption: `The cache refuses the ${who}'s SET of order ${order.id}; it moves on.` };
    },
  };
}

function deleteCachedOrder(who: string, deleteAgain: boolean): Operation<WriterContext> {
  return {
    faults: ['cache-unavailable', 'pause'],
    crashable: true,
    latencyMs: 2,
    intent: (context) => `deleting order ${context.written?.id ?? '?'} from the cache`,
    about: writtenOrder,
    async run(ctx) {
      const order = ctx.context.written!;
      const result = ctx.cache.del(cacheKey(order.id));
      ctx.emit({ from: ctx.actor, to: CLIENT_PARTICIPANT, kind: 'reply', label: `200 OK (order ${order.id}, version ${order.version})`, ok: true });
      const again = deleteAgain ? ctx.now + DOUBLE_DELETE_DELAY_MS : undefined;
      const later = deleteAgain ? `; again in ${DOUBLE_DELETE_DELAY_MS / 1000} s` : '';
      return result.ok
        ? { event: { type: 'CACHE_DONE', again }, caption: `The ${who} deletes order ${order.id} from the cache${later}.` }
        : { event: { type: 'CACHE_FAILED', again }, caption: `The cache refuses the ${who}'s DEL of order ${order.id}.` };
    },
  };
}

/** double-delete's second DEL, a delay after the first, for a stale fill that landed in between. */
function deleteAgainOperation(who: string): Operation<WriterContext> {
  return {
    faults: ['cache-unavailable', 'pause'],
    crashable: true,
    latencyMs: 2,
    intent: (context) => `deleting order ${context.written?.id ?? '?'} again`,
    about: writtenOrder,
    async run(ctx) {
      const order = ctx.context.written!;
      const result = ctx.cache.del(cacheKey(order.id));
      return result.ok
        ? { event: { type: 'CACHE_DONE' }, caption: `After its wait the ${who} deletes order ${order.id} again.` }
        : { event: { type: 'CACHE_FAILED' }, caption: `The cache refuses the ${who}'s second DEL of order ${order.id}.` };
    },
  };
}

/**
 * The two writer instances, each its own process running the same statechart. `versioned`: their
 * SETs are compare-and-set on the row's version (cache-set's versioned-set); `deleteAgain`: they
 * delete twice, a delay apart (cache-delete's double-delete); step `none`: they only commit
 * (cache-delete's cdc-invalidation).
 */
export function writerProcesses(step: CacheStep, { versioned = false, deleteAgain = false }: { versioned?: boolean; deleteAgain?: boolean } = {}): ProcessSpec[] {
  const machine = createWriterMachine(step, deleteAgain);
  const writers: [string, string][] = [
    [SERVICE_PARTICIPANT, WRITER_LABEL],
    [SECOND_WRITER_PARTICIPANT, SECOND_WRITER_LABEL],
  ];
  return writers.map(([id, label]) => {
    const who = lowerFirst(label);
    return {
      id,
      machine,
      operations: {
        'update-order': updateOrder(who, step === 'none'),
        ...(step === 'none' ? {} : { [CACHE_STEP_OP[step]]: step === 'set' ? setCachedOrder(who, versioned) : deleteCachedOrder(who, deleteAgain) }),
        ...(deleteAgain ? { 'cache-delete-again': deleteAgainOperation(who) } : {}),
        restart: restartOperation(label),
      },
    };
  });
}

/**
 * The reader of the cache-aside story: look in the cache; on a miss read Postgres, then fill the
 * cache with what it read in a step of its own.
 */
import { and, assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import { DEFAULT_TTL_MS } from '../../actors/cache';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import { cacheKey, cacheValue, parseCachedOrder, READ_TIMES, READER_LABEL, READER_PARTICIPANT, rowToOrder, STORY_ORDER, type CachedOrder } from './story';


interface ReaderContext {
  orderId: number;
  /** When each read arrives: the reader's callers, outside the system, keep this schedule. */
  readAt: number[];
  /** The read in hand (index into `readAt`). */
  next: number;
  /** What it loaded from Postgres on a miss, to put in the cache. */
  loaded: CachedOrder | null;
  /** The cache refused the GET of this read: it serves from Postgres and does not fill. */
  cacheDown: boolean;
  /** The lease token the miss came with (the `lease` variant), for the fill to present. */
  lease: number | null;
}

type ReaderEvent =
  | { type: 'HIT' }
  | { type: 'MISS'; lease?: number | null }
  | { type: 'CACHE_DOWN' }
  | { type: 'LOADED'; order: CachedOrder }
  | { type: 'LOAD_FAILED' }
  | { type: 'FILLED' }
  | { type: 'FILL_FAILED' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

/** After a read is answered (or given up): the next one, or done. */
const nextRead = [
  { guard: 'moreReads', target: 'looking-up', reenter: true, actions: 'startNextRead' },
  { target: 'done', actions: 'startNextRead' },
] as const;

export const readerMachine = setup({
  types: { context: {} as ReaderContext, input: {} as { orderId: number; readAt: number[] }, events: {} as ReaderEvent },
  guards: {
    moreReads: ({ context }) => context.next + 1 < context.readAt.length,
    cacheWasDown: ({ context }) => context.cacheDown,
  },
  actions: {
    startNextRead: assign(({ context }) => ({ next: context.next + 1, loaded: null, cacheDown: false, lease: null })),
  },
}).createMachine({
  id: READER_PARTICIPANT,
  context: ({ input }) => ({ orderId: input.orderId, readAt: input.readAt, next: 0, loaded: null, cacheDown: false, lease: null }),
  initial: 'looking-up',
  states: {
    'looking-up': {
      meta: { op: 'lookup', notBefore: (context: ReaderContext) => context.readAt[context.next] ?? 0 },
      on: {
        HIT: nextRead,
        MISS: { target: 'loading', actions: assign({ lease: ({ event }) => event.lease ?? null }) },
        CACHE_DOWN: { target: 'loading', actions: assign({ cacheDown: true }) },
      },
    },
    loading: {
      meta: { op: 'load' },
      on: {
        LOADED: [
          // With the cache refusing calls, a fill would fail too: serve from Postgres and move on.
          { guard: and(['cacheWasDown', 'moreReads']), target: 'looking-up', reenter: true, actions: 'startNextRead' },
          { guard: 'cacheWasDown', target: 'done', actions: 'startNextRead' },
          { target: 'filling', actions: assign({ loaded: ({ event }) => event.order }) },
        ],
        LOAD_FAILED: nextRead,
      },
    },
    filling: {
      meta: { op: 'fill' },
      on: { FILLED: nextRead, FILL_FAILED: nextRead },
    },
    done: { tags: ['idle'] },
    [CRASHED_STATE]: {
      meta: { op: 'restart', delay: 'restartMs' },
      // The read in hand dies with the process (its caller gets an error); the next ones still come.
      on: { RESTARTED: nextRead },
    },
  },
  on: { CRASH: `.${CRASHED_STATE}` },
});

const lookup = (leased: boolean): Operation<ReaderContext> => ({
  faults: ['cache-unavailable'],
  crashable: true,
  latencyMs: 1,
  intent: (context) => `looking up order ${context.orderId} in the cache`,
  about: (context) => [context.orderId],
  async run(ctx) {
    const { orderId } = ctx.context;
    const result = leased ? ctx.cache.getWithLease(cacheKey(orderId)) : ctx.cache.get(cacheKey(orderId));
    if (!result.ok) return { event: { type: 'CACHE_DOWN' }, caption: `The cache refuses the reader's GET of order ${orderId}; it asks Postgres.` };
    if (result.value === null) {
      const lease = 'lease' in result ? result.lease : null;
      return {
        event: { type: 'MISS', lease },
        caption: lease === null ? `The cache has no order ${orderId}; the reader asks Postgres.` : `A miss on order ${orderId}, with lease ${lease}; the reader asks Postgres.`,
      };
    }
    const cached = parseCachedOrder(result.value);
    return { event: { type: 'HIT' }, caption: `The reader gets order ${orderId} at version ${cached?.version ?? '?'} from the cache.` };
  },
});

const load: Operation<ReaderContext> = {
  faults: ['db-unavailable'],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `reading order ${context.orderId} from Postgres`,
  about: (context) => [context.orderId],
  async run(ctx) {
    const { orderId, cacheDown } = ctx.context;
    const result = await ctx.db.statement(`read order ${orderId}`, 'SELECT id, amount_cents, version FROM service.orders WHERE id = $1', [orderId]);
    if (!result.ok) return { event: { type: 'LOAD_FAILED' }, caption: `Postgres refuses the reader's SELECT of order ${orderId}; the read fails.` };
    const row = result.value.rows[0];
    if (!row) return { event: { type: 'LOAD_FAILED' }, caption: `The reader finds no order ${orderId} in Postgres.` };
    const order = rowToOrder(row);
    return {
      event: { type: 'LOADED', order },
      caption: cacheDown
        ? `The reader serves order ${orderId} at version ${order.version} from Postgres, no fill.`
        : `The reader reads order ${orderId} at version ${order.version} from Postgres.`,
    };
  },
};

const fill = (versioned: boolean): Operation<ReaderContext> => ({
  faults: ['cache-unavailable', 'pause'],
  crashable: true,
  latencyMs: 1,
  intent: (context) => `caching version ${context.loaded?.version ?? '?'} of order ${context.orderId}`,
  about: (context) => [context.orderId],
  async run(ctx) {
    const order = ctx.context.loaded!;
    if (ctx.context.lease !== null) {
      // The fill presents the miss's lease; a DEL since then has invalidated it, and the old row stays out.
      const leased = ctx.cache.setWithLease(cacheKey(order.id), cacheValue(order), ctx.context.lease, DEFAULT_TTL_MS);
      if (!leased.ok) return { event: { type: 'FILL_FAILED' }, caption: `The cache refuses the reader's fill of order ${order.id}.` };
      return {
        event: { type: 'FILLED' },
        caption: leased.written
          ? `The reader fills the cache with order ${order.id} at version ${order.version}.`
          : `The cache rejects the fill of version ${order.version}: a DEL invalidated its lease.`,
      };
    }
    if (versioned) {
      // A fill is a write like the writers': with compare-and-set, a row read before a newer commit cannot overwrite it.
      const guarded = ctx.cache.setIfNewer(cacheKey(order.id), cacheValue(order), order.version, DEFAULT_TTL_MS);
      if (!guarded.ok) return { event: { type: 'FILL_FAILED' }, caption: `The cache refuses the reader's fill of order ${order.id}.` };
      return {
        event: { type: 'FILLED' },
        caption: guarded.written
          ? `The reader fills the cache with order ${order.id} at version ${order.version}.`
          : `The cache keeps version ${guarded.cachedVersion}; the reader's older version ${order.version} is not filled.`,
      };
    }
    const result = ctx.cache.set(cacheKey(order.id), cacheValue(order), DEFAULT_TTL_MS);
    return result.ok
      ? { event: { type: 'FILLED' }, caption: `The reader fills the cache with order ${order.id} at version ${order.version}.` }
      : { event: { type: 'FILL_FAILED' }, caption: `The cache refuses the reader's fill of order ${order.id}.` };
  },
});

/**
 * `versioned`: the fill is a compare-and-set on the version, like the writers' SETs (versioned-set).
 * `leased`: a miss comes with a lease and the fill presents it (cache-delete's lease variant).
 */
export function readerProcess({ readAt = READ_TIMES, versioned = false, leased = false }: { readAt?: readonly number[]; versioned?: boolean; leased?: boolean } = {}): ProcessSpec {
  return {
    id: READER_PARTICIPANT,
    machine: readerMachine,
    input: { orderId: STORY_ORDER.id, readAt: [...readAt] },
    operations: { lookup: lookup(leased), load, fill: fill(versioned), restart: restartOperation(READER_LABEL) },
  };
}

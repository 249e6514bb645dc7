/**
 * Cache-aside in front of Postgres, the part `cache-set` and `cache-delete` share.
 *
 * - Writers (two instances of one order service, `service` and `service-2`) update an order in
 *   one transaction and, once it has committed, touch the cache in a step of their own: SET the
 *   row they wrote, or DEL the key. Between the commit and that call anything can happen (a crash,
 *   a refused call, a long pause), which is the whole point of the lab.
 * - The reader looks in the cache first; on a miss it reads Postgres and fills the cache with what
 *   it read, again in a step of its own, so a pause between its SELECT and its SET can be armed.
 *
 * The cached value is the row as JSON, `{ id, amount_cents, version }`: the checker compares its
 * `version` with `service.orders.version` for every key still alive when the run ends.
 */
import { and, assign, setup } from 'xstate';
import type { InspectionSources, Operation, ProcessSpec } from '../kernel/pattern';
import type { SqlRunner } from '../kernel/traced-database';
import type { TableSnapshot } from '../kernel/types';
import { DEFAULT_TTL_MS } from './cache';
import { CLIENT_PARTICIPANT, type ScheduledRequest } from './client';
import {
  idleState,
  orderServiceImplementations,
  orderServiceRootTransitions,
  SERVICE_PARTICIPANT,
  serviceCrashedState,
  type OrderServiceContext,
  type OrderServiceEvent,
} from './order-service';
import { currentOrder } from './orders-concerned';
import { CRASHED_STATE, lowerFirst, restartOperation } from './process';

export const SECOND_WRITER_PARTICIPANT = 'service-2';
export const READER_PARTICIPANT = 'reader';

/** Participant labels; captions use them lower-cased ("The second writer commits…"). */
export const WRITER_LABEL = 'Writer';
export const SECOND_WRITER_LABEL = 'Second writer';
export const READER_LABEL = 'Reader';

/** Orders carry a version that every update bumps: the cache's copy says which one it is. */
export const VERSIONED_ORDERS_TABLE = `CREATE TABLE service.orders (
  id integer PRIMARY KEY,
  customer text NOT NULL,
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  version integer NOT NULL,
  updated_at timestamptz NOT NULL
)`;

/** The one order of the story; it exists before the run starts. */
export const STORY_ORDER = { id: 1, customer: 'customer-1', amountCents: 1000 } as const;

/**
 * The story's timeline, in simulated ms. The reader reads before, between and after the two
 * writes, and once more well after a 2 s pause would have ended, so a stale value left behind
 * is seen being served. The writes are far enough apart that, without faults, each has finished
 * before the next read.
 */
export const READ_TIMES = [0, 200, 400, 2500] as const;
export const WRITE_SCRIPT: ScheduledRequest[] = [
  { at: 100, request: { orderId: STORY_ORDER.id, customer: STORY_ORDER.customer, amountCents: 2000, kind: 'change', via: SERVICE_PARTICIPANT } },
  { at: 300, request: { orderId: STORY_ORDER.id, customer: STORY_ORDER.customer, amountCents: 3000, kind: 'change', via: SECOND_WRITER_PARTICIPANT } },
];

/** Puts order 1 at version 1 in Postgres before the first step, outside the trace. */
export async function insertStoryOrder(runner: SqlRunner, at: string): Promise<void> {
  await runner.query('INSERT INTO service.orders (id, customer, amount_cents, version, updated_at) VALUES ($1, $2, $3, 1, $4)', [
    STORY_ORDER.id,
    STORY_ORDER.customer,
    STORY_ORDER.amountCents,
    at,
  ]);
}

// ---- the cached value ------------------------------------------------------------------------

export interface CachedOrder {
  id: number;
  amount_cents: number;
  version: number;
}

export function cacheKey(orderId: number): string {
  return `order:${orderId}`;
}

export function cacheValue(order: CachedOrder): string {
  return JSON.stringify({ id: order.id, amount_cents: order.amount_cents, version: order.version });
}

/** The order in a cached value, or null when the value is not one (never written by this lab). */
export function parseCachedOrder(value: string): CachedOrder | null {
  try {
    const parsed = JSON.parse(value) as Partial<CachedOrder>;
    return typeof parsed.id === 'number' && typeof parsed.version === 'number' && typeof parsed.amount_cents === 'number'
      ? { id: parsed.id, amount_cents: parsed.amount_cents, version: parsed.version }
      : null;
  } catch {
    return null;
  }
}

function euros(cents: number): string {
  return `${cents / 100} EUR`;
}

function rowToOrder(row: Record<string, unknown>): CachedOrder {
  return { id: Number(row.id), amount_cents: Number(row.amount_cents), version: Number(row.version) };
}

// ---- the writers -----------------------------------------------------------------------------

/** What a writer does to the cache once its update has committed. */
export type CacheStep = 'set' | 'delete';

interface WriterContext extends OrderServiceContext {
  /** The row the update committed, for the SET that follows. */
  written: CachedOrder | null;
}

type WriterEvent =
  | OrderServiceEvent
  | { type: 'UPDATED'; order: CachedOrder }
  | { type: 'UPDATE_FAILED' }
  | { type: 'CACHE_DONE' }
  | { type: 'CACHE_FAILED' };

const freshWriter = (): WriterContext => ({ queue: [], current: null, written: null });

/** The state after the commit and the operation it performs, by cache step. */
export const CACHE_STEP_STATE: Record<CacheStep, string> = { set: 'setting-cache', delete: 'deleting-key' };
export const CACHE_STEP_OP: Record<CacheStep, string> = { set: 'cache-set', delete: 'cache-delete' };

/** One writer statechart per cache step; both writer instances run the same one. */
export function createWriterMachine(step: CacheStep) {
  const shared = orderServiceImplementations<WriterContext, WriterEvent>(freshWriter);
  return setup({
    types: { context: {} as WriterContext, events: {} as WriterEvent },
    guards: shared.guards,
    actions: {
      ...shared.actions,
      finishRequest: assign({ current: null, written: null }),
      keepWritten: assign({ written: ({ event }) => (event.type === 'UPDATED' ? event.order : null) }),
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
          UPDATED: { target: CACHE_STEP_STATE[step], actions: 'keepWritten' },
          // The writer only touches the cache after a commit it heard about.
          UPDATE_FAILED: { target: 'idle', actions: 'finishRequest' },
        },
      },
      [CACHE_STEP_STATE[step]]: {
        meta: { op: CACHE_STEP_OP[step] },
        on: {
          CACHE_DONE: { target: 'idle', actions: 'finishRequest' },
          // A failed cache call is logged and swallowed: the request already succeeded in Postgres.
          CACHE_FAILED: { target: 'idle', actions: 'finishRequest' },
        },
      },
      [CRASHED_STATE]: serviceCrashedState,
    },
    on: orderServiceRootTransitions,
  });
}

function updateOrder(who: string): Operation<WriterContext> {
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
            ? `The ${who} hears an error, though order ${request.orderId} committed; it skips the cache.`
            : `Postgres refuses the ${who}'s update of order ${request.orderId}; nothing changes.`,
        };
      }
      if (!row) {
        ctx.emit({ from: ctx.actor, to: CLIENT_PARTICIPANT, kind: 'reply', label: '404 Not Found', ok: false });
        return { event: { type: 'UPDATE_FAILED' }, caption: `The ${who} finds no order ${request.orderId} to update.` };
      }
      return {
        event: { type: 'UPDATED', order: row },
        caption: `The ${who} commits order ${row.id} at version ${row.version} (${euros(row.amount_cents)}).`,
      };
    },
  };
}

/** The order whose committed row the writer is about to put in (or take out of) the cache. */
function writtenOrder(context: WriterContext): number[] {
  return context.written ? [context.written.id] : [];
}

function setCachedOrder(who: string): Operation<WriterContext> {
  return {
    faults: ['cache-unavailable', 'pause'],
    crashable: true,
    latencyMs: 2,
    intent: (context) => `caching version ${context.written?.version ?? '?'} of order ${context.written?.id ?? '?'}`,
    about: writtenOrder,
    async run(ctx) {
      const order = ctx.context.written!;
      const result = ctx.cache.set(cacheKey(order.id), cacheValue(order), DEFAULT_TTL_MS);
      ctx.emit({ from: ctx.actor, to: CLIENT_PARTICIPANT, kind: 'reply', label: `200 OK (order ${order.id}, version ${order.version})`, ok: true });
      return result.ok
        ? { event: { type: 'CACHE_DONE' }, caption: `The ${who} sets order ${order.id} to version ${order.version} in the cache.` }
        : { event: { type: 'CACHE_FAILED' }, caption: `The cache refuses the ${who}'s SET of order ${order.id}; it moves on.` };
    },
  };
}

function deleteCachedOrder(who: string): Operation<WriterContext> {
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
      return result.ok
        ? { event: { type: 'CACHE_DONE' }, caption: `The ${who} deletes order ${order.id} from the cache.` }
        : { event: { type: 'CACHE_FAILED' }, caption: `The cache refuses the ${who}'s DEL of order ${order.id}; it moves on.` };
    },
  };
}

/** The two writer instances, each its own process running the same statechart. */
export function writerProcesses(step: CacheStep): ProcessSpec[] {
  const machine = createWriterMachine(step);
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
        'update-order': updateOrder(who),
        [CACHE_STEP_OP[step]]: step === 'set' ? setCachedOrder(who) : deleteCachedOrder(who),
        restart: restartOperation(label),
      },
    };
  });
}

// ---- the reader ------------------------------------------------------------------------------

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
}

type ReaderEvent =
  | { type: 'HIT' }
  | { type: 'MISS' }
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
    startNextRead: assign(({ context }) => ({ next: context.next + 1, loaded: null, cacheDown: false })),
  },
}).createMachine({
  id: READER_PARTICIPANT,
  context: ({ input }) => ({ orderId: input.orderId, readAt: input.readAt, next: 0, loaded: null, cacheDown: false }),
  initial: 'looking-up',
  states: {
    'looking-up': {
      meta: { op: 'lookup', notBefore: (context: ReaderContext) => context.readAt[context.next] ?? 0 },
      on: {
        HIT: nextRead,
        MISS: 'loading',
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

const lookup: Operation<ReaderContext> = {
  faults: ['cache-unavailable'],
  crashable: true,
  latencyMs: 1,
  intent: (context) => `looking up order ${context.orderId} in the cache`,
  about: (context) => [context.orderId],
  async run(ctx) {
    const { orderId } = ctx.context;
    const result = ctx.cache.get(cacheKey(orderId));
    if (!result.ok) return { event: { type: 'CACHE_DOWN' }, caption: `The cache refuses the reader's GET of order ${orderId}; it asks Postgres.` };
    if (result.value === null) return { event: { type: 'MISS' }, caption: `The cache has no order ${orderId}; the reader asks Postgres.` };
    const cached = parseCachedOrder(result.value);
    return { event: { type: 'HIT' }, caption: `The reader gets order ${orderId} at version ${cached?.version ?? '?'} from the cache.` };
  },
};

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

const fill: Operation<ReaderContext> = {
  faults: ['cache-unavailable', 'pause'],
  crashable: true,
  latencyMs: 1,
  intent: (context) => `caching version ${context.loaded?.version ?? '?'} of order ${context.orderId}`,
  about: (context) => [context.orderId],
  async run(ctx) {
    const order = ctx.context.loaded!;
    const result = ctx.cache.set(cacheKey(order.id), cacheValue(order), DEFAULT_TTL_MS);
    return result.ok
      ? { event: { type: 'FILLED' }, caption: `The reader fills the cache with order ${order.id} at version ${order.version}.` }
      : { event: { type: 'FILL_FAILED' }, caption: `The cache refuses the reader's fill of order ${order.id}.` };
  },
};

export function readerProcess(readAt: readonly number[] = READ_TIMES): ProcessSpec {
  return {
    id: READER_PARTICIPANT,
    machine: readerMachine,
    input: { orderId: STORY_ORDER.id, readAt: [...readAt] },
    operations: { lookup, load, fill, restart: restartOperation(READER_LABEL) },
  };
}

// ---- what the live views show ----------------------------------------------------------------

/** Every GET the reader made and what the cache answered, from the cache's own read log. */
export function readerReads(sources: InspectionSources): TableSnapshot {
  return {
    name: 'reader GETs',
    note: 'What the cache answered each GET of the reader (simulated ms). A hit is served as is.',
    columns: ['t_ms', 'key', 'answer'],
    rows: sources.cache
      .reads()
      .filter((r) => r.by === READER_PARTICIPANT)
      .map((r) => {
        const cached = r.value === null ? null : parseCachedOrder(r.value);
        return { t_ms: r.t, key: r.key, answer: r.value === null ? 'miss' : `hit: version ${cached?.version ?? '?'}` };
      }),
  };
}

export function cacheAsideInspections(sources: InspectionSources): TableSnapshot[] {
  return [sources.cache.inspection(sources.now), readerReads(sources)];
}

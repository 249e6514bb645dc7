/**
 * The storefront: someone else reading while sagas run. Every little while it reads the orders'
 * statuses from the order service and the stock on hand from the stock service, and keeps what
 * it saw. A saga has no isolation: between its steps the other services show its half-way state
 * (stock taken for an order still PENDING, a charge for an order that will be cancelled), and
 * these reads are the record that someone saw it.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import type { TableSnapshot } from '../../kernel/types';
import { STOCK_SKU } from '../../actors/stock-service';

export const STOREFRONT_PARTICIPANT = 'storefront';

export interface StorefrontRead {
  t: number;
  /** `1 PENDING, 2 CONFIRMED` */
  orders: string;
  available: number | null;
}

interface StorefrontContext {
  reads: StorefrontRead[];
  /** The order statuses just read, waiting for the stock read that completes the page. */
  orders: string | null;
}

type StorefrontEvent = { type: 'ORDERS_READ'; orders: string } | { type: 'STOCK_READ'; read: StorefrontRead };

/** Enough to see a run's story without the view growing with every poll. */
const READS_KEPT = 30;

export const storefrontMachine = setup({
  types: { context: {} as StorefrontContext, events: {} as StorefrontEvent },
}).createMachine({
  id: 'storefront',
  context: { reads: [], orders: null },
  initial: 'readingOrders',
  states: {
    // It never has work of its own: the run may settle once it has read after the last change.
    // Two calls to two services, one after the other: a saga step can land between them.
    readingOrders: {
      tags: ['polled-empty'],
      meta: { op: 'read-orders', delay: 'consumerPollMs' },
      on: { ORDERS_READ: { target: 'readingStock', actions: assign({ orders: ({ event }) => event.orders }) } },
    },
    // Not settled half-way through a page: the run waits for the stock read that completes it.
    readingStock: {
      meta: { op: 'read-stock' },
      on: { STOCK_READ: { target: 'readingOrders', actions: assign({ reads: ({ context, event }) => [...context.reads, event.read].slice(-READS_KEPT), orders: null }) } },
    },
  },
});

const readOrders: Operation<StorefrontContext> = {
  faults: [],
  crashable: false,
  latencyMs: 2,
  intent: () => 'reading the orders',
  async run(ctx) {
    const orders = await ctx.db.statement<{ id: number; status: string }>('storefront: GET /orders', 'SELECT id, status FROM service.orders ORDER BY id');
    const seen = orders.ok ? orders.value.rows.map((r) => `${r.id} ${r.status}`).join(', ') : 'unreadable';
    const ids = orders.ok ? orders.value.rows.map((r) => Number(r.id)) : [];
    return { event: { type: 'ORDERS_READ', orders: seen }, orders: ids, caption: `The storefront sees orders ${seen || 'none'}.` };
  },
};

const readStock: Operation<StorefrontContext> = {
  faults: [],
  crashable: false,
  latencyMs: 2,
  intent: () => 'reading the stock',
  async run(ctx) {
    const stock = await ctx.db.statement<{ available: number }>('storefront: GET /stock', 'SELECT available FROM stock.items WHERE sku = $1', [STOCK_SKU]);
    const available = stock.ok ? (stock.value.rows[0]?.available ?? null) : null;
    const read: StorefrontRead = { t: ctx.now, orders: ctx.context.orders ?? '', available };
    return { event: { type: 'STOCK_READ', read }, caption: `The storefront sees ${available ?? 'unknown'} items in stock.` };
  },
};

/** The reads the storefront was served, newest last: the saga's intermediate states as others saw them. */
export function storefrontReads(context: unknown): TableSnapshot {
  const reads = (context as StorefrontContext | undefined)?.reads ?? [];
  return {
    name: 'storefront reads',
    note: 'What another reader was shown between the saga\'s steps: states no transaction would have let it see.',
    columns: ['t_ms', 'orders', 'stock_available'],
    rows: reads.map((r) => ({ t_ms: r.t, orders: r.orders, stock_available: r.available })),
  };
}

export function storefrontProcess(): ProcessSpec {
  return { id: STOREFRONT_PARTICIPANT, machine: storefrontMachine, operations: { 'read-orders': readOrders, 'read-stock': readStock } };
}

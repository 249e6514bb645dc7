/**
 * saga — an order that needs three services: the stock service reserves an item, the payment
 * service charges the card, and the order service confirms the order. No transaction spans the
 * three databases, so an orchestrator runs them as a saga: one local transaction per service, in
 * order, and when one refuses, compensations (refund, release) undo the ones before it and the
 * order is cancelled. Its memory is the saga log, written around every step, so a crashed
 * orchestrator resumes where the log says; a compensation that fails is retried until it holds.
 * What it costs: no isolation (others see the saga half-way: the storefront reads it), every
 * step and compensation must be idempotent, and a saga that gives up is left half-done.
 */
import type { Operation } from '../../kernel/pattern';
import { CLIENT_PARTICIPANT, clientProcess } from '../../actors/client';
import { createSingleWriteServiceMachine, type OrderServiceContext, SERVICE_PARTICIPANT } from '../../actors/order-service';
import { currentOrder } from '../../actors/orders-concerned';
import { amountFor, insertOrder } from '../../actors/order-writes';
import { restartOperation } from '../../actors/process';
import { PAYMENT_SEED_SQL, PAYMENT_TABLES } from '../../actors/payment-service';
import { STOCK_SEED_SQL, STOCK_TABLES } from '../../actors/stock-service';
import { definePattern } from '../../kernel/pattern';
import { info } from './info';
import { ORCHESTRATOR_PARTICIPANT, orchestratorMemory, orchestratorProcess } from './orchestrator';
import { sagaOutcome } from './outcome';
import { BEGIN_STEP, SAGA_LOG_STEP_INDEX, SAGA_LOG_TABLE } from './saga-log';
import { STOREFRONT_PARTICIPANT, storefrontProcess, storefrontReads } from './storefront';

/** The order service's orders, with the status the saga moves: PENDING until confirmed or cancelled. */
export const SAGA_ORDERS_TABLE = `CREATE TABLE service.orders (
  id integer PRIMARY KEY,
  customer text NOT NULL,
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'CONFIRMED', 'CANCELLED')),
  created_at timestamptz NOT NULL
)`;

export const sagaService = createSingleWriteServiceMachine<OrderServiceContext>(() => ({ queue: [], current: null }));

/**
 * The order, PENDING, and the saga's first log entry commit together: a saga exists exactly when
 * its order does. The client hears 202 (accepted, not yet done); the orchestrator is woken at once.
 */
const startSaga: Operation<OrderServiceContext> = {
  faults: ['db-write-fails', 'commit-unknown'],
  crashable: true,
  latencyMs: 5,
  intent: (context) => `starting the saga for order ${context.current?.orderId ?? '?'}`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const sagaId = ctx.nextId('saga');
    const at = ctx.timestamp();
    const written = await ctx.db.transaction(`insert order ${request.orderId} + begin ${sagaId}`, async (tx) => {
      await insertOrder(tx, request, amountFor(request, ctx), at);
      await tx.query("INSERT INTO service.saga_log (saga_id, seq, order_id, step, status, at) VALUES ($1, 1, $2, $3, 'started', $4)", [sagaId, request.orderId, BEGIN_STEP, at]);
    });
    if (!written.ok) {
      ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: '500 Internal Server Error', ok: false });
      return {
        event: { type: 'WRITE_FAILED' },
        caption: written.committed
          ? `The service sees an error, though order ${request.orderId} and ${sagaId} committed.`
          : `Postgres rejects order ${request.orderId}; no saga starts.`,
      };
    }
    ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: `202 Accepted (order ${request.orderId}, PENDING)`, ok: true });
    // A wake-up only: if the orchestrator is down or busy, it finds the saga in the log anyway.
    ctx.send(ORCHESTRATOR_PARTICIPANT, { type: 'WAKE' }, { quiet: true });
    return { event: { type: 'WRITTEN' }, caption: `The service commits order ${request.orderId}, PENDING, and begins ${sagaId}.` };
  },
};

export const pattern = definePattern({
  info,
  components: () => ({}),
  outcome: (sources) => sagaOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders),
  schema: () => [SAGA_ORDERS_TABLE, SAGA_LOG_TABLE, SAGA_LOG_STEP_INDEX, ...STOCK_TABLES, ...PAYMENT_TABLES],
  prepareRun: async (runner) => {
    // What the warehouse and the card issuer hold before anyone orders: set up outside the trace.
    await runner.exec(`${STOCK_SEED_SQL}; ${PAYMENT_SEED_SQL}`);
  },
  // The storefront looks often enough to catch a saga between its steps.
  timing: { consumerPollMs: 50 },
  inspect: async ({ contexts }) => [orchestratorMemory(contexts[ORCHESTRATOR_PARTICIPANT]), storefrontReads(contexts[STOREFRONT_PARTICIPANT])],
  processes: ({ variant }) => [
    { id: SERVICE_PARTICIPANT, machine: sagaService, operations: { 'write-order': startSaga, restart: restartOperation('Order service') } },
    orchestratorProcess(variant),
    storefrontProcess(),
  ],
});

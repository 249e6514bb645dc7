/**
 * job-queue — the service writes the order and a job row in one transaction (a Postgres job
 * table, as River, graphile-worker and pgmq keep one), so the job exists exactly when the order
 * does. A worker claims it, publishes OrderPlaced, and marks it completed; failed attempts are
 * retried with backoff. What it costs: a crash between the publish and the completion runs the
 * job again once its lease runs out (at least once, like any outbox), and a job that fails every
 * attempt is discarded — its event never leaves, and nothing but the jobs table says so.
 *
 * The `two-workers` variant runs two workers on one table: SKIP LOCKED lets each claim another
 * job, and a crashed worker's job is run again by whichever worker claims it after the lease.
 */
import type { Operation } from '../../kernel/pattern';
import { CLIENT_PARTICIPANT, clientProcess } from '../../actors/client';
import { createSingleWriteServiceMachine, type OrderServiceContext, SERVICE_PARTICIPANT } from '../../actors/order-service';
import { consumerProcess } from '../../actors/consumer';
import { ORDERS_TOPIC } from '../../actors/outbox-relay';
import { currentOrder } from '../../actors/orders-concerned';
import { CONSUMER_TABLES, ORDERS_TABLE } from '../../actors/postgres';
import { restartOperation } from '../../actors/process';
import { definePattern } from '../../kernel/pattern';
import { broker } from '../../actors/components';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import { amountFor, insertOrder } from '../../actors/order-writes';
import { info } from './info';
import {
  leasesInspection,
  MAX_ATTEMPTS,
  PUBLISH_JOB_KIND,
  SECOND_WORKER_PARTICIPANT,
  WORKER_PARTICIPANT,
  workerMemory,
  workerProcess,
} from './worker';

/**
 * River's `river_job`, cut down to what the lab's worker reads and writes, in its column names;
 * `last_error` (graphile-worker's) stands in for River's array of every attempt's error.
 */
export const JOBS_TABLE = `CREATE TABLE service.jobs (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  args jsonb NOT NULL,
  state text NOT NULL DEFAULT 'available' CHECK (state IN ('available', 'running', 'retryable', 'completed', 'discarded')),
  attempt integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  scheduled_at timestamptz NOT NULL,
  attempted_at timestamptz,
  attempted_by text,
  last_error text,
  created_at timestamptz NOT NULL,
  finalized_at timestamptz
)`;

// The claim looks for due jobs by state and time; without this it scans every finished job too.
export const JOBS_FETCH_INDEX = 'CREATE INDEX jobs_fetch ON service.jobs (state, scheduled_at, id)';

export const jobQueueService = createSingleWriteServiceMachine<OrderServiceContext>(() => ({ queue: [], current: null }));

/**
 * The service's one transaction: the order and its job. The event id is chosen here and kept in
 * the args, so every attempt publishes the same id and an idempotent consumer can spot a repeat.
 */
const writeOrderAndJob: Operation<OrderServiceContext> = {
  faults: ['db-write-fails', 'commit-unknown', 'malformed-event'],
  crashable: true,
  latencyMs: 5,
  intent: (context) => `writing order ${context.current?.orderId ?? '?'} and its job`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const eventId = ctx.nextId('evt');
    const at = ctx.timestamp();
    // A malformed job: the args lack the order id, so no attempt of any worker can run it.
    const malformed = ctx.faultHere('malformed-event');
    if (malformed) ctx.strike();
    const args = malformed ? { eventId } : { orderId: request.orderId, eventId };
    const written = await ctx.db.transaction(`insert order ${request.orderId} + job`, async (tx) => {
      await insertOrder(tx, request, amountFor(request, ctx), at);
      await tx.query(
        `INSERT INTO service.jobs (kind, args, max_attempts, scheduled_at, created_at)
         VALUES ($1, $2, $3, $4, $4)`,
        [PUBLISH_JOB_KIND, JSON.stringify(args), MAX_ATTEMPTS, at],
      );
    });
    if (!written.ok) {
      ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: '500 Internal Server Error', ok: false });
      return {
        event: { type: 'WRITE_FAILED' },
        caption: written.committed
          ? `The service sees an error, though order ${request.orderId} committed with its job.`
          : `Postgres rejects order ${request.orderId}; the order and its job roll back.`,
      };
    }
    ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: `201 Created (order ${request.orderId})`, ok: true });
    return {
      event: { type: 'WRITTEN' },
      caption: malformed
        ? `The service commits order ${request.orderId} with a job whose args lack orderId.`
        : `The service commits order ${request.orderId} and its job in one transaction.`,
    };
  },
};

export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  // The jobs table is bookkeeping: the checker judges orders against the topic and the shipments.
  outcome: (sources) => shipmentsOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders),
  schema: () => [ORDERS_TABLE, JOBS_TABLE, JOBS_FETCH_INDEX, ...CONSUMER_TABLES],
  inspect: async ({ contexts, runner }, variant) => {
    const workers = variant === 'two-workers' ? [WORKER_PARTICIPANT, SECOND_WORKER_PARTICIPANT] : [WORKER_PARTICIPANT];
    return [...workers.map((id) => workerMemory(id, contexts[id])), await leasesInspection(runner)];
  },
  processes: ({ variant }) => [
    { id: SERVICE_PARTICIPANT, machine: jobQueueService, operations: { 'write-order': writeOrderAndJob, restart: restartOperation('Order service') } },
    workerProcess(WORKER_PARTICIPANT, 'Job worker'),
    ...(variant === 'two-workers' ? [workerProcess(SECOND_WORKER_PARTICIPANT, 'Job worker 2')] : []),
    consumerProcess(ORDERS_TOPIC, 'Shipping consumer'),
  ],
});

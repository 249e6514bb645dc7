/**
 * durable-execution — the service starts a workflow (one `workflow_status` row, PENDING, with the
 * request as its inputs) and the engine's executor runs its steps, checkpointing each output in
 * `operation_outputs`, in DBOS's table and column names. Step 1 is a transactional step: the order
 * and its output commit together, so a crash never leaves one without the other. Step 2 publishes
 * OrderPlaced, then checkpoints; a crash between the publish and its checkpoint runs it again on
 * recovery (at least once), and only the idempotency key in its event id saves the consumer from
 * a second effect. What it costs: two tables written on every request, and rows kept until pruned.
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
import { info } from './info';
import { executorMemory, executorProcess, WORKFLOW_PARTICIPANT } from './executor';

/** DBOS's `workflow_status`, cut down to what the lab's executor reads and writes (older DBOS kept `inputs` in `workflow_inputs`). */
export const WORKFLOW_STATUS_TABLE = `CREATE TABLE service.workflow_status (
  workflow_uuid text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('PENDING', 'SUCCESS', 'ERROR')),
  name text NOT NULL,
  inputs text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
)`;

/**
 * DBOS's `operation_outputs`: one row per finished step, keyed by workflow and step number. Real
 * DBOS keeps a transactional step's output in `transaction_outputs` in the application database,
 * so it can commit with the business write, and other steps' in its system database; the lab has
 * one database, so one table holds both.
 */
export const OPERATION_OUTPUTS_TABLE = `CREATE TABLE service.operation_outputs (
  workflow_uuid text NOT NULL REFERENCES service.workflow_status (workflow_uuid) ON DELETE CASCADE,
  function_id integer NOT NULL,
  function_name text NOT NULL,
  output text,
  PRIMARY KEY (workflow_uuid, function_id)
)`;

// Recovery looks for PENDING workflows; without this it scans every finished one too.
export const WORKFLOW_STATUS_INDEX = 'CREATE INDEX workflow_status_pending ON service.workflow_status (status, created_at)';

export const durableService = createSingleWriteServiceMachine<OrderServiceContext>(() => ({ queue: [], current: null }));

/** Starting the workflow: one row; the client hears back once it is durable, before any step runs. */
const startWorkflow: Operation<OrderServiceContext> = {
  faults: ['commit-unknown'],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `starting the workflow for order ${context.current?.orderId ?? '?'}`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const workflowId = ctx.nextId('wf');
    const at = ctx.timestamp();
    const started = await ctx.db.statement(
      `start workflow ${workflowId}`,
      "INSERT INTO service.workflow_status (workflow_uuid, status, name, inputs, created_at, updated_at) VALUES ($1, 'PENDING', 'placeOrder', $2, $3, $3)",
      [workflowId, JSON.stringify(request), at],
    );
    if (!started.ok) {
      ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: '500 Internal Server Error', ok: false });
      return {
        event: { type: 'WRITE_FAILED' },
        caption: started.committed
          ? `The service sees an error, though workflow ${workflowId} started.`
          : `Postgres rejects workflow ${workflowId}; nothing starts.`,
      };
    }
    ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: `202 Accepted (order ${request.orderId})`, ok: true });
    return { event: { type: 'WRITTEN' }, caption: `The service starts workflow ${workflowId} for order ${request.orderId}, PENDING.` };
  },
};

export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  // The workflow tables are bookkeeping: the checker judges orders against the topic and the shipments.
  outcome: (sources) => shipmentsOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders),
  schema: () => [ORDERS_TABLE, WORKFLOW_STATUS_TABLE, OPERATION_OUTPUTS_TABLE, WORKFLOW_STATUS_INDEX, ...CONSUMER_TABLES],
  inspect: async ({ contexts }) => [executorMemory(contexts[WORKFLOW_PARTICIPANT])],
  processes: ({ variant }) => [
    { id: SERVICE_PARTICIPANT, machine: durableService, operations: { 'write-order': startWorkflow, restart: restartOperation('Order service') } },
    executorProcess(variant),
    consumerProcess(ORDERS_TOPIC, 'Shipping consumer'),
  ],
});

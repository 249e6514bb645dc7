/**
 * The workflow executor, as DBOS runs one inside the service (the lab runs it beside it): it
 * recovers the oldest PENDING workflow from `workflow_status`, reads which steps already have an
 * output in `operation_outputs`, skips them, and runs the next. Step 1 (the order) is a
 * transactional step: its output commits with the order. Step 2 (the publish) is an ordinary
 * step: it runs, then its output is checkpointed in a transaction of its own, so a crash between
 * the two runs it again on recovery. Its event id is the workflow id and step number, the
 * idempotency key a consumer can dedupe on. The lab polls for PENDING workflows every
 * relayPollMs; real DBOS recovers them once when the executor starts.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import type { Transaction } from '../../kernel/traced-database';
import type { TableSnapshot } from '../../kernel/types';
import type { OrderRequest } from '../../actors/client';
import { ORDERS_TOPIC } from '../../actors/outbox-relay';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import { amountFor, insertOrder } from '../../actors/order-writes';

export const WORKFLOW_PARTICIPANT = 'workflow';
export const ORDER_STEP = 1;
export const PUBLISH_STEP = 2;

export interface Workflow {
  workflow_uuid: string;
  inputs: string;
  done: number;
}

export interface ExecutorContext {
  workflow: Workflow | null;
}

type ExecutorEvent =
  | { type: 'RUN_ORDER'; workflow: Workflow }
  | { type: 'RUN_PUBLISH'; workflow: Workflow }
  | { type: 'RUN_FINISH'; workflow: Workflow }
  | { type: 'EMPTY' }
  | { type: 'STEP_DONE' }
  | { type: 'ORDER_WRITTEN' }
  | { type: 'GAVE_UP' }
  | { type: 'STEP_FAILED' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

const request = (workflow: Workflow): OrderRequest => JSON.parse(workflow.inputs) as OrderRequest;
const orders = (context: ExecutorContext): number[] => (context.workflow ? [request(context.workflow).orderId] : []);
/** The idempotency key of a step: the workflow id and the step number, as DBOS exposes them. */
export const stepEventId = (workflowId: string, step: number): string => `${workflowId}:${step}`;

const recoverTransitions = {
  RUN_ORDER: { target: 'ordering', actions: 'take' },
  RUN_PUBLISH: { target: 'publishing', actions: 'take' },
  RUN_FINISH: { target: 'finishing', actions: 'take' },
  EMPTY: { target: 'idle', reenter: true },
  STEP_FAILED: { target: 'sleeping', reenter: true },
} as const;

export const executorMachine = setup({
  types: { context: {} as ExecutorContext, events: {} as ExecutorEvent },
  actions: {
    take: assign(({ event }) => ('workflow' in event ? { workflow: event.workflow } : {})),
    drop: assign({ workflow: null }),
  },
}).createMachine({
  id: 'workflow-executor',
  context: { workflow: null },
  initial: 'idle',
  states: {
    idle: { tags: ['polled-empty'], meta: { op: 'recover', delay: 'relayPollMs' }, on: recoverTransitions },
    // After a failed step: the workflow is still PENDING, so look again after a poll, not "settled".
    sleeping: { meta: { op: 'recover', delay: 'relayPollMs' }, on: recoverTransitions },
    // Right after a step: look for the next at once.
    resuming: { meta: { op: 'recover' }, on: recoverTransitions },
    ordering: {
      meta: { op: 'order-step' },
      on: { STEP_DONE: 'publishing', ORDER_WRITTEN: 'recordingOrder', STEP_FAILED: { target: 'sleeping', actions: 'drop' }, GAVE_UP: { target: 'resuming', actions: 'drop' } },
    },
    // no-transactional-step only: step 1's output in a transaction after the order's.
    recordingOrder: { meta: { op: 'checkpoint-order' }, on: { STEP_DONE: 'publishing', STEP_FAILED: { target: 'sleeping', actions: 'drop' } } },
    publishing: { meta: { op: 'publish-step' }, on: { STEP_DONE: 'checkpointing', STEP_FAILED: { target: 'sleeping', actions: 'drop' } } },
    checkpointing: { meta: { op: 'checkpoint' }, on: { STEP_DONE: 'finishing', STEP_FAILED: { target: 'sleeping', actions: 'drop' } } },
    finishing: { meta: { op: 'finish' }, on: { STEP_DONE: { target: 'resuming', actions: 'drop' }, STEP_FAILED: { target: 'sleeping', actions: 'drop' } } },
    [CRASHED_STATE]: { meta: { op: 'restart', delay: 'restartMs' }, on: { RESTARTED: { target: 'resuming', actions: 'drop' } } },
  },
  on: { CRASH: `.${CRASHED_STATE}` },
});

const recover: Operation<ExecutorContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: () => 'recovering pending workflows',
  async run(ctx) {
    const found = await ctx.db.statement<Workflow>(
      'find a pending workflow',
      `SELECT w.workflow_uuid, w.inputs, (SELECT count(*)::int FROM service.operation_outputs o WHERE o.workflow_uuid = w.workflow_uuid) AS done
       FROM service.workflow_status w WHERE w.status = 'PENDING' ORDER BY w.created_at, w.workflow_uuid LIMIT 1`,
    );
    if (!found.ok) return { event: { type: 'STEP_FAILED' }, caption: 'The executor fails to read workflow_status.' };
    const workflow = found.value.rows[0];
    if (!workflow) return { event: { type: 'EMPTY' }, caption: 'The executor finds no pending workflow.' };
    const orderIds = [request(workflow).orderId];
    if (workflow.done === 0) return { event: { type: 'RUN_ORDER', workflow }, orders: orderIds, caption: `The executor picks up workflow ${workflow.workflow_uuid}: no step recorded yet.` };
    if (workflow.done === 1) return { event: { type: 'RUN_PUBLISH', workflow }, orders: orderIds, caption: `The executor resumes ${workflow.workflow_uuid}, skipping step 1: its output is recorded.` };
    return { event: { type: 'RUN_FINISH', workflow }, orders: orderIds, caption: `The executor resumes ${workflow.workflow_uuid}: both steps recorded.` };
  },
};

const DUPLICATE_KEY = /duplicate key value violates unique constraint/;

/**
 * Step 1. Transactional (default): the order and the step's output in one transaction. Without
 * it, the order commits alone and its output follows; a re-run then hits the order's primary key,
 * an error no retry cures, and the workflow ends in ERROR, as a DBOS step that throws does.
 */
const orderStep = (transactional: boolean): Operation<ExecutorContext> => ({
  faults: ['db-write-fails', 'commit-unknown'],
  crashable: true,
  latencyMs: 5,
  intent: (context) => `running step 1 of ${context.workflow?.workflow_uuid ?? '?'}`,
  about: orders,
  async run(ctx) {
    const workflow = ctx.context.workflow!;
    const order = request(workflow);
    const label = transactional ? `step 1: insert order ${order.orderId} + output` : `step 1: insert order ${order.orderId}`;
    const written = await ctx.db.transaction(label, async (tx) => {
      await insertOrder(tx, order, amountFor(order, ctx), ctx.timestamp());
      if (transactional) await recordOrderOutput(tx, workflow, order.orderId);
    });
    if (!written.ok && DUPLICATE_KEY.test(written.error)) {
      await ctx.db.statement(
        `fail ${workflow.workflow_uuid}`,
        "UPDATE service.workflow_status SET status = 'ERROR', updated_at = $2 WHERE workflow_uuid = $1",
        [workflow.workflow_uuid, ctx.timestamp()],
      );
      return { event: { type: 'GAVE_UP' }, caption: `Order ${order.orderId} exists already; the executor marks ${workflow.workflow_uuid} ERROR.` };
    }
    if (!written.ok) {
      return {
        event: { type: 'STEP_FAILED' },
        caption: written.committed
          ? `The executor sees an error, though step 1 committed order ${order.orderId}.`
          : `Postgres rejects order ${order.orderId}; step 1 and its output roll back.`,
      };
    }
    if (!transactional) return { event: { type: 'ORDER_WRITTEN' }, caption: `Step 1 commits order ${order.orderId}, its output not yet recorded.` };
    return { event: { type: 'STEP_DONE' }, caption: `Step 1 commits order ${order.orderId} and its output together.` };
  },
});

/** How a step's output is recorded, whichever transaction it is in. */
const RECORD_OUTPUT_SQL = 'INSERT INTO service.operation_outputs (workflow_uuid, function_id, function_name, output) VALUES ($1, $2, $3, $4)';

async function recordOrderOutput(tx: Transaction, workflow: Workflow, orderId: number): Promise<void> {
  await tx.query(RECORD_OUTPUT_SQL, [workflow.workflow_uuid, ORDER_STEP, 'insertOrder', JSON.stringify({ orderId })]);
}

/** no-transactional-step: step 1's output, in its own transaction after the order's. */
const checkpointOrder: Operation<ExecutorContext> = {
  faults: ['commit-unknown'],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `checkpointing step 1 of ${context.workflow?.workflow_uuid ?? '?'}`,
  about: orders,
  async run(ctx) {
    const workflow = ctx.context.workflow!;
    const { orderId } = request(workflow);
    const result = await ctx.db.transaction(`checkpoint step 1 of ${workflow.workflow_uuid}`, (tx) => recordOrderOutput(tx, workflow, orderId));
    if (!result.ok) return { event: { type: 'STEP_FAILED' }, caption: `The executor cannot tell whether step 1's output was recorded.` };
    return { event: { type: 'STEP_DONE' }, caption: `The executor records step 1's output for ${workflow.workflow_uuid}.` };
  },
};

/** Step 2: publish OrderPlaced, keyed by the workflow id and step number. */
const publishStep: Operation<ExecutorContext> = {
  faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost'],
  crashable: true,
  latencyMs: 6,
  intent: (context) => `running step 2 of ${context.workflow?.workflow_uuid ?? '?'}`,
  about: orders,
  async run(ctx) {
    const workflow = ctx.context.workflow!;
    const { orderId } = request(workflow);
    const eventId = stepEventId(workflow.workflow_uuid, PUBLISH_STEP);
    const outcome = ctx.broker.publish({ topic: ORDERS_TOPIC, key: String(orderId), eventId, eventType: 'OrderPlaced', orderId });
    if (!outcome.ok) return { event: { type: 'STEP_FAILED' }, caption: `Step 2's publish for order ${orderId} fails (${outcome.error}).` };
    return { event: { type: 'STEP_DONE' }, caption: `Step 2 publishes OrderPlaced ${eventId} for order ${orderId}.` };
  },
};

/** Step 2's checkpoint, in its own transaction: the step already ran, so a crash before it re-runs it. */
const checkpoint: Operation<ExecutorContext> = {
  faults: ['commit-unknown'],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `checkpointing step 2 of ${context.workflow?.workflow_uuid ?? '?'}`,
  about: orders,
  async run(ctx) {
    const workflow = ctx.context.workflow!;
    const eventId = stepEventId(workflow.workflow_uuid, PUBLISH_STEP);
    const result = await ctx.db.statement(
      `checkpoint step 2 of ${workflow.workflow_uuid}`,
      RECORD_OUTPUT_SQL,
      [workflow.workflow_uuid, PUBLISH_STEP, 'publishOrderPlaced', JSON.stringify({ eventId })],
    );
    if (!result.ok) return { event: { type: 'STEP_FAILED' }, caption: `The executor cannot tell whether step 2's output was recorded.` };
    return { event: { type: 'STEP_DONE' }, caption: `The executor records step 2's output for ${workflow.workflow_uuid}.` };
  },
};

const finish: Operation<ExecutorContext> = {
  faults: ['commit-unknown'],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `finishing ${context.workflow?.workflow_uuid ?? '?'}`,
  about: orders,
  async run(ctx) {
    const workflow = ctx.context.workflow!;
    const result = await ctx.db.statement(
      `finish ${workflow.workflow_uuid}`,
      "UPDATE service.workflow_status SET status = 'SUCCESS', updated_at = $2 WHERE workflow_uuid = $1",
      [workflow.workflow_uuid, ctx.timestamp()],
    );
    if (!result.ok) return { event: { type: 'STEP_FAILED' }, caption: `The executor cannot tell whether ${workflow.workflow_uuid} was marked done.` };
    return { event: { type: 'STEP_DONE' }, caption: `The executor marks ${workflow.workflow_uuid} SUCCESS.` };
  },
};

/** The workflow the executor holds in memory: a crash forgets it; workflow_status keeps it PENDING. */
export function executorMemory(context: unknown): TableSnapshot {
  const workflow = (context as ExecutorContext | undefined)?.workflow ?? null;
  return {
    name: 'workflow executor memory',
    note: 'The workflow being run. A crash forgets it; it stays PENDING and is recovered from its checkpoints.',
    columns: ['workflow_uuid', 'steps_recorded'],
    rows: workflow ? [{ workflow_uuid: workflow.workflow_uuid, steps_recorded: workflow.done }] : [],
  };
}

export function executorProcess(variant: string): ProcessSpec {
  const transactional = variant !== 'no-transactional-step';
  return {
    id: WORKFLOW_PARTICIPANT,
    machine: executorMachine,
    operations: {
      recover,
      'order-step': orderStep(transactional),
      ...(transactional ? {} : { 'checkpoint-order': checkpointOrder }),
      'publish-step': publishStep,
      checkpoint,
      finish,
      restart: restartOperation('Workflow executor'),
    },
  };
}

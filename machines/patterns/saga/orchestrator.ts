/**
 * The saga orchestrator: it reads the saga log, works out the next move (saga-log.ts), writes it
 * down and makes it. Forward it reserves stock, then charges the payment, then confirms the order;
 * when a participant refuses a step it undoes, newest first, what may have taken effect (refund,
 * release) and cancels the order. It keeps nothing it could not rebuild: after a crash it starts
 * again from the log.
 *
 * The participants are called directly (a request and its answer, as over HTTP); each call runs
 * as that service's own local transaction in its own schema, in its name on the trace. They are
 * passive here, with no statechart of their own: what can go wrong with a call (refused, the
 * database down, the answer lost, the orchestrator crashing around it) is armed at the
 * orchestrator's step that makes it. Every call carries an idempotency
 * key: the saga id and the step, the same on every retry, so a participant recognises a repeat.
 * With the idempotency switch off the orchestrator mints a new key per attempt, the mistake that
 * turns a retry into a second charge.
 */
import { assign, setup } from 'xstate';
import type { Operation, OperationContext, ProcessSpec } from '../../kernel/pattern';
import type { Transaction } from '../../kernel/traced-database';
import type { TableSnapshot } from '../../kernel/types';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import { STOCK_ON_HAND, STOCK_PARTICIPANT, releaseStock, reserveStock } from '../../actors/stock-service';
import { PAYMENT_PARTICIPANT, chargePayment, refundPayment } from '../../actors/payment-service';
import { isCompensation, nextMove, type FinalStep, type LogEntry, type NextMove, type RemoteStep } from './saga-log';

export const ORCHESTRATOR_PARTICIPANT = 'orchestrator';

export interface Saga {
  sagaId: string;
  orderId: number;
  customer: string;
  amountCents: number;
  entries: LogEntry[];
}

export interface OrchestratorContext {
  saga: Saga | null;
  /** The step in hand, and what its call answered (to be logged). */
  step: RemoteStep | FinalStep | null;
  answer: 'done' | 'failed' | null;
}

type OrchestratorEvent =
  | { type: 'WAKE' }
  | { type: 'EMPTY' }
  | { type: 'MOVE'; saga: Saga; move: Exclude<NextMove, { kind: 'none' }> }
  | { type: 'LOGGED' }
  | { type: 'ANSWERED'; answer: 'done' | 'failed' }
  | { type: 'GIVE_UP' }
  | { type: 'STEP_FAILED' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

const orders = (context: OrchestratorContext): number[] => (context.saga ? [context.saga.orderId] : []);
const sagaName = (context: OrchestratorContext): string => context.saga?.sagaId ?? '?';

/** Which state makes each step's call. */
const STEP_STATES: Record<RemoteStep | FinalStep, string> = {
  'reserve-stock': 'reserving',
  'charge-payment': 'charging',
  'release-stock': 'releasing',
  'refund-payment': 'refunding',
  'confirm-order': 'confirming',
  'cancel-order': 'cancelling',
};

type Steps = RemoteStep | FinalStep;
/** Into the state of the move's step (before `take` stores it, so read from the event). */
const byMoveStep = (actions: 'take') =>
  (Object.entries(STEP_STATES) as [Steps, string][]).map(([step, target]) => ({
    guard: ({ event }: { event: OrchestratorEvent }) => event.type === 'MOVE' && event.move.step === step,
    target,
    actions,
  }));
/** Into the state of the step in hand, once its start is logged. */
const byStepInHand = () =>
  (Object.entries(STEP_STATES) as [Steps, string][]).map(([step, target]) => ({
    guard: ({ context }: { context: OrchestratorContext }) => context.step === step,
    target,
    actions: 'noteStarted' as const,
  }));

const afterRecover = {
  EMPTY: { target: 'idle', reenter: true },
  STEP_FAILED: { target: 'sleeping', reenter: true },
  MOVE: [{ guard: 'mustLog' as const, target: 'logging', actions: 'take' as const }, ...byMoveStep('take')],
};

// Any call that cannot tell how it went: forget the saga in hand and read the log again after a poll.
const retryLater = { target: 'sleeping', actions: 'drop' } as const;
const callAnswers = { ANSWERED: { target: 'recording', actions: 'keepAnswer' }, STEP_FAILED: retryLater, GIVE_UP: 'givingUp' } as const;

export const orchestratorMachine = setup({
  types: { context: {} as OrchestratorContext, events: {} as OrchestratorEvent },
  guards: {
    mustLog: ({ event }) => event.type === 'MOVE' && event.move.kind === 'start',
  },
  actions: {
    take: assign(({ event }) => (event.type === 'MOVE' ? { saga: event.saga, step: event.move.step, answer: null } : {})),
    // The entry just logged, so the answer's entry takes the next seq.
    noteStarted: assign(({ context }) =>
      context.saga && context.step ? { saga: { ...context.saga, entries: [...context.saga.entries, { seq: context.saga.entries.length + 1, step: context.step, status: 'started' as const }] } } : {},
    ),
    keepAnswer: assign(({ event }) => (event.type === 'ANSWERED' ? { answer: event.answer } : {})),
    drop: assign({ saga: null, step: null, answer: null }),
  },
}).createMachine({
  id: 'saga-orchestrator',
  context: { saga: null, step: null, answer: null },
  initial: 'idle',
  states: {
    // The order service wakes it for a new saga; the poll is the safety net for a lost wake-up.
    idle: { tags: ['polled-empty'], meta: { op: 'recover', delay: 'relayPollMs' }, on: { ...afterRecover, WAKE: 'resuming' } },
    sleeping: { meta: { op: 'recover', delay: 'relayPollMs' }, on: afterRecover },
    resuming: { meta: { op: 'recover' }, on: afterRecover },
    logging: { meta: { op: 'log-step' }, on: { LOGGED: byStepInHand(), STEP_FAILED: retryLater } },
    reserving: { meta: { op: 'reserve-stock' }, on: callAnswers },
    charging: { meta: { op: 'charge-payment' }, on: callAnswers },
    releasing: { meta: { op: 'release-stock' }, on: callAnswers },
    refunding: { meta: { op: 'refund-payment' }, on: callAnswers },
    recording: { meta: { op: 'record-step' }, on: { LOGGED: { target: 'resuming', actions: 'drop' }, STEP_FAILED: retryLater } },
    // no-retry-compensation only: a compensation that failed once is written off.
    givingUp: { meta: { op: 'give-up' }, on: { LOGGED: { target: 'resuming', actions: 'drop' }, STEP_FAILED: retryLater } },
    confirming: { meta: { op: 'confirm-order' }, on: { LOGGED: { target: 'resuming', actions: 'drop' }, ANSWERED: { target: 'recording', actions: 'keepAnswer' }, STEP_FAILED: retryLater } },
    cancelling: { meta: { op: 'cancel-order' }, on: { LOGGED: { target: 'resuming', actions: 'drop' }, STEP_FAILED: retryLater } },
    [CRASHED_STATE]: { meta: { op: 'restart', delay: 'restartMs' }, on: { RESTARTED: { target: 'resuming', actions: 'drop' } } },
  },
  on: { CRASH: `.${CRASHED_STATE}` },
});

const recover: Operation<OrchestratorContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: () => 'reading the saga log',
  async run(ctx) {
    const open = await ctx.db.statement<{ saga_id: string; order_id: number; customer: string; amount_cents: number }>(
      'find an unfinished saga',
      `SELECT b.saga_id, b.order_id, o.customer, o.amount_cents FROM service.saga_log b JOIN service.orders o ON o.id = b.order_id
       WHERE b.step = 'begin' AND NOT EXISTS (
         SELECT 1 FROM service.saga_log e WHERE e.saga_id = b.saga_id
         AND (e.status = 'gave-up' OR (e.step IN ('confirm-order', 'cancel-order') AND e.status = 'done')))
       ORDER BY b.at, b.saga_id LIMIT 1`,
    );
    if (!open.ok) return { event: { type: 'STEP_FAILED' }, caption: 'The orchestrator fails to read the saga log.' };
    const found = open.value.rows[0];
    if (!found) return { event: { type: 'EMPTY' }, caption: 'The orchestrator finds no unfinished saga in the log.' };
    const read = await ctx.db.statement<LogEntry>(`read ${found.saga_id}`, 'SELECT seq, step, status FROM service.saga_log WHERE saga_id = $1 ORDER BY seq', [found.saga_id]);
    if (!read.ok) return { event: { type: 'STEP_FAILED' }, caption: `The orchestrator fails to read ${found.saga_id}'s entries.` };
    const saga: Saga = { sagaId: found.saga_id, orderId: Number(found.order_id), customer: found.customer, amountCents: Number(found.amount_cents), entries: read.value.rows };
    const move = nextMove(saga.entries);
    const about = [saga.orderId];
    // A saga with an ending is filtered out above; `none` here would mean the log contradicts itself.
    if (move.kind === 'none') return { event: { type: 'EMPTY' }, orders: about, caption: `The orchestrator finds ${saga.sagaId} already ended.` };
    const caption =
      move.kind === 'call'
        ? `The orchestrator resumes ${saga.sagaId}: ${move.step} started, no answer logged.`
        : `The orchestrator reads ${saga.sagaId}; next comes ${move.step}.`;
    return { event: { type: 'MOVE', saga, move }, orders: about, caption };
  },
};

const appendEntry = (ctx: OperationContext<OrchestratorContext>, label: string, step: string, status: LogEntry['status'], detail: string | null = null) => {
  const saga = ctx.context.saga!;
  return ctx.db.statement(label, 'INSERT INTO service.saga_log (saga_id, seq, order_id, step, status, detail, at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    saga.sagaId,
    saga.entries.length + 1,
    saga.orderId,
    step,
    status,
    detail,
    ctx.timestamp(),
  ]);
};

/** Before a participant's step: `started`, so a crash during the call is resumed by calling again. */
const logStep: Operation<OrchestratorContext> = {
  faults: ['commit-unknown'],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `logging ${context.step ?? '?'} for ${sagaName(context)}`,
  about: orders,
  async run(ctx) {
    const written = await appendEntry(ctx, `log ${ctx.context.step} started`, ctx.context.step!, 'started');
    if (!written.ok) return { event: { type: 'STEP_FAILED' }, caption: `The orchestrator cannot tell whether ${ctx.context.step} was logged.` };
    return { event: { type: 'LOGGED' }, caption: `The orchestrator logs ${ctx.context.step} started for ${sagaName(ctx.context)}.` };
  },
};

/** The idempotency key a call carries: one per step, or (switch off) a new one per attempt. */
function keyFor(ctx: OperationContext<OrchestratorContext>, step: RemoteStep): string {
  const stable = `${ctx.context.saga!.sagaId}/${step}`;
  return ctx.scenario.idempotentConsumer ? stable : `${stable}/${ctx.nextId('attempt')}`;
}

const CHECK_VIOLATION = /violates check constraint/;

interface StepCall {
  participant: string;
  request: string;
  /** What a refusal means, as a caption. */
  refused?: (orderId: number) => string;
  faults: Operation<OrchestratorContext>['faults'];
  latencyMs: number;
  /** The participant's local transaction; answers a word for the caption. */
  body(ctx: OperationContext<OrchestratorContext>, tx: Transaction): Promise<string>;
}

const CALLS: Record<RemoteStep, StepCall> = {
  'reserve-stock': {
    participant: STOCK_PARTICIPANT,
    request: 'POST /reservations',
    refused: (orderId) => `The stock service refuses order ${orderId}: not enough stock.`,
    faults: ['db-write-fails', 'db-unavailable', 'commit-unknown'],
    latencyMs: 5,
    body: (ctx, tx) => {
      // Under db-write-fails the order asks for more than the shelf holds: the CHECK refuses it.
      const quantity = ctx.faultHere('db-write-fails') ? STOCK_ON_HAND + 1 : 1;
      const { sagaId, orderId } = ctx.context.saga!;
      return reserveStock(tx, { idempotencyKey: keyFor(ctx, 'reserve-stock'), sagaId, orderId, quantity }, ctx.timestamp());
    },
  },
  'charge-payment': {
    participant: PAYMENT_PARTICIPANT,
    request: 'POST /charges',
    refused: (orderId) => `The payment service declines order ${orderId}'s charge.`,
    faults: ['db-write-fails', 'db-unavailable', 'commit-unknown'],
    // A card network round trip: long enough for a reader to see the saga half-way.
    latencyMs: 40,
    body: (ctx, tx) => {
      const { sagaId, orderId, customer, amountCents } = ctx.context.saga!;
      // Under db-write-fails the charge is declined: a non-positive amount breaks the CHECK.
      const amount = ctx.faultHere('db-write-fails') ? -amountCents : amountCents;
      return chargePayment(tx, { idempotencyKey: keyFor(ctx, 'charge-payment'), sagaId, orderId, customer, amountCents: amount }, ctx.timestamp());
    },
  },
  'release-stock': {
    participant: STOCK_PARTICIPANT,
    request: 'POST /reservations/release',
    faults: ['db-unavailable', 'commit-unknown'],
    latencyMs: 5,
    body: async (ctx, tx) => `${await releaseStock(tx, ctx.context.saga!.sagaId, ctx.timestamp())} released`,
  },
  'refund-payment': {
    participant: PAYMENT_PARTICIPANT,
    request: 'POST /refunds',
    faults: ['db-unavailable', 'commit-unknown'],
    latencyMs: 10,
    body: async (ctx, tx) => `${await refundPayment(tx, ctx.context.saga!.sagaId, ctx.timestamp())} refunded`,
  },
};

/**
 * One participant's step: the request, the participant's transaction, the answer. A refusal of a
 * forward step is an answer (`failed`, and the saga turns back); an outage or a lost answer is
 * not: the step is tried again from the log, unless `giveUp` writes off a failed compensation.
 */
function remoteStep(step: RemoteStep, giveUp: boolean): Operation<OrchestratorContext> {
  const call = CALLS[step];
  return {
    faults: call.faults,
    crashable: true,
    latencyMs: call.latencyMs,
    intent: (context) => `calling ${step} for ${sagaName(context)}`,
    about: orders,
    async run(ctx) {
      const { orderId } = ctx.context.saga!;
      ctx.emit({ from: ORCHESTRATOR_PARTICIPANT, to: call.participant, kind: 'request', label: `${call.request} (order ${orderId})`, ok: true });
      // The participant's own transaction in its own database: the trace shows it, not the orchestrator, talking to Postgres.
      const result = await ctx.db.transaction(`${step} for order ${orderId}`, (tx) => call.body(ctx, tx), { by: call.participant });
      if (result.ok) {
        ctx.emit({ from: call.participant, to: ORCHESTRATOR_PARTICIPANT, kind: 'reply', label: `200 OK (${result.value})`, ok: true });
        return { event: { type: 'ANSWERED', answer: 'done' }, caption: `The ${call.participant} service answers ${step} for order ${orderId}: ${result.value}.` };
      }
      // A business rule's refusal (out of stock, card declined) is the participant's CHECK saying no.
      const refused = !result.committed && !isCompensation(step) && CHECK_VIOLATION.test(result.error);
      ctx.emit({ from: call.participant, to: ORCHESTRATOR_PARTICIPANT, kind: 'error', label: refused ? '422 Unprocessable' : '503 / timeout', ok: false });
      if (refused) return { event: { type: 'ANSWERED', answer: 'failed' }, caption: call.refused?.(orderId) ?? `The ${call.participant} service refuses ${step} for order ${orderId}.` };
      const unknown = result.committed ? ', though it committed' : '';
      if (giveUp && isCompensation(step)) return { event: { type: 'GIVE_UP' }, caption: `${step} for order ${orderId} fails${unknown}; the orchestrator will not retry.` };
      return { event: { type: 'STEP_FAILED' }, caption: `${step} for order ${orderId} gets no answer${unknown}; it will be retried.` };
    },
  };
}

/** After the answer: `done` or `failed`, in its own transaction (the step committed elsewhere). */
const recordStep: Operation<OrchestratorContext> = {
  faults: ['commit-unknown'],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `logging the answer to ${context.step ?? '?'}`,
  about: orders,
  async run(ctx) {
    const { step, answer } = ctx.context;
    const written = await appendEntry(ctx, `log ${step} ${answer}`, step!, answer!);
    if (!written.ok) return { event: { type: 'STEP_FAILED' }, caption: `The orchestrator cannot tell whether ${step}'s answer was logged.` };
    return { event: { type: 'LOGGED' }, caption: `The orchestrator logs ${step} ${answer} for ${sagaName(ctx.context)}.` };
  },
};

const giveUpStep: Operation<OrchestratorContext> = {
  faults: ['commit-unknown'],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `giving up on ${sagaName(context)}`,
  about: orders,
  async run(ctx) {
    const written = await appendEntry(ctx, `log ${ctx.context.step} gave-up`, ctx.context.step!, 'gave-up', 'left for an operator');
    if (!written.ok) return { event: { type: 'STEP_FAILED' }, caption: `The orchestrator cannot tell whether it logged giving up.` };
    return { event: { type: 'LOGGED' }, caption: `The orchestrator gives up on ${sagaName(ctx.context)}, leaving it to an operator.` };
  },
};

/**
 * The order's own last step: the status change and its log entry commit in one local transaction,
 * so the log and the order never disagree about it. Confirming restates the order's amount, which
 * the CHECK refuses under db-write-fails: the order service says no, and the saga turns back.
 */
function finalStep(step: FinalStep): Operation<OrchestratorContext> {
  const confirming = step === 'confirm-order';
  const status = confirming ? 'CONFIRMED' : 'CANCELLED';
  return {
    faults: confirming ? ['db-write-fails', 'commit-unknown'] : ['commit-unknown'],
    crashable: true,
    latencyMs: 4,
    intent: (context) => `${confirming ? 'confirming' : 'cancelling'} order ${context.saga?.orderId ?? '?'}`,
    about: orders,
    async run(ctx) {
      const saga = ctx.context.saga!;
      const written = await ctx.db.transaction(`${step} ${saga.orderId} + log`, async (tx) => {
        if (confirming) {
          const amount = ctx.faultHere('db-write-fails') ? -saga.amountCents : saga.amountCents;
          await tx.query("UPDATE service.orders SET status = 'CONFIRMED', amount_cents = $2 WHERE id = $1 AND status = 'PENDING'", [saga.orderId, amount]);
        } else {
          await tx.query("UPDATE service.orders SET status = 'CANCELLED' WHERE id = $1 AND status = 'PENDING'", [saga.orderId]);
        }
        await tx.query("INSERT INTO service.saga_log (saga_id, seq, order_id, step, status, at) VALUES ($1, $2, $3, $4, 'done', $5)", [
          saga.sagaId,
          saga.entries.length + 1,
          saga.orderId,
          step,
          ctx.timestamp(),
        ]);
      });
      if (!written.ok && !written.committed && CHECK_VIOLATION.test(written.error)) {
        return { event: { type: 'ANSWERED', answer: 'failed' }, caption: `The order service refuses to confirm order ${saga.orderId}; the saga turns back.` };
      }
      if (!written.ok) return { event: { type: 'STEP_FAILED' }, caption: `The orchestrator cannot tell whether order ${saga.orderId} is ${status}.` };
      return { event: { type: 'LOGGED' }, caption: `The orchestrator marks order ${saga.orderId} ${status} and ends ${saga.sagaId}.` };
    },
  };
}

/** What the orchestrator holds in memory: a crash forgets it; the log keeps the saga. */
export function orchestratorMemory(context: unknown): TableSnapshot {
  const c = context as OrchestratorContext | undefined;
  return {
    name: 'saga orchestrator memory',
    note: 'The saga and step in hand. A crash forgets them; the saga log keeps where the saga stood.',
    columns: ['saga_id', 'order_id', 'step', 'entries_read'],
    rows: c?.saga ? [{ saga_id: c.saga.sagaId, order_id: c.saga.orderId, step: c.step, entries_read: c.saga.entries.length }] : [],
  };
}

export function orchestratorProcess(variant: string): ProcessSpec {
  const giveUp = variant === 'no-retry-compensation';
  return {
    id: ORCHESTRATOR_PARTICIPANT,
    machine: orchestratorMachine,
    operations: {
      recover,
      'log-step': logStep,
      'reserve-stock': remoteStep('reserve-stock', giveUp),
      'charge-payment': remoteStep('charge-payment', giveUp),
      'release-stock': remoteStep('release-stock', giveUp),
      'refund-payment': remoteStep('refund-payment', giveUp),
      'record-step': recordStep,
      ...(giveUp ? { 'give-up': giveUpStep } : {}),
      'confirm-order': finalStep('confirm-order'),
      'cancel-order': finalStep('cancel-order'),
      restart: restartOperation('Saga orchestrator'),
    },
  };
}

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
import type { TableSnapshot } from '../../kernel/types';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import { ORCHESTRATOR_PARTICIPANT, orders, sagaName, type OrchestratorContext, type Saga } from './orchestrator-context';
import { nextMove, type FinalStep, type LogEntry, type NextMove, type RemoteStep } from './saga-log';
import { finalStep, remoteStep } from './steps';

export { ORCHESTRATOR_PARTICIPANT } from './orchestrator-context';

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
const byMoveStep = () =>
  (Object.entries(STEP_STATES) as [Steps, string][]).map(([step, target]) => ({
    guard: ({ event }: { event: OrchestratorEvent }) => event.type === 'MOVE' && event.move.step === step,
    target,
    actions: 'take' as const,
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
  MOVE: [{ guard: 'mustLog' as const, target: 'logging', actions: 'take' as const }, ...byMoveStep()],
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

/**
 * The saga log: the orchestrator's memory, a table in the order service's database. Every move of
 * a saga is an entry, and the next move is a pure function of the entries, so an orchestrator
 * that crashed (or any other one) picks up a saga exactly where the log says it stood.
 *
 * When the entries are written, and why: a participant's step (reserve, charge, release, refund)
 * commits in the participant's own database, so no transaction can hold both it and the log. The
 * orchestrator therefore logs `started` before calling and `done` or `failed` after the answer.
 * A crash between the two leaves `started` alone, and recovery calls the step again: at least
 * once, which is safe only because each call carries the step's idempotency key. The order's own
 * steps (confirm, cancel) are local: they commit in the same transaction as their log entry, so
 * the log and the order can never disagree about them. (Temporal and Camunda keep the same split:
 * an event history written by the engine, and activities or workers that must be idempotent.)
 */

// `id` first: the live view lists rows by the first column, so entries show in the order written.
export const SAGA_LOG_TABLE = `CREATE TABLE service.saga_log (
  id serial PRIMARY KEY,
  saga_id text NOT NULL,
  seq integer NOT NULL,
  order_id integer NOT NULL,
  step text NOT NULL,
  status text NOT NULL CHECK (status IN ('started', 'done', 'failed', 'gave-up')),
  detail text,
  at timestamptz NOT NULL,
  UNIQUE (saga_id, seq)
)`;

// Recovery looks for sagas without an ending; without this it reads every entry of every saga.
export const SAGA_LOG_STEP_INDEX = 'CREATE INDEX saga_log_step ON service.saga_log (step, status)';

/** The steps that change another service, in the order they run, each with the step that undoes it. */
export const FORWARD_STEPS = ['reserve-stock', 'charge-payment'] as const;
export const COMPENSATION_OF = { 'reserve-stock': 'release-stock', 'charge-payment': 'refund-payment' } as const;
export type ForwardStep = (typeof FORWARD_STEPS)[number];
export type CompensationStep = (typeof COMPENSATION_OF)[ForwardStep];
export type RemoteStep = ForwardStep | CompensationStep;
/** The order service's own last step, committed with its log entry. */
export type FinalStep = 'confirm-order' | 'cancel-order';
/** The first entry: the order service writes it with the order. */
export const BEGIN_STEP = 'begin';

export interface LogEntry {
  seq: number;
  step: string;
  status: 'started' | 'done' | 'failed' | 'gave-up';
}

export type NextMove =
  /** Log `started`, then call the step. */
  | { kind: 'start'; step: RemoteStep }
  /** Logged `started` with no answer recorded: call it again, with the same key. */
  | { kind: 'call'; step: RemoteStep }
  | { kind: 'finish'; step: FinalStep }
  /** Finished, cancelled, or given up: nothing left to do. */
  | { kind: 'none' };

function lastStatus(entries: readonly LogEntry[], step: string): LogEntry['status'] | undefined {
  return entries.filter((e) => e.step === step).at(-1)?.status;
}

/** Runs `steps` in order: the first not done is started, or called again if it was. */
function firstOpen(entries: readonly LogEntry[], steps: readonly RemoteStep[]): NextMove | null {
  for (const step of steps) {
    const status = lastStatus(entries, step);
    if (status === 'done') continue;
    return status === 'started' ? { kind: 'call', step } : { kind: 'start', step };
  }
  return null;
}

/**
 * The next move of a saga, from its log alone. Forward until a step fails (or the order refuses
 * to be confirmed); then undo, newest first, every step that was ever started, the refused one
 * too. A refusal rolls back only the attempt that was refused: an earlier attempt of the same
 * step, whose answer was lost, may have committed. Compensations are idempotent, so undoing a
 * step that never took effect costs a call and changes nothing. (Temporal's saga samples register
 * each compensation before running its activity, for the same reason.)
 */
export function nextMove(entries: readonly LogEntry[]): NextMove {
  const ended = entries.some((e) => e.status === 'gave-up' || ((e.step === 'confirm-order' || e.step === 'cancel-order') && e.status === 'done'));
  if (ended) return { kind: 'none' };
  const failed = [...FORWARD_STEPS, 'confirm-order'].some((step) => lastStatus(entries, step) === 'failed');
  if (!failed) return firstOpen(entries, FORWARD_STEPS) ?? { kind: 'finish', step: 'confirm-order' };
  const toUndo = [...FORWARD_STEPS]
    .reverse()
    .filter((step) => lastStatus(entries, step) !== undefined)
    .map((step) => COMPENSATION_OF[step]);
  return firstOpen(entries, toUndo) ?? { kind: 'finish', step: 'cancel-order' };
}

export function isCompensation(step: RemoteStep): step is CompensationStep {
  return step === 'release-stock' || step === 'refund-payment';
}

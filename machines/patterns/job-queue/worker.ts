/**
 * A job-queue worker, as River or graphile-worker run one: it claims the oldest due job with
 * `FOR UPDATE SKIP LOCKED`, setting it `running` and counting the attempt; does the job's work
 * (publishing OrderPlaced); then marks it `completed`. A failed attempt goes back as `retryable`
 * with a later `scheduled_at` (exponential backoff), and the last allowed one as `discarded`.
 *
 * The claim is a lease: a `running` job whose `attempted_at` is older than the lease may be
 * claimed again, which is how a job whose worker crashed mid-job gets run at all — and why one
 * that crashed after publishing publishes twice. River's rescuer and graphile-worker's lock
 * expiry do the same, after an hour or four; the lab waits {@link JOB_LEASE_MS} simulated ms.
 * A job whose worker died on its last attempt has no attempt left: it is never run again (River's
 * rescuer marks it discarded; graphile-worker leaves it with attempts = max_attempts), and the
 * lab leaves it running, stuck. Both tools also LISTEN for new jobs to start at once; the lab's
 * worker only polls (River's FetchPollInterval default is 1 s; the lab polls every 0.5 s).
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import type { SqlRunner } from '../../kernel/traced-database';
import type { TableSnapshot } from '../../kernel/types';
import { ORDERS_TOPIC } from '../../actors/outbox-relay';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import { leaseExpired, leaseUntil, skipLockedClaim } from '../../actors/skip-locked-claim';

export const WORKER_PARTICIPANT = 'worker';
export const SECOND_WORKER_PARTICIPANT = 'worker-2';
/** How long a claim holds before a `running` job may be claimed again (simulated ms). */
export const JOB_LEASE_MS = 1500;
/** The first retry waits this long; each later one twice as long as the one before (simulated ms). */
export const BACKOFF_BASE_MS = 400;
export const MAX_ATTEMPTS = 3;
export const PUBLISH_JOB_KIND = 'publish_order_placed';

/** What the worker needs from a job's args; the service writes them, a worker decodes them. */
export interface PublishArgs {
  orderId: number;
  eventId: string;
}

export interface ClaimedJob {
  id: number;
  kind: string;
  /** The args as stored (jsonb, shown as JSON text). */
  args: string;
  attempt: number;
  max_attempts: number;
}

export interface WorkerContext {
  job: ClaimedJob | null;
  /** Why the attempt in hand failed, for `record-error`. */
  error: string | null;
}

type WorkerEvent =
  | { type: 'CLAIMED'; job: ClaimedJob }
  | { type: 'EMPTY' }
  | { type: 'WAITING' }
  | { type: 'CLAIM_FAILED' }
  | { type: 'PUBLISHED' }
  | { type: 'ATTEMPT_FAILED'; error: string }
  | { type: 'COMPLETED' }
  | { type: 'COMPLETE_FAILED' }
  | { type: 'RECORDED' }
  | { type: 'RECORD_FAILED' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

/** The args, decoded as the worker's handler would; null when they lack what the job needs. */
export function decodeArgs(args: string): PublishArgs | null {
  const parsed = JSON.parse(args) as Partial<PublishArgs>;
  return typeof parsed.orderId === 'number' && typeof parsed.eventId === 'string' ? { orderId: parsed.orderId, eventId: parsed.eventId } : null;
}

const jobOrders = (context: WorkerContext): number[] => {
  const args = context.job ? decodeArgs(context.job.args) : null;
  return args ? [args.orderId] : [];
};

const claimTransitions = {
  CLAIMED: { target: 'publishing', actions: 'takeJob' },
  EMPTY: { target: 'idle', reenter: true },
  // Jobs remain but none is due (a retry later, a lease held): look again, do not call it a day.
  WAITING: { target: 'sleeping', reenter: true },
  CLAIM_FAILED: { target: 'sleeping', reenter: true },
} as const;

export const workerMachine = setup({
  types: { context: {} as WorkerContext, events: {} as WorkerEvent },
  actions: {
    takeJob: assign(({ event }) => (event.type === 'CLAIMED' ? { job: event.job, error: null } : {})),
    keepError: assign(({ event }) => (event.type === 'ATTEMPT_FAILED' ? { error: event.error } : {})),
    dropJob: assign({ job: null, error: null }),
  },
}).createMachine({
  id: 'job-worker',
  context: { job: null, error: null },
  initial: 'idle',
  states: {
    idle: { tags: ['polled-empty'], meta: { op: 'claim', delay: 'relayPollMs' }, on: claimTransitions },
    // Right after a job: claim the next at once rather than after a poll interval.
    claiming: { meta: { op: 'claim' }, on: claimTransitions },
    sleeping: { meta: { op: 'claim', delay: 'relayPollMs' }, on: claimTransitions },
    publishing: { meta: { op: 'publish' }, on: { PUBLISHED: 'completing', ATTEMPT_FAILED: { target: 'erroring', actions: 'keepError' } } },
    // A completion that fails leaves the job running: its lease runs out and it runs again.
    completing: { meta: { op: 'complete' }, on: { COMPLETED: { target: 'claiming', actions: 'dropJob' }, COMPLETE_FAILED: { target: 'claiming', actions: 'dropJob' } } },
    erroring: { meta: { op: 'record-error' }, on: { RECORDED: { target: 'claiming', actions: 'dropJob' }, RECORD_FAILED: { target: 'claiming', actions: 'dropJob' } } },
    [CRASHED_STATE]: { meta: { op: 'restart', delay: 'restartMs' }, on: { RESTARTED: { target: 'sleeping', actions: 'dropJob' } } },
  },
  on: { CRASH: `.${CRASHED_STATE}` },
});

/** How captions name a worker at the start of a sentence: "The worker", or "Worker 2" beside it. */
function workerName(actor: string): string {
  return actor === WORKER_PARTICIPANT ? 'The worker' : 'Worker ' + actor.slice(actor.indexOf('-') + 1);
}

const claim: Operation<WorkerContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: () => 'claiming a job',
  async run(ctx) {
    const now = ctx.timestamp();
    const claimed = await ctx.db.statement<ClaimedJob>(
      `${ctx.actor} claims a job`,
      skipLockedClaim({
        table: 'service.jobs',
        set: "state = 'running', attempt = attempt + 1, attempted_at = $2, attempted_by = $1",
        claimable: `(state IN ('available', 'retryable') AND scheduled_at <= $2) OR (state = 'running' AND attempt < max_attempts AND ${leaseExpired('attempted_at', '$2', '$3')})`,
        orderBy: 'scheduled_at, id',
        limit: '1',
        returning: 'id, kind, args, attempt, max_attempts',
      }),
      [ctx.actor, now, JOB_LEASE_MS],
    );
    const who = workerName(ctx.actor);
    if (!claimed.ok) return { event: { type: 'CLAIM_FAILED' }, caption: `${who} fails to claim a job.` };
    const job = claimed.value.rows[0];
    if (job) {
      const args = decodeArgs(job.args);
      return {
        event: { type: 'CLAIMED', job },
        orders: args ? [args.orderId] : [],
        caption: `${who} claims job ${job.id}, attempt ${job.attempt} of ${job.max_attempts}.`,
      };
    }
    const pending = await ctx.db.statement<{ retrying: number; leased: number; stuck: number | null }>(
      'count jobs left',
      `SELECT count(*) FILTER (WHERE state IN ('available', 'retryable'))::int AS retrying,
              count(*) FILTER (WHERE state = 'running' AND NOT (attempt >= max_attempts AND ${leaseExpired('attempted_at', '$1', '$2')}))::int AS leased,
              (min(id) FILTER (WHERE state = 'running' AND attempt >= max_attempts AND ${leaseExpired('attempted_at', '$1', '$2')}))::int AS stuck
       FROM service.jobs`,
      [now, JOB_LEASE_MS],
    );
    const counts = pending.ok ? pending.value.rows[0]! : { retrying: 0, leased: 0, stuck: null };
    if (counts.retrying > 0) return { event: { type: 'WAITING' }, caption: `${who} finds no job due; a retry is scheduled later.` };
    if (counts.leased > 0) return { event: { type: 'WAITING' }, caption: `${who} finds only running jobs, still under their lease.` };
    if (counts.stuck !== null) return { event: { type: 'EMPTY' }, caption: `${who} finds job ${counts.stuck} stuck on its last attempt: none is left.` };
    return { event: { type: 'EMPTY' }, caption: `${who} finds no job to run.` };
  },
};

/** The job's work: decode its args and publish OrderPlaced with the event id the service chose. */
const publish: Operation<WorkerContext> = {
  // A pause past the lease is a worker that is slow, not dead: another may run the job meanwhile.
  faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost', 'pause'],
  crashable: true,
  latencyMs: 6,
  intent: (context) => `running job ${context.job?.id ?? '?'}`,
  about: jobOrders,
  async run(ctx) {
    const job = ctx.context.job!;
    const who = workerName(ctx.actor);
    const args = decodeArgs(job.args);
    if (!args) {
      return { event: { type: 'ATTEMPT_FAILED', error: 'args: orderId missing' }, caption: `${who} cannot decode job ${job.id}'s args: orderId is missing.` };
    }
    const outcome = ctx.broker.publish({ topic: ORDERS_TOPIC, key: String(args.orderId), eventId: args.eventId, eventType: 'OrderPlaced', orderId: args.orderId });
    if (!outcome.ok) {
      return { event: { type: 'ATTEMPT_FAILED', error: outcome.error }, caption: `${who}'s publish for order ${args.orderId} fails (${outcome.error}).` };
    }
    return { event: { type: 'PUBLISHED' }, caption: `${who} publishes OrderPlaced for order ${args.orderId} (job ${job.id}).` };
  },
};

const complete: Operation<WorkerContext> = {
  faults: ['commit-unknown'],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `completing job ${context.job?.id ?? '?'}`,
  about: jobOrders,
  async run(ctx) {
    const job = ctx.context.job!;
    const who = workerName(ctx.actor);
    // Only a job still running is completed, as River's completer does; nothing checks who runs it.
    const result = await ctx.db.statement(
      `complete job ${job.id}`,
      "UPDATE service.jobs SET state = 'completed', finalized_at = $2 WHERE id = $1 AND state = 'running'",
      [job.id, ctx.timestamp()],
    );
    if (!result.ok) return { event: { type: 'COMPLETE_FAILED' }, caption: `${who} cannot tell whether job ${job.id} was completed.` };
    if (result.value.affectedRows === 0) return { event: { type: 'COMPLETED' }, caption: `${who} finds job ${job.id} already finished by another run.` };
    return { event: { type: 'COMPLETED' }, caption: `${who} marks job ${job.id} completed.` };
  },
};

/** A failed attempt: retryable after a backoff that doubles each attempt, or discarded after the last. */
const recordError: Operation<WorkerContext> = {
  faults: ['commit-unknown'],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `recording job ${context.job?.id ?? '?'}'s error`,
  about: jobOrders,
  async run(ctx) {
    const job = ctx.context.job!;
    const who = workerName(ctx.actor);
    const result = await ctx.db.statement<{ state: string }>(
      `record job ${job.id}'s error`,
      `UPDATE service.jobs SET
         state = CASE WHEN attempt >= max_attempts THEN 'discarded' ELSE 'retryable' END,
         scheduled_at = CASE WHEN attempt >= max_attempts THEN scheduled_at
                        ELSE $2::timestamptz + make_interval(secs => $3 * power(2, attempt - 1) / 1000.0) END,
         finalized_at = CASE WHEN attempt >= max_attempts THEN $2::timestamptz END,
         last_error = $4
       WHERE id = $1 AND state = 'running'
       RETURNING state`,
      [job.id, ctx.timestamp(), BACKOFF_BASE_MS, ctx.context.error ?? 'error'],
    );
    if (!result.ok) return { event: { type: 'RECORD_FAILED' }, caption: `${who} cannot tell whether job ${job.id}'s error was recorded.` };
    const state = result.value.rows[0]?.state;
    if (state === 'discarded') return { event: { type: 'RECORDED' }, caption: `${who} discards job ${job.id} after ${job.attempt} attempts.` };
    if (state === 'retryable') {
      const backoff = BACKOFF_BASE_MS * 2 ** (job.attempt - 1);
      return { event: { type: 'RECORDED' }, caption: `${who} marks job ${job.id} retryable, due again in ${backoff} ms.` };
    }
    return { event: { type: 'RECORDED' }, caption: `${who} finds job ${job.id} no longer running.` };
  },
};

/** The job the worker holds in memory: what a crash makes it forget, though the row stays running. */
export function workerMemory(actor: string, context: unknown): TableSnapshot {
  const job = (context as WorkerContext | undefined)?.job ?? null;
  return {
    name: `${actor} memory`,
    note: 'The job this worker is running. A crash forgets it; the row stays running until its lease runs out.',
    columns: ['job_id', 'attempt', 'args'],
    rows: job ? [{ job_id: job.id, attempt: job.attempt, args: job.args }] : [],
  };
}

/** Running jobs, who holds each, and when its lease runs out. */
export async function leasesInspection(runner: SqlRunner): Promise<TableSnapshot> {
  const rows = (
    await runner.query<Record<string, string | number | null>>(
      `SELECT id::int AS job_id, attempt, attempted_by, ${leaseUntil('attempted_at', '$1')} AS lease_until
       FROM service.jobs WHERE state = 'running' ORDER BY id`,
      [JOB_LEASE_MS],
    )
  ).rows;
  return {
    name: 'job leases',
    note: `Running jobs. ${JOB_LEASE_MS} ms after a claim the lease runs out and any worker may claim the job again.`,
    columns: ['job_id', 'attempt', 'attempted_by', 'lease_until'],
    rows,
  };
}

export function workerProcess(id: string, label: string): ProcessSpec {
  return { id, machine: workerMachine, operations: { claim, publish, complete, 'record-error': recordError, restart: restartOperation(label) } };
}

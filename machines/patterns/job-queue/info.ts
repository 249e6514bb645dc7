/** job-queue as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { broker, client, consumer, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'job-queue',
  title: 'Job queue in Postgres',
  promise: 'Enqueue a publish job in the order\'s transaction; workers claim it, retry it with backoff, and finish it.',
  // A job that fails every attempt is discarded, and its event with it.
  worstAnomaly: 'lost-event',
  participants: [
    client,
    service,
    postgres,
    { id: 'worker', label: 'Job worker', kind: 'relay', process: true },
    // Runs in the two-workers variant only (a run shows only the participants it has).
    { id: 'worker-2', label: 'Job worker 2', kind: 'relay', process: true, at: { col: 2, row: 1 } },
    broker,
    consumer,
  ],
  variants: [
    {
      id: 'default',
      label: 'One worker',
      worstAnomaly: 'lost-event',
      summary:
        'The order and a jobs row commit together, as with River, graphile-worker or pgmq. The worker claims the oldest due job (FOR UPDATE SKIP LOCKED), publishes OrderPlaced, then marks the job completed. A failed attempt is retried after a backoff; after its last attempt the job is discarded and its event never leaves. A crash mid-job leaves it running until its lease runs out, then it runs again. Real defaults: River rescues a stuck job after 1 h, graphile-worker frees a lock after 4 h (lab 1.5 s); both allow 25 attempts (lab 3) and back off attempt⁴ s or e^attempt s (lab 0.4 s, doubling).',
    },
    {
      id: 'two-workers',
      label: 'Two workers',
      worstAnomaly: 'lost-event',
      summary:
        'Two workers claim from one jobs table; SKIP LOCKED lets each take another job without waiting on the other\'s row lock (PGlite runs one statement at a time, so here claims never overlap; on a server they do). A job whose worker crashes stays claimed until the lease runs out, then either worker runs it again. Nothing fences off a worker that was only slow: River completes any job still running, so a pause past the lease publishes twice.',
    },
  ],
  hasConsumer: true,
  // After both outboxes: the same single transaction, with the relay turned into a retrying worker.
  order: 150,
  faultTargets: {
    client: ['send-order'],
    service: ['write-order', 'restart'],
    worker: ['claim', 'publish', 'complete', 'record-error', 'restart'],
    'worker-2': ['claim', 'publish', 'complete', 'record-error', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};

/**
 * The outbox relay that wakes on a notification instead of a poll timer. It runs `LISTEN` once;
 * the service's transaction runs `pg_notify`, which Postgres delivers to listening sessions when,
 * and only when, that transaction commits. Woken, the relay drains the outbox (poll until empty),
 * then waits again. Postgres stores no notification: one sent while the relay is down, or before
 * it listens, is gone, and only the slow fallback poll finds that row.
 *
 * The lab's participants share one Postgres session, so Postgres hands the notification to that
 * session during the COMMIT, and the service's step passes it on to the relay (`deliverOutboxNotifications`),
 * dropping it when the relay is down, as a closed connection would.
 */
import { assign, setup } from 'xstate';
import type { Operation, OperationContext, ProcessSpec } from '../kernel/pattern';
import type { Notification } from '../kernel/traced-database';
import { DATABASE_PARTICIPANT } from '../kernel/traced-database';
import { markOutboxRow, pollOutbox, publishOutboxRow, RELAY_PARTICIPANT, type OutboxRow } from './outbox-relay';
import { CRASHED_STATE, restartOperation } from './process';

export const OUTBOX_CHANNEL = 'outbox_events';

/**
 * How long the relay waits, with no notification, before it polls anyway. A lab value: relays
 * built this way pick anything from seconds to minutes, trading load for the latency of a miss.
 */
export const FALLBACK_POLL_MS = 5000;

export interface NotifiedRelayContext {
  batch: OutboxRow[];
  /** When the fallback timer last started: the relay's last poll, or its LISTEN. */
  timerFrom: number;
}

type NotifiedRelayEvent =
  | { type: 'LISTENING'; at: number }
  | { type: 'NOTIFIED' }
  | { type: 'ROWS'; rows: OutboxRow[]; at: number }
  | { type: 'EMPTY'; at: number }
  | { type: 'POLL_FAILED'; at: number }
  | { type: 'PUBLISHED' }
  | { type: 'PUBLISH_FAILED' }
  | { type: 'MARKED' }
  | { type: 'MARK_FAILED' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

const afterPoll = {
  ROWS: { target: 'publishing', actions: ['takeRows', 'restartTimer'] },
  EMPTY: { target: 'waiting', actions: 'restartTimer' },
  POLL_FAILED: { target: 'retrying', actions: 'restartTimer' },
} as const;

const afterMark = [{ guard: 'moreInBatch', target: 'publishing', actions: 'nextRow' }, { target: 'draining', actions: 'clearBatch' }] as const;

export const notifiedRelayMachine = setup({
  types: { context: {} as NotifiedRelayContext, events: {} as NotifiedRelayEvent },
  guards: { moreInBatch: ({ context }) => context.batch.length > 1 },
  actions: {
    takeRows: assign(({ event }) => (event.type === 'ROWS' ? { batch: event.rows } : {})),
    restartTimer: assign(({ event }) => ('at' in event ? { timerFrom: event.at } : {})),
    nextRow: assign({ batch: ({ context }) => context.batch.slice(1) }),
    clearBatch: assign({ batch: [] }),
  },
}).createMachine({
  id: 'notified-relay',
  context: { batch: [], timerFrom: 0 },
  initial: 'listening',
  states: {
    listening: { meta: { op: 'listen' }, on: { LISTENING: { target: 'armed', actions: 'restartTimer' } } },
    // Listening, but not yet polled since it began: rows committed before the LISTEN wait here for the fallback poll.
    armed: {
      meta: { op: 'poll', notBefore: (context: NotifiedRelayContext) => context.timerFrom + FALLBACK_POLL_MS },
      on: { NOTIFIED: 'draining', ...afterPoll },
    },
    // Idle between notifications, having found the outbox empty; the fallback poll is the only timer.
    waiting: {
      tags: ['polled-empty'],
      meta: { op: 'poll', notBefore: (context: NotifiedRelayContext) => context.timerFrom + FALLBACK_POLL_MS },
      on: { NOTIFIED: 'draining', ...afterPoll },
    },
    // Woken: poll at once, and again after every batch, until the outbox has nothing left.
    draining: { meta: { op: 'poll' }, on: afterPoll },
    // A failed poll or publish is retried after the ordinary poll interval, not the fallback's.
    retrying: { meta: { op: 'poll', delay: 'relayPollMs' }, on: afterPoll },
    publishing: {
      meta: { op: 'publish' },
      on: { PUBLISHED: 'marking', PUBLISH_FAILED: { target: 'retrying', actions: 'clearBatch' } },
    },
    marking: { meta: { op: 'mark' }, on: { MARKED: afterMark, MARK_FAILED: afterMark } },
    // A restarted relay listens again but does not poll at once: what it missed waits for the fallback poll.
    [CRASHED_STATE]: { meta: { op: 'restart', delay: 'restartMs' }, on: { RESTARTED: { target: 'listening', actions: 'clearBatch' } } },
  },
  on: { CRASH: `.${CRASHED_STATE}` },
});

const listen: Operation<NotifiedRelayContext> = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: () => `listening on ${OUTBOX_CHANNEL}`,
  async run(ctx) {
    // LISTEN commits at once in autocommit; a failure leaves the relay on its fallback poll.
    const result = await ctx.db.statement('listen for outbox notifications', `LISTEN ${OUTBOX_CHANNEL}`);
    return {
      event: { type: 'LISTENING', at: ctx.now },
      caption: result.ok ? 'The relay listens for outbox notifications.' : 'The relay cannot listen; it will rely on its fallback poll.',
    };
  },
};

/** The shared poll, with the time it ran, which restarts the fallback timer. */
const poll: Operation<NotifiedRelayContext> = {
  ...pollOutbox,
  async run(ctx) {
    const result = await pollOutbox.run(ctx);
    return { ...result, event: { ...result.event, at: ctx.now } };
  },
};

/**
 * What the service's step does with the notifications its commit delivered: each one reaches
 * the relay if the relay is up, and is lost if not, since Postgres keeps none.
 */
export function deliverOutboxNotifications(ctx: OperationContext<unknown>, notifications: readonly Notification[] | undefined): number {
  let delivered = 0;
  for (const { channel, payload } of notifications ?? []) {
    if (channel !== OUTBOX_CHANNEL) continue;
    const reached = ctx.send(RELAY_PARTICIPANT, { type: 'NOTIFIED' }, { quiet: true });
    if (reached) delivered += 1;
    ctx.emit({
      from: DATABASE_PARTICIPANT,
      to: RELAY_PARTICIPANT,
      kind: 'notify',
      label: reached ? `NOTIFY ${channel} '${payload}'` : `NOTIFY ${channel} '${payload}' lost: the relay is down, and Postgres keeps no notification`,
      ok: reached,
    });
  }
  return delivered;
}

export function notifiedRelayProcess(label: string): ProcessSpec {
  return {
    id: RELAY_PARTICIPANT,
    machine: notifiedRelayMachine,
    operations: { listen, poll, publish: publishOutboxRow, mark: markOutboxRow, restart: restartOperation(label) },
  };
}

/**
 * The resubmission scheduler of Spring Modulith's registry, as its documentation recommends
 * instead of republishing on restart: every so often it asks the registry for the publications
 * still incomplete after a while (`IncompleteEventPublications.resubmitIncompletePublicationsOlderThan`)
 * and sends each again, then completes it. A send that was merely slow is sent twice; nothing
 * committed stays unsent for longer than the threshold plus one interval, as long as some
 * instance's scheduler runs.
 *
 * The lab ticks every second and resubmits what is older than half a second; an application picks
 * both (there is no default schedule), usually in minutes.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import { ordersOf } from '../../actors/orders-concerned';
import { send } from './listener';
import { completePublication, type HandedOffEvent, type PublicationQueue } from './registry';

export const RESUBMIT_EVERY_MS = 1000;
export const RESUBMIT_OLDER_THAN_MS = 500;

interface SchedulerContext extends PublicationQueue {
  /** When the schedule last fired, or 0 before its first tick. */
  lastTick: number;
}

type SchedulerEvent =
  | { type: 'INCOMPLETE_FOUND'; events: HandedOffEvent[]; at: number }
  | { type: 'SENT' }
  | { type: 'SEND_FAILED' }
  | { type: 'COMPLETED' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

const fresh = (): SchedulerContext => ({ registry: true, resubmittedBy: 'scheduler', pending: [], lastTick: 0 });
const next = [{ guard: 'moreAfterThis', target: 'sending', reenter: true, actions: 'dropFirst' }, { target: 'waiting', actions: 'dropFirst' }] as const;

export const schedulerMachine = setup({
  types: { context: {} as SchedulerContext, events: {} as SchedulerEvent },
  guards: {
    found: ({ event }) => event.type === 'INCOMPLETE_FOUND' && event.events.length > 0,
    moreAfterThis: ({ context }) => context.pending.length > 1,
  },
  actions: {
    takeFound: assign(({ event }) => (event.type === 'INCOMPLETE_FOUND' ? { pending: event.events, lastTick: event.at } : {})),
    dropFirst: assign({ pending: ({ context }) => context.pending.slice(1) }),
    forgetEverything: assign(({ context }) => ({ ...fresh(), lastTick: context.lastTick })),
  },
}).createMachine({
  id: 'scheduler',
  context: fresh,
  initial: 'starting',
  states: {
    // Started (or restarted) and not yet looked: what is stale now is found at the first tick.
    starting: {
      meta: { op: 'resubmit', notBefore: (context: SchedulerContext) => context.lastTick + RESUBMIT_EVERY_MS },
      on: {
        INCOMPLETE_FOUND: [
          { guard: 'found', target: 'sending', actions: 'takeFound' },
          { target: 'waiting', actions: 'takeFound' },
        ],
      },
    },
    waiting: {
      tags: ['polled-empty'],
      meta: { op: 'resubmit', notBefore: (context: SchedulerContext) => context.lastTick + RESUBMIT_EVERY_MS },
      on: {
        INCOMPLETE_FOUND: [
          { guard: 'found', target: 'sending', actions: 'takeFound' },
          { target: 'waiting', reenter: true, actions: 'takeFound' },
        ],
      },
    },
    sending: { meta: { op: 'send' }, on: { SENT: 'completing', SEND_FAILED: next } },
    completing: { meta: { op: 'complete-publication' }, on: { COMPLETED: next } },
    [CRASHED_STATE]: { meta: { op: 'restart', delay: 'restartMs' }, on: { RESTARTED: { target: 'starting', actions: 'forgetEverything' } } },
  },
  on: { CRASH: `.${CRASHED_STATE}` },
});

const resubmit: Operation<SchedulerContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: () => 'looking for stale incomplete publications',
  async run(ctx) {
    const result = await ctx.db.statement<{ id: number; event_id: string; serialized_event: string }>(
      'find incomplete publications to resubmit',
      `SELECT id, event_id, serialized_event FROM service.event_publication
       WHERE completion_date IS NULL AND publication_date < $1::timestamptz - $2::int * interval '1 millisecond' ORDER BY id`,
      [ctx.timestamp(), RESUBMIT_OLDER_THAN_MS],
    );
    const events: HandedOffEvent[] = (result.ok ? result.value.rows : []).map((r) => ({
      eventId: r.event_id,
      orderId: Number((JSON.parse(r.serialized_event) as { orderId: number }).orderId),
      publicationId: Number(r.id),
      republished: true,
    }));
    const who = ctx.actor === SCHEDULER_PARTICIPANT ? 'The scheduler' : 'The scheduler of instance 2';
    return {
      event: { type: 'INCOMPLETE_FOUND', events, at: ctx.now },
      orders: ordersOf(events),
      caption: events.length === 0 ? `${who} finds no stale incomplete publication.` : `${who} resubmits ${events.length} stale incomplete publication${events.length === 1 ? '' : 's'}.`,
    };
  },
};

export const SCHEDULER_PARTICIPANT = 'scheduler';
export const SECOND_SCHEDULER_PARTICIPANT = 'scheduler-2';

/** One instance's scheduler; `inProcessWith` its service when it runs in the same process. */
export function schedulerProcess(id: string, label: string, inProcessWith?: string): ProcessSpec {
  return {
    id,
    machine: schedulerMachine,
    ...(inProcessWith ? { inProcessWith } : {}),
    operations: { resubmit, send, 'complete-publication': completePublication('update'), restart: restartOperation(label) },
  };
}

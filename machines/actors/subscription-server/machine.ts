/**
 * The subscription server's statechart. `deciding` picks the next job by priority (load, record
 * replies, replay, park, checkpoint by count, push, read, checkpoint by timer, wait for acks); each
 * job is a state whose operation answers with the context fields it changed. A crash forgets the
 * context, and the restart loads the checkpoint again.
 */
import { assign, setup } from 'xstate';
import { EVENT_STORE_PARTICIPANT } from '../event-store';
import { CRASHED_STATE } from '../process';
import {
  checkpointCountReached,
  earliestDeadline,
  freshServerContext,
  type ServerEvent,
  type SubscriptionServerContext,
} from './context';
import { SUBSCRIPTION_SETTINGS, type SubscriptionSettings } from './group';

/** Events received while it runs; while loading it ignores the handler (it knows none of its events). */
const whileRunning = {
  ACK: { target: 'deciding', actions: 'keepReply' },
  NACK: { target: 'deciding', actions: 'keepReply' },
  MESSAGES_AVAILABLE: { target: 'deciding', actions: 'noteNewEvents' },
  REPLAY_PARKED: { target: 'deciding', actions: 'noteReplayRequest' },
} as const;

export function createSubscriptionServerMachine(settings: SubscriptionSettings = SUBSCRIPTION_SETTINGS) {
  const fresh = () => freshServerContext(settings);
  const applyChanges = { target: 'deciding', actions: 'applyChanges' } as const;
  return setup({
    types: { context: {} as SubscriptionServerContext, events: {} as ServerEvent },
    guards: {
      notLoaded: ({ context }) => !context.loaded,
      hasReplies: ({ context }) => context.replies.length > 0,
      replayRequested: ({ context }) => context.replayRequested,
      hasMessagesToPark: ({ context }) => context.toPark.length > 0,
      checkpointCountReached: ({ context }) => checkpointCountReached(context),
      canPush: ({ context }) => context.retry.length + context.buffer.length > 0 && context.inFlight.length < context.settings.clientBufferSize,
      shouldRead: ({ context }) => context.storeHasMore && context.buffer.length === 0,
      // The timer checkpoint comes before waiting on acks only if it is due first.
      checkpointTimerFirst: ({ context }) =>
        context.checkpointDueAt !== null && (context.inFlight.length === 0 || context.checkpointDueAt <= earliestDeadline(context)),
      hasInFlight: ({ context }) => context.inFlight.length > 0,
    },
    actions: {
      applyChanges: assign(({ event }) => ('changes' in event ? event.changes : {})),
      keepReply: assign({ replies: ({ context, event }) => ('reply' in event ? [...context.replies, event.reply] : context.replies) }),
      noteNewEvents: assign({ storeHasMore: true }),
      noteReplayRequest: assign({ replayRequested: true }),
      forgetEverything: assign(fresh),
    },
  }).createMachine({
    id: EVENT_STORE_PARTICIPANT,
    context: fresh,
    // `deciding` never holds: it picks the next thing to do. Starting there sends a fresh
    // subscription to load its checkpoint first.
    initial: 'deciding',
    states: {
      deciding: {
        always: [
          { guard: 'notLoaded', target: 'loading' },
          { guard: 'hasReplies', target: 'recording' },
          { guard: 'replayRequested', target: 'replaying' },
          { guard: 'hasMessagesToPark', target: 'parking' },
          { guard: 'checkpointCountReached', target: 'checkpointing' },
          { guard: 'canPush', target: 'pushing' },
          { guard: 'shouldRead', target: 'reading' },
          { guard: 'checkpointTimerFirst', target: 'checkpointing' },
          { guard: 'hasInFlight', target: 'awaiting-acks' },
          { target: 'idle' },
        ],
      },
      loading: {
        meta: { op: 'load-checkpoint' },
        on: { LOADED: applyChanges, REPLAY_PARKED: { actions: 'noteReplayRequest' } },
      },
      reading: { meta: { op: 'read' }, on: { READ: applyChanges, ...whileRunning } },
      pushing: { meta: { op: 'push' }, on: { PUSHED: applyChanges, ...whileRunning } },
      recording: { meta: { op: 'record-replies' }, on: { RECORDED: applyChanges, ...whileRunning } },
      // Waits for acks; if the earliest in-flight event's timeout runs out first, it retries it.
      'awaiting-acks': {
        meta: { op: 'expire', notBefore: (context: SubscriptionServerContext) => earliestDeadline(context) },
        on: { EXPIRED: applyChanges, ...whileRunning },
      },
      parking: { meta: { op: 'park' }, on: { PARKED: applyChanges, ...whileRunning } },
      checkpointing: {
        meta: {
          op: 'checkpoint',
          notBefore: (context: SubscriptionServerContext) => (checkpointCountReached(context) ? 0 : (context.checkpointDueAt ?? 0)),
        },
        on: { CHECKPOINTED: applyChanges, ...whileRunning },
      },
      replaying: { meta: { op: 'replay-parked' }, on: { REPLAYED: applyChanges, ...whileRunning } },
      idle: { tags: ['idle'], on: whileRunning },
      [CRASHED_STATE]: {
        meta: { op: 'restart', delay: 'restartMs' },
        on: { RESTARTED: { target: 'deciding', actions: 'forgetEverything' } },
      },
    },
    on: { CRASH: `.${CRASHED_STATE}` },
  });
}

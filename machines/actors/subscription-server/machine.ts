/**
 * The subscription server's statechart. `deciding` picks the next job by priority (load, track
 * clients that left or joined, record replies, replay, park, checkpoint at the upper bound, push,
 * read, then whatever the 1 s tick has next: a checkpoint or a timeout); each job is a state whose
 * operation answers with the context fields it changed. A crash forgets the context, and the
 * restart loads the checkpoint again.
 */
import { assign, setup } from 'xstate';
import { EVENT_STORE_PARTICIPANT } from '../event-store';
import { CRASHED_STATE } from '../process';
import { checkpointTickAt, expiryTickAt, freshServerContext, upperBoundReached, type ServerEvent, type SubscriptionServerContext } from './context';
import { canPush } from './delivery';
import { SUBSCRIPTION_SETTINGS, type SubscriptionSettings } from './group';

/** Events received while it runs; while loading it ignores the handlers' answers (it knows none of its events). */
const whileRunning = {
  ACK: { target: 'deciding', actions: 'keepReply' },
  NACK: { target: 'deciding', actions: 'keepReply' },
  CLIENT_GONE: { target: 'deciding', actions: 'keepClientChange' },
  CLIENT_CONNECTED: { target: 'deciding', actions: 'keepClientChange' },
  MESSAGES_AVAILABLE: { target: 'deciding', actions: 'noteNewEvents' },
  REPLAY_PARKED: { target: 'deciding', actions: 'noteReplayRequest' },
} as const;

/** Whether the tick's next job is a checkpoint (due no later than the first timeout). */
function checkpointTickFirst(context: SubscriptionServerContext): boolean {
  const checkpointAt = checkpointTickAt(context);
  const expiryAt = expiryTickAt(context);
  return checkpointAt !== null && (expiryAt === null || checkpointAt < expiryAt);
}

export function createSubscriptionServerMachine(settings: SubscriptionSettings = SUBSCRIPTION_SETTINGS) {
  const fresh = () => freshServerContext(settings);
  const applyChanges = { target: 'deciding', actions: 'applyChanges' } as const;
  return setup({
    types: { context: {} as SubscriptionServerContext, events: {} as ServerEvent },
    guards: {
      notLoaded: ({ context }) => !context.loaded,
      clientsChanged: ({ context }) => context.clientChanges.length > 0,
      hasReplies: ({ context }) => context.replies.length > 0,
      replayRequested: ({ context }) => context.replayRequested,
      hasMessagesToPark: ({ context }) => context.toPark.length > 0,
      upperBoundReached: ({ context }) => upperBoundReached(context),
      canPush: ({ context }) => canPush(context),
      shouldRead: ({ context }) => context.storeHasMore && context.buffer.length === 0,
      checkpointTickFirst: ({ context }) => checkpointTickFirst(context),
      hasInFlight: ({ context }) => context.inFlight.length > 0,
    },
    actions: {
      applyChanges: assign(({ event }) => ('changes' in event ? event.changes : {})),
      keepReply: assign({ replies: ({ context, event }) => ('reply' in event ? [...context.replies, event.reply] : context.replies) }),
      keepClientChange: assign({
        clientChanges: ({ context, event }) =>
          event.type === 'CLIENT_GONE' || event.type === 'CLIENT_CONNECTED'
            ? [...context.clientChanges, { client: event.client, change: event.type === 'CLIENT_GONE' ? ('gone' as const) : ('connected' as const) }]
            : context.clientChanges,
      }),
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
          { guard: 'clientsChanged', target: 'tracking-clients' },
          { guard: 'hasReplies', target: 'recording' },
          { guard: 'replayRequested', target: 'replaying' },
          { guard: 'hasMessagesToPark', target: 'parking' },
          { guard: 'upperBoundReached', target: 'checkpointing' },
          { guard: 'canPush', target: 'pushing' },
          { guard: 'shouldRead', target: 'reading' },
          { guard: 'checkpointTickFirst', target: 'checkpointing' },
          { guard: 'hasInFlight', target: 'awaiting-acks' },
          { target: 'idle' },
        ],
      },
      loading: {
        meta: { op: 'load-checkpoint' },
        on: {
          LOADED: applyChanges,
          REPLAY_PARKED: { actions: 'noteReplayRequest' },
          CLIENT_GONE: { actions: 'keepClientChange' },
          CLIENT_CONNECTED: { actions: 'keepClientChange' },
        },
      },
      'tracking-clients': { meta: { op: 'track-clients' }, on: { CLIENTS_UPDATED: applyChanges, ...whileRunning } },
      reading: { meta: { op: 'read' }, on: { READ: applyChanges, ...whileRunning } },
      pushing: { meta: { op: 'push' }, on: { PUSHED: applyChanges, ...whileRunning } },
      recording: { meta: { op: 'record-replies' }, on: { RECORDED: applyChanges, ...whileRunning } },
      // Waits for answers; the tick after the earliest in-flight message's timeout retries it.
      'awaiting-acks': {
        meta: { op: 'expire', notBefore: (context: SubscriptionServerContext) => expiryTickAt(context) ?? 0 },
        on: { EXPIRED: applyChanges, ...whileRunning },
      },
      parking: { meta: { op: 'park' }, on: { PARKED: applyChanges, ...whileRunning } },
      // At the upper bound it writes at once; otherwise on the tick the rule allows.
      checkpointing: {
        meta: {
          op: 'checkpoint',
          notBefore: (context: SubscriptionServerContext) => (upperBoundReached(context) ? 0 : (checkpointTickAt(context) ?? 0)),
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

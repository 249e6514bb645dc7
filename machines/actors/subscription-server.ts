/**
 * The server side of a persistent subscription: a consumer group (`shipping`) that the event store
 * itself holds, KurrentDB style. The store reads `$all`, pushes events to the connected handler,
 * waits for an ack or a nack per event, retries what times out or is nacked, parks what keeps
 * failing, and now and then writes a checkpoint.
 *
 * It is a process participant of its own (id `event-store`): its durable data is the EventStore
 * (the checkpoint and parked streams are system streams there), its working memory — what is in
 * flight, the retry queue, the read buffer — is this statechart's context, and a crash forgets it.
 * That is a subscription restart (a leader change, the subscription subsystem restarting): the
 * group reloads from its last checkpoint and delivers everything after it again, including
 * events the handler had already acked, because the checkpoint is written after several acks or
 * after a while, never per event.
 *
 * The seed tutorial says a restarted application "resumes from the checkpoint, avoiding
 * reprocessing". The lab shows what really happens: a handler that reconnects gets its unacked
 * events again (after the message timeout), and a restarted subscription redelivers everything
 * after its checkpoint, acked or not. The handler has to be idempotent either way.
 *
 * Also here: the operator, a person who replays parked messages when the store parks one.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../kernel/pattern';
import type { TableSnapshot } from '../kernel/types';
import type { EventStore, RecordedEvent } from './event-store';
import { EVENT_STORE_PARTICIPANT } from './event-store';
import { ordersOf } from './orders-concerned';
import { CRASHED_STATE, restartOperation } from './process';

export const SUBSCRIPTION_GROUP = 'shipping';
/** The handler the store pushes to (the consumer participant). */
export const HANDLER_PARTICIPANT = 'consumer';
export const OPERATOR_PARTICIPANT = 'operator';

/** KurrentDB names a group's bookkeeping streams after the subscribed stream and the group. */
export const CHECKPOINT_STREAM = `$persistentsubscription-$all::${SUBSCRIPTION_GROUP}-checkpoint`;
export const PARKED_STREAM = `$persistentsubscription-$all::${SUBSCRIPTION_GROUP}-parked`;
/** The parked stream's metadata: its truncate-before (`$tb`) hides messages already replayed. */
export const PARKED_METADATA_STREAM = `$$${PARKED_STREAM}`;

/**
 * The group's settings, KurrentDB's names in the comments, with small lab values so a run of two
 * or three orders shows each of them at work.
 */
export interface SubscriptionSettings {
  /** Write a checkpoint at once after this many processed events (like maxCheckPointCount). */
  checkpointAfterAcks: number;
  /**
   * Otherwise write it this long after the first event processed since the last one (like
   * checkPointAfter; KurrentDB also wants minCheckPointCount events by then, the lab wants one).
   */
  checkpointAfterMs: number;
  /** An event pushed and not acked within this long is retried (messageTimeout). */
  messageTimeoutMs: number;
  /** Retries before an event is parked (maxRetryCount). */
  maxRetryCount: number;
  /** Events read from `$all` at a time (readBatchSize). */
  readBatchSize: number;
  /** Events in flight to the handler at most (the client's buffer size). */
  clientBufferSize: number;
}

export const SUBSCRIPTION_SETTINGS: SubscriptionSettings = {
  checkpointAfterAcks: 3,
  checkpointAfterMs: 1000,
  messageTimeoutMs: 1000,
  maxRetryCount: 2,
  readBatchSize: 2,
  clientBufferSize: 2,
};

/** How long the operator takes, after the store parks a message, to ask for a replay. */
export const OPERATOR_REACTION_MS = 500;

/** An event the group still owes the handler. */
export interface OutstandingMessage {
  event: RecordedEvent;
  retryCount: number;
  /**
   * Replayed from the parked stream: its place in `$all` is already behind the checkpoint, so it
   * does not hold the checkpoint back (and a restart forgets it).
   */
  replayed: boolean;
}

export interface InFlightMessage extends OutstandingMessage {
  pushedAt: number;
  /** When the message timeout runs out and the event is retried. */
  deadline: number;
}

/** What the handler answers about one event: ack, or nack with an action. */
export type ReplyAction = 'ack' | 'retry' | 'skip' | 'park';

export interface HandlerReply {
  eventId: string;
  orderId: number | null;
  action: ReplyAction;
  reason: string;
}

export interface SubscriptionServerContext {
  settings: SubscriptionSettings;
  /** False from (re)start until the checkpoint is loaded. */
  loaded: boolean;
  /** The position the last checkpoint recorded (deliver from here after a restart); null: none yet. */
  checkpoint: number | null;
  /** Next `$all` position to read. */
  nextPosition: number;
  /** Whether `$all` may hold events past `nextPosition` (an append woke the group, or a full batch came back). */
  storeHasMore: boolean;
  /** Read from `$all`, not pushed yet. */
  buffer: OutstandingMessage[];
  /** Nacked, timed out or replayed: pushed before anything in the buffer. */
  retry: OutstandingMessage[];
  inFlight: InFlightMessage[];
  /** Acks and nacks received, not recorded yet. */
  replies: HandlerReply[];
  /** Events to write to the parked stream. */
  toPark: { message: OutstandingMessage; reason: string }[];
  /** Events acked, skipped or parked since the last checkpoint. */
  processedSinceCheckpoint: number;
  /** When the time-based checkpoint is due; null while nothing was processed since the last one. */
  checkpointDueAt: number | null;
  replayRequested: boolean;
}

export function freshServerContext(settings: SubscriptionSettings = SUBSCRIPTION_SETTINGS): SubscriptionServerContext {
  return {
    settings,
    loaded: false,
    checkpoint: null,
    nextPosition: 0,
    storeHasMore: false,
    buffer: [],
    retry: [],
    inFlight: [],
    replies: [],
    toPark: [],
    processedSinceCheckpoint: 0,
    checkpointDueAt: null,
    replayRequested: false,
  };
}

/** Operations answer with the context fields they changed; the statechart applies them. */
type Changes = Partial<SubscriptionServerContext>;

type ServerEvent =
  | { type: 'LOADED'; changes: Changes }
  | { type: 'READ'; changes: Changes }
  | { type: 'PUSHED'; changes: Changes }
  | { type: 'RECORDED'; changes: Changes }
  | { type: 'EXPIRED'; changes: Changes }
  | { type: 'PARKED'; changes: Changes }
  | { type: 'CHECKPOINTED'; changes: Changes }
  | { type: 'REPLAYED'; changes: Changes }
  | { type: 'ACK'; reply: HandlerReply }
  | { type: 'NACK'; reply: HandlerReply }
  | { type: 'MESSAGES_AVAILABLE' }
  | { type: 'REPLAY_PARKED' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

/**
 * The position up to which everything is processed: the lowest position the group still owes,
 * or the next one to read when it owes nothing. Replayed parked messages do not count (they are
 * behind it already).
 */
export function checkpointPosition(context: SubscriptionServerContext): number {
  const owed = [...context.buffer, ...context.retry, ...context.inFlight, ...context.toPark.map((p) => p.message)]
    .filter((m) => !m.replayed)
    .map((m) => m.event.position);
  return owed.length > 0 ? Math.min(...owed) : context.nextPosition;
}

function earliestDeadline(context: SubscriptionServerContext): number {
  return Math.min(...context.inFlight.map((m) => m.deadline));
}

function checkpointCountReached(context: SubscriptionServerContext): boolean {
  return context.processedSinceCheckpoint >= context.settings.checkpointAfterAcks;
}

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

// ---- operations ---------------------------------------------------------------------------

type ServerOperation = Operation<SubscriptionServerContext>;

const STORE = EVENT_STORE_PARTICIPANT;

function orderList(messages: { event: RecordedEvent }[]): string {
  const orders = messages.map((m) => m.event.orderId);
  if (orders.length === 1) return `order ${orders[0]}`;
  return `orders ${orders.slice(0, -1).join(', ')} and ${orders.at(-1)}`;
}

function ids(messages: { event: RecordedEvent }[]): string {
  return messages.map((m) => m.event.eventId).join(', ');
}

/** The orders of messages the group holds, for `about` and `orders`. */
function ordersOfMessages(messages: readonly { event: RecordedEvent }[]): number[] {
  return ordersOf(messages.map((m) => m.event));
}

/** What the next push sends: the retry queue (nacked, timed out, replayed) before new events, as far as the handler has room. */
function nextPush(context: SubscriptionServerContext): OutstandingMessage[] {
  const room = context.settings.clientBufferSize - context.inFlight.length;
  return [...context.retry, ...context.buffer].slice(0, room);
}

/** The in-flight message whose timeout runs out first, the one `expire` waits on: none or one. */
function firstToExpire(context: SubscriptionServerContext): InFlightMessage[] {
  return [...context.inFlight].sort((a, b) => a.deadline - b.deadline).slice(0, 1);
}

const loadCheckpoint: ServerOperation = {
  faults: [],
  // It runs right after a (re)start; crashing it again shows nothing new.
  crashable: false,
  latencyMs: 2,
  intent: () => 'loading its checkpoint',
  async run(ctx) {
    const last = ctx.storeInternals.stream(CHECKPOINT_STREAM).at(-1);
    const position = last ? (JSON.parse(last.data) as { position: number }).position : null;
    ctx.emit({ from: STORE, to: STORE, kind: 'read', label: `read ${CHECKPOINT_STREAM}`, ok: true });
    ctx.emit({ from: STORE, to: STORE, kind: 'reply', label: position === null ? 'no checkpoint' : `checkpoint: position ${position}`, ok: true });
    return {
      event: { type: 'LOADED', changes: { loaded: true, checkpoint: position, nextPosition: position ?? 0, storeHasMore: true } },
      caption:
        position === null
          ? 'The subscription finds no checkpoint and starts at position 0.'
          : `The subscription loads its checkpoint and resumes at position ${position}.`,
    };
  },
};

const read: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `reading $all from position ${context.nextPosition}`,
  async run(ctx) {
    const { nextPosition, settings, buffer } = ctx.context;
    const events = ctx.store.readAll(nextPosition, settings.readBatchSize);
    const fresh = events.map((event) => ({ event, retryCount: 0, replayed: false }));
    return {
      orders: ordersOfMessages(fresh),
      event: {
        type: 'READ',
        changes: {
          buffer: [...buffer, ...fresh],
          nextPosition: events.length > 0 ? events.at(-1)!.position + 1 : nextPosition,
          storeHasMore: events.length === settings.readBatchSize,
        },
      },
      caption:
        events.length === 0
          ? 'The subscription reads $all and finds nothing new.'
          : `The subscription reads OrderPlaced for ${orderList(fresh)} into its buffer.`,
    };
  },
};

const push: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => {
    const next = [...context.retry, ...context.buffer][0];
    return next ? `pushing OrderPlaced for order ${next.event.orderId}` : 'pushing';
  },
  about: (context) => ordersOfMessages(nextPush(context)),
  async run(ctx) {
    const { retry, buffer, inFlight, settings } = ctx.context;
    const batch = nextPush(ctx.context);
    const fromRetry = batch.filter((m) => retry.includes(m));
    const events = batch.map((m) => m.event);
    const label = `push ${events.map((e) => `${e.type} ${e.eventId}`).join(', ')}`;
    ctx.emit({ from: STORE, to: HANDLER_PARTICIPANT, kind: 'publish', label, ok: true });
    const delivered = ctx.send(HANDLER_PARTICIPANT, { type: 'EVENTS_PUSHED', events });
    // The lab's instrument: the checker counts what reached the group's handler.
    if (delivered) for (const e of events) ctx.storeInternals.recordDelivery(SUBSCRIPTION_GROUP, e.eventId);
    const sent: InFlightMessage[] = batch.map((m) => ({ ...m, pushedAt: ctx.now, deadline: ctx.now + settings.messageTimeoutMs }));
    const again = fromRetry.length > 0 ? ` (${fromRetry.some((m) => m.replayed) ? 'replayed' : 'retry'})` : '';
    return {
      event: {
        type: 'PUSHED',
        changes: {
          retry: retry.filter((m) => !batch.includes(m)),
          buffer: buffer.filter((m) => !batch.includes(m)),
          inFlight: [...inFlight, ...sent],
        },
      },
      caption: delivered
        ? `The subscription pushes ${ids(batch)} for ${orderList(batch)} to the handler${again}.`
        : `The handler is down: ${ids(batch)} stays in flight until its timeout.`,
    };
  },
};

function describeReply(reply: HandlerReply): string {
  return reply.action === 'ack' ? `ack ${reply.eventId}` : `nack ${reply.action} ${reply.eventId}`;
}

/** What the group made of one reply, for the trace and the caption. */
interface ReplyNote {
  label: string;
  caption: string;
}

const recordReplies: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 1,
  intent: (context) => {
    const first = context.replies[0];
    return first ? `recording the ${describeReply(first)}${first.orderId === null ? '' : ` for order ${first.orderId}`}` : 'recording replies';
  },
  about: (context) => context.replies.flatMap((reply) => (reply.orderId === null ? [] : [reply.orderId])),
  async run(ctx) {
    const { replies, settings } = ctx.context;
    let { inFlight, retry, toPark, processedSinceCheckpoint, checkpointDueAt } = ctx.context;
    const notes: ReplyNote[] = [];
    for (const reply of replies) {
      const what = `${reply.eventId} for order ${reply.orderId ?? '?'}`;
      const message = inFlight.find((m) => m.event.eventId === reply.eventId) ?? retry.find((m) => m.event.eventId === reply.eventId);
      if (!message) {
        // An answer about an event the group no longer owes (acked before, or forgotten by a restart).
        notes.push({ label: `${describeReply(reply)}: not outstanding, ignored`, caption: `The subscription ignores the ${describeReply(reply)}: it owes it no more.` });
        continue;
      }
      // An answer names the event: the group stops owing it wherever it waits.
      inFlight = inFlight.filter((m) => m.event.eventId !== reply.eventId);
      retry = retry.filter((m) => m.event.eventId !== reply.eventId);
      const owed: OutstandingMessage = { event: message.event, retryCount: message.retryCount, replayed: message.replayed };
      if (reply.action === 'ack' || reply.action === 'skip') {
        // A replayed message is behind the checkpoint already: done, but nothing to checkpoint.
        if (!owed.replayed) {
          processedSinceCheckpoint += 1;
          checkpointDueAt ??= ctx.now + settings.checkpointAfterMs;
        }
        notes.push({
          label: describeReply(reply),
          caption: reply.action === 'ack' ? `The subscription records the ack of ${what}.` : `The subscription drops ${what} for good: nack skip.`,
        });
      } else if (reply.action === 'park') {
        toPark = [...toPark, { message: owed, reason: reply.reason }];
        notes.push({ label: `${describeReply(reply)}: to park`, caption: `The subscription takes the nack park of ${what}.` });
      } else if (owed.retryCount >= settings.maxRetryCount) {
        toPark = [...toPark, { message: owed, reason: `retried ${owed.retryCount} times: ${reply.reason}` }];
        notes.push({
          label: `${describeReply(reply)}: out of retries (${owed.retryCount}), to park`,
          caption: `Order ${reply.orderId ?? '?'} is out of retries: the subscription will park ${reply.eventId}.`,
        });
      } else {
        retry = [...retry, { ...owed, retryCount: owed.retryCount + 1 }];
        notes.push({ label: `${describeReply(reply)}: retry ${owed.retryCount + 1}`, caption: `The subscription queues ${what} for retry ${owed.retryCount + 1}.` });
      }
    }
    ctx.emit({ from: STORE, to: STORE, kind: 'offset-commit', label: notes.map((n) => n.label).join('; '), ok: true });
    const more = notes.length > 1 ? ` (and ${notes.length - 1} more reply)` : '';
    return {
      event: { type: 'RECORDED', changes: { replies: [], inFlight, retry, toPark, processedSinceCheckpoint, checkpointDueAt } },
      caption: notes[0]!.caption.replace(/\.$/, `${more}.`),
    };
  },
};

const expire: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 1,
  intent: (context) => {
    const [first] = firstToExpire(context);
    return first ? `timing out ${first.event.eventId} for order ${first.event.orderId}` : 'checking timeouts';
  },
  about: (context) => ordersOfMessages(firstToExpire(context)),
  async run(ctx) {
    const { inFlight, settings } = ctx.context;
    const expired = inFlight.filter((m) => m.deadline <= ctx.now);
    let { retry, toPark } = ctx.context;
    for (const m of expired) {
      const owed: OutstandingMessage = { event: m.event, retryCount: m.retryCount, replayed: m.replayed };
      if (owed.retryCount >= settings.maxRetryCount) toPark = [...toPark, { message: owed, reason: `no ack after ${owed.retryCount + 1} deliveries` }];
      else retry = [...retry, { ...owed, retryCount: owed.retryCount + 1 }];
    }
    ctx.emit({
      from: STORE,
      to: STORE,
      kind: 'error',
      label: expired.length === 0 ? 'no message timed out' : `message timeout: no ack for ${ids(expired)} within ${settings.messageTimeoutMs} ms`,
      ok: expired.length === 0,
    });
    const parking = expired.filter((m) => m.retryCount >= settings.maxRetryCount);
    return {
      event: { type: 'EXPIRED', changes: { inFlight: inFlight.filter((m) => !expired.includes(m)), retry, toPark } },
      orders: ordersOfMessages(expired),
      caption:
        expired.length === 0
          ? 'The subscription finds no message past its timeout.'
          : parking.length > 0
            ? `No ack for ${orderList(expired)}, out of retries: the subscription will park it.`
            : `No ack for ${orderList(expired)} within ${settings.messageTimeoutMs / 1000} s: the subscription will retry.`,
    };
  },
};

const park: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `parking ${context.toPark.map((p) => `${p.message.event.eventId} for order ${p.message.event.orderId}`).join(', ')}`,
  about: (context) => ordersOfMessages(context.toPark.map((p) => p.message)),
  async run(ctx) {
    const { toPark, settings } = ctx.context;
    // A parked message is a link to the original event, as KurrentDB writes it; the stream is
    // durable, so the message survives restarts until someone replays it.
    const links = ctx.storeInternals.appendSystem(
      PARKED_STREAM,
      toPark.map(({ message }) => ({
        eventId: ctx.nextId('parked'),
        type: '$>',
        data: `${message.event.revision}@${message.event.stream}`,
        orderId: message.event.orderId,
      })),
    );
    for (const [i, { message, reason }] of toPark.entries()) {
      ctx.emit({ from: STORE, to: STORE, kind: 'append', label: `park ${message.event.eventId} → ${PARKED_STREAM}@${links[i]!.revision} (${reason})`, ok: true });
    }
    ctx.emit({ from: STORE, to: OPERATOR_PARTICIPANT, kind: 'request', label: `alert: ${toPark.length} parked in ${SUBSCRIPTION_GROUP}`, ok: true });
    ctx.send(OPERATOR_PARTICIPANT, { type: 'PARKED_ALERT', at: ctx.now });
    const messages = toPark.map((p) => p.message);
    // Parked counts as processed for the checkpoint, unless it was behind the checkpoint already.
    const advanced = messages.filter((m) => !m.replayed).length;
    return {
      event: {
        type: 'PARKED',
        changes: {
          toPark: [],
          processedSinceCheckpoint: ctx.context.processedSinceCheckpoint + advanced,
          checkpointDueAt: advanced > 0 ? (ctx.context.checkpointDueAt ?? ctx.now + settings.checkpointAfterMs) : ctx.context.checkpointDueAt,
        },
      },
      caption: `The subscription parks ${ids(messages)} for ${orderList(messages)} in its parked stream.`,
    };
  },
};

const checkpoint: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: () => 'writing its checkpoint',
  async run(ctx) {
    const context = ctx.context;
    const position = checkpointPosition(context);
    const byCount = checkpointCountReached(context);
    const why = byCount ? `after ${context.processedSinceCheckpoint} processed events` : `${context.settings.checkpointAfterMs} ms after the first ack`;
    const reset: Changes = { processedSinceCheckpoint: 0, checkpointDueAt: null };
    if (position === (context.checkpoint ?? 0)) {
      ctx.emit({ from: STORE, to: STORE, kind: 'offset-commit', label: `checkpoint stays at position ${position}: an earlier event is still owed`, ok: true });
      return {
        event: { type: 'CHECKPOINTED', changes: reset },
        caption: `The subscription keeps its checkpoint at ${position}: an earlier event is unacked.`,
      };
    }
    const [written] = ctx.storeInternals.appendSystem(CHECKPOINT_STREAM, [
      // Not an order's event; orderId 0 names none (the checker reads user streams only).
      { eventId: ctx.nextId('checkpoint'), type: '$SubscriptionCheckpoint', data: JSON.stringify({ position }), orderId: 0 },
    ]);
    ctx.emit({ from: STORE, to: STORE, kind: 'append', label: `checkpoint position ${position} → ${CHECKPOINT_STREAM}@${written!.revision} (${why})`, ok: true });
    return {
      event: { type: 'CHECKPOINTED', changes: { ...reset, checkpoint: position } },
      caption: byCount
        ? `After ${context.processedSinceCheckpoint} acks the subscription checkpoints at position ${position}.`
        : `A timer fires: the subscription checkpoints at position ${position}.`,
    };
  },
};

/** The parked stream's current truncate-before: messages below it were replayed already. */
function parkedTruncateBefore(metadata: RecordedEvent[]): number {
  const last = metadata.at(-1);
  return last ? (JSON.parse(last.data) as { $tb: number }).$tb : 0;
}

/** The original events the parked stream links to, from the truncate-before on. */
export function parkedMessages(store: { stream(name: string): RecordedEvent[]; userEvents(): RecordedEvent[] }): RecordedEvent[] {
  const tb = parkedTruncateBefore(store.stream(PARKED_METADATA_STREAM));
  const users = store.userEvents();
  return store
    .stream(PARKED_STREAM)
    .filter((link) => link.revision >= tb)
    .map((link) => {
      const [revision, stream] = link.data.split('@') as [string, string];
      return users.find((e) => e.stream === stream && e.revision === Number(revision));
    })
    .filter((e): e is RecordedEvent => e !== undefined);
}

const replayParked: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: () => 'replaying its parked messages',
  async run(ctx) {
    const parked = ctx.storeInternals.stream(PARKED_STREAM);
    const events = parkedMessages(ctx.storeInternals);
    ctx.emit({ from: STORE, to: STORE, kind: 'read', label: `read ${PARKED_STREAM}`, ok: true });
    if (events.length === 0) {
      ctx.emit({ from: STORE, to: STORE, kind: 'reply', label: 'no parked messages', ok: true });
      return { event: { type: 'REPLAYED', changes: { replayRequested: false } }, caption: 'The subscription finds no parked messages to replay.' };
    }
    // Like KurrentDB, it truncates the parked stream once it has read it: the replayed messages
    // now live only in memory until they are acked.
    const tb = parked.at(-1)!.revision + 1;
    ctx.storeInternals.appendSystem(PARKED_METADATA_STREAM, [{ eventId: ctx.nextId('metadata'), type: '$metadata', data: JSON.stringify({ $tb: tb }), orderId: 0 }]);
    ctx.emit({ from: STORE, to: STORE, kind: 'append', label: `${PARKED_STREAM} truncate before ${tb}`, ok: true });
    const replayed: OutstandingMessage[] = events.map((event) => ({ event, retryCount: 0, replayed: true }));
    const waiting = ctx.context.buffer.length;
    return {
      // Replayed messages go to the front of the retry queue: ahead of every new event.
      event: { type: 'REPLAYED', changes: { replayRequested: false, retry: [...replayed, ...ctx.context.retry] } },
      orders: ordersOfMessages(replayed),
      caption:
        waiting > 0
          ? `The subscription queues parked ${ids(replayed)} ahead of ${waiting} newer event${waiting === 1 ? '' : 's'}.`
          : `The subscription queues parked ${ids(replayed)} for ${orderList(replayed)} again.`,
    };
  },
};

export function subscriptionServerProcess(label: string, settings: SubscriptionSettings = SUBSCRIPTION_SETTINGS): ProcessSpec {
  return {
    id: EVENT_STORE_PARTICIPANT,
    machine: createSubscriptionServerMachine(settings),
    operations: {
      'load-checkpoint': loadCheckpoint,
      read,
      push,
      'record-replies': recordReplies,
      expire,
      park,
      checkpoint,
      'replay-parked': replayParked,
      restart: restartOperation(label),
    },
  };
}

/**
 * The group as the store's admin page would show it: every event it owes, where it waits, with
 * retries, deliveries and deadlines, and the parked messages from the parked stream.
 */
export function subscriptionInspection(context: SubscriptionServerContext | undefined, store: EventStore, now: number): TableSnapshot {
  const deliveries = store.deliveries(SUBSCRIPTION_GROUP);
  const row = (m: OutstandingMessage, where: string, deadline: number | null) => ({
    event_id: m.event.eventId,
    order_id: m.event.orderId,
    position: m.event.position,
    where: m.replayed ? `${where} (replayed)` : where,
    retries: m.retryCount,
    deliveries: deliveries.get(m.event.eventId) ?? 0,
    deadline_ms: deadline,
  });
  const parked = parkedMessages(store);
  const rows = context
    ? [
        ...context.inFlight.map((m) => row(m, 'in flight', m.deadline)),
        ...context.retry.map((m) => row(m, 'retry queue', null)),
        ...context.buffer.map((m) => row(m, 'buffer', null)),
        ...context.toPark.map((p) => row(p.message, 'to park', null)),
      ]
    : [];
  rows.push(...parked.map((e) => row({ event: e, retryCount: 0, replayed: false }, 'parked', null)));
  const stored = store.stream(CHECKPOINT_STREAM).at(-1);
  const storedPosition = stored ? (JSON.parse(stored.data) as { position: number }).position : null;
  const checkpointText = storedPosition === null ? 'no checkpoint yet' : `checkpoint at position ${storedPosition}`;
  const note =
    !context || !context.loaded
      ? `Group ${SUBSCRIPTION_GROUP}: restarting, ${checkpointText}; it will deliver again from there.`
      : `Group ${SUBSCRIPTION_GROUP}: ${checkpointText}, next read at ${context.nextPosition}, ${context.processedSinceCheckpoint} processed since (t=${now} ms).`;
  return {
    name: `persistent subscription ${SUBSCRIPTION_GROUP}`,
    note,
    columns: ['event_id', 'order_id', 'position', 'where', 'retries', 'deliveries', 'deadline_ms'],
    rows,
  };
}

// ---- the operator ---------------------------------------------------------------------------

interface OperatorContext {
  /** When the store's alert came in; the operator acts a while later. */
  alertAt: number;
}

type OperatorEvent = { type: 'PARKED_ALERT'; at: number } | { type: 'REPLAY_REQUESTED' } | { type: 'REFUSED'; at: number };

/**
 * A person watching the group. When the store parks a message, they ask for a replay of the
 * parked messages, once: a message that parks again needs a fixed handler, not another replay.
 */
export const operatorMachine = setup({
  types: { context: {} as OperatorContext, events: {} as OperatorEvent },
  actions: { noteAlert: assign({ alertAt: ({ event }) => ('at' in event ? event.at : 0) }) },
}).createMachine({
  id: OPERATOR_PARTICIPANT,
  context: { alertAt: 0 },
  initial: 'watching',
  states: {
    watching: { tags: ['idle'], on: { PARKED_ALERT: { target: 'replaying', actions: 'noteAlert' } } },
    replaying: {
      meta: { op: 'request-replay', notBefore: (context: OperatorContext) => context.alertAt + OPERATOR_REACTION_MS },
      on: {
        REPLAY_REQUESTED: 'done',
        // The store is down: try again a while later.
        REFUSED: { target: 'replaying', reenter: true, actions: 'noteAlert' },
      },
    },
    done: { tags: ['idle'] },
  },
});

const requestReplay: Operation<OperatorContext> = {
  faults: [],
  // A person, outside the system under test, like the client.
  crashable: false,
  latencyMs: 1,
  intent: () => 'asking for a replay of the parked messages',
  async run(ctx) {
    ctx.emit({ from: OPERATOR_PARTICIPANT, to: STORE, kind: 'request', label: `replay parked messages of ${SUBSCRIPTION_GROUP}`, ok: true });
    if (!ctx.send(STORE, { type: 'REPLAY_PARKED' })) {
      return { event: { type: 'REFUSED', at: ctx.now }, caption: 'The operator cannot reach the event store and will try again.' };
    }
    return { event: { type: 'REPLAY_REQUESTED' }, caption: 'The operator asks the event store to replay parked messages.' };
  },
};

export function operatorProcess(): ProcessSpec {
  return { id: OPERATOR_PARTICIPANT, machine: operatorMachine, operations: { 'request-replay': requestReplay } };
}

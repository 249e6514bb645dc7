/**
 * The subscription server's working memory: what it owes its clients and where each event waits
 * (read buffer, retry queue, in flight to which client, to park), the replies not recorded yet,
 * which clients are connected, and the counters its checkpoint rule reads. A crash forgets all of
 * it; only the system streams survive.
 */
import type { RecordedEvent } from '../event-store';
import { SERVER_TICK_MS, SUBSCRIPTION_SETTINGS, type HandlerReply, type SubscriptionSettings } from './group';
import { freshPinnedState, type PinnedState } from './strategy';

/** An event the group still owes a client. */
export interface OutstandingMessage {
  event: RecordedEvent;
  retryCount: number;
  /**
   * Replayed from the parked stream: its place in `$all` is already behind the checkpoint, so it
   * does not hold the checkpoint back (and a restart forgets it).
   */
  replayed: boolean;
  /**
   * Numbered when it first leaves the read buffer, as KurrentDB numbers messages: the checkpoint
   * counts processed messages by these numbers. Null before, and for replayed messages.
   */
  sequence: number | null;
  /** Where the message that left the buffer before it was: the checkpoint written while this one is owed. */
  previousPosition: number | null;
}

export interface InFlightMessage extends OutstandingMessage {
  /** The handler instance it was pushed to. */
  client: string;
  pushedAt: number;
  /** When the message timeout runs out; the tick after that retries it. */
  deadline: number;
}

export interface ClientConnection {
  id: string;
  connected: boolean;
  /** How many times it has subscribed: a reconnection is a new connection (a new pinned node). */
  connection: number;
}

export interface SubscriptionServerContext {
  settings: SubscriptionSettings;
  /** False from (re)start until the checkpoint is loaded. */
  loaded: boolean;
  /** The position the last checkpoint recorded (the last event done; delivery resumes after it); null: none yet. */
  checkpoint: number | null;
  /** Next `$all` position to read. */
  nextPosition: number;
  /** Whether `$all` may hold events past `nextPosition` (an append woke the group, or a full batch came back). */
  storeHasMore: boolean;
  /** Read from `$all`, not pushed yet. */
  buffer: OutstandingMessage[];
  /** Nacked, timed out, dropped with a client, or replayed: pushed before anything in the buffer. */
  retry: OutstandingMessage[];
  inFlight: InFlightMessage[];
  /** Acks and nacks received, not recorded yet. */
  replies: HandlerReply[];
  /** Events to write to the parked stream. */
  toPark: { message: OutstandingMessage; reason: string }[];
  clients: ClientConnection[];
  /** Round robin's queue of connected clients: the next push tries them from the front. */
  rotation: string[];
  pinned: PinnedState;
  /** Connections that closed or opened, not handled yet. */
  clientChanges: { client: string; change: 'gone' | 'connected' }[];
  /** The number the next message to leave the buffer gets. */
  nextSequence: number;
  /** The last message numbered, and where it was: the checkpoint when nothing is owed. */
  lastKnownSequence: number;
  lastKnownPosition: number | null;
  /** Up to which number the last checkpoint counted, and when it was taken (null: never since start). */
  lastCheckpointedSequence: number;
  lastCheckpointAt: number | null;
  /** While a checkpoint write is under way (until this time), no new one is written. */
  checkpointWriteDoneAt: number | null;
  replayRequested: boolean;
  /** Virtual time of the server's last step: the timer's next tick is reckoned from it. */
  clock: number;
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
    // Clients subscribe again by themselves when the subscription comes back; one that is down
    // is found out by the first push it refuses.
    clients: settings.clients.map((id) => ({ id, connected: true, connection: 1 })),
    rotation: [...settings.clients],
    pinned: freshPinnedState(settings.clients),
    clientChanges: [],
    nextSequence: 0,
    lastKnownSequence: -1,
    lastKnownPosition: null,
    lastCheckpointedSequence: -1,
    lastCheckpointAt: null,
    checkpointWriteDoneAt: null,
    replayRequested: false,
    clock: 0,
  };
}

/** Operations answer with the context fields they changed; the statechart applies them. */
export type Changes = Partial<SubscriptionServerContext>;

export type ServerEvent =
  | { type: 'LOADED'; changes: Changes }
  | { type: 'READ'; changes: Changes }
  | { type: 'PUSHED'; changes: Changes }
  | { type: 'RECORDED'; changes: Changes }
  | { type: 'EXPIRED'; changes: Changes }
  | { type: 'PARKED'; changes: Changes }
  | { type: 'CHECKPOINTED'; changes: Changes }
  | { type: 'REPLAYED'; changes: Changes }
  | { type: 'CLIENTS_UPDATED'; changes: Changes }
  | { type: 'ACK'; reply: HandlerReply }
  | { type: 'NACK'; reply: HandlerReply }
  | { type: 'CLIENT_GONE'; client: string }
  | { type: 'CLIENT_CONNECTED'; client: string }
  | { type: 'MESSAGES_AVAILABLE' }
  | { type: 'REPLAY_PARKED' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

/** What a checkpoint written now would record: the number counted up to, and the position. */
export interface CheckpointCandidate {
  sequence: number;
  position: number;
}

/**
 * KurrentDB's rule: the lowest-numbered message still owed (in flight or waiting for a retry)
 * holds the checkpoint just below itself, at the message before it; with nothing owed it is the
 * last message numbered. Null: nothing to record yet (the very first message is still owed).
 * Replayed parked messages carry no number: they hold nothing back.
 */
export function checkpointCandidate(context: SubscriptionServerContext): CheckpointCandidate | null {
  const owed = [...context.inFlight, ...context.retry, ...context.toPark.map((p) => p.message)].filter(
    (m): m is OutstandingMessage & { sequence: number } => !m.replayed && m.sequence !== null,
  );
  if (owed.length > 0) {
    const lowest = owed.reduce((a, b) => (b.sequence < a.sequence ? b : a));
    return lowest.previousPosition === null ? null : { sequence: lowest.sequence - 1, position: lowest.previousPosition };
  }
  if (context.lastKnownSequence < 0 || context.lastKnownPosition === null) return null;
  return { sequence: context.lastKnownSequence, position: context.lastKnownPosition };
}

/** Messages processed past the last checkpoint, as the checkpoint rule counts them. */
export function processedSinceCheckpoint(context: SubscriptionServerContext): number {
  const candidate = checkpointCandidate(context);
  return candidate ? candidate.sequence - context.lastCheckpointedSequence : 0;
}

export function upperBoundReached(context: SubscriptionServerContext): boolean {
  return processedSinceCheckpoint(context) >= context.settings.checkPointUpperBound;
}

/** The first tick of the server's 1 s timer at or after a time. */
export function tickAtOrAfter(t: number): number {
  return Math.ceil(t / SERVER_TICK_MS) * SERVER_TICK_MS;
}

/** The first tick strictly after a time. */
export function tickAfter(t: number): number {
  return Math.floor(t / SERVER_TICK_MS) * SERVER_TICK_MS + SERVER_TICK_MS;
}

/**
 * The tick at which the timer would write a checkpoint: once checkPointAfter has passed since the
 * last one and at least checkPointLowerBound messages were processed. Null: no tick will, until
 * more messages are processed (the server then has nothing to wake for).
 */
export function checkpointTickAt(context: SubscriptionServerContext): number | null {
  if (processedSinceCheckpoint(context) < context.settings.checkPointLowerBound) return null;
  const next = tickAfter(context.clock);
  const { lastCheckpointAt } = context;
  return lastCheckpointAt === null ? next : Math.max(next, tickAtOrAfter(lastCheckpointAt + context.settings.checkPointAfterMs));
}

/** The tick that finds the earliest in-flight message past its timeout; null with nothing in flight. */
export function expiryTickAt(context: SubscriptionServerContext): number | null {
  if (context.inFlight.length === 0) return null;
  return tickAtOrAfter(Math.min(...context.inFlight.map((m) => m.deadline)));
}

export function checkpointWriteInFlight(context: SubscriptionServerContext, now: number): boolean {
  return context.checkpointWriteDoneAt !== null && now < context.checkpointWriteDoneAt;
}

/**
 * The subscription server's working memory: what it owes the handler and where each event waits
 * (read buffer, retry queue, in flight, to park), the replies not recorded yet, and how far its
 * checkpoint may move. A crash forgets all of it; only the system streams survive.
 */
import type { RecordedEvent } from '../event-store';
import { SUBSCRIPTION_SETTINGS, type HandlerReply, type SubscriptionSettings } from './group';

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

export function earliestDeadline(context: SubscriptionServerContext): number {
  return Math.min(...context.inFlight.map((m) => m.deadline));
}

export function checkpointCountReached(context: SubscriptionServerContext): boolean {
  return context.processedSinceCheckpoint >= context.settings.checkpointAfterAcks;
}

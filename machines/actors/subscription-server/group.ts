/**
 * What the persistent subscription's parties agree on: the consumer group's name, who it pushes
 * to and alerts, the system streams it keeps its bookkeeping in, its settings, and the answers it
 * takes from the handler. The server, the handlers and the operator all read this file.
 */
export const SUBSCRIPTION_GROUP = 'shipping';
/** The handler the store pushes to (the consumer participant); a second instance is `consumer-2`. */
export const HANDLER_PARTICIPANT = 'consumer';
export const SECOND_HANDLER_PARTICIPANT = 'consumer-2';
/** Who the store alerts when it parks a message. */
export const OPERATOR_PARTICIPANT = 'operator';

/** KurrentDB names a group's bookkeeping streams after the subscribed stream and the group. */
export const CHECKPOINT_STREAM = `$persistentsubscription-$all::${SUBSCRIPTION_GROUP}-checkpoint`;
export const PARKED_STREAM = `$persistentsubscription-$all::${SUBSCRIPTION_GROUP}-parked`;
/** The parked stream's metadata: its truncate-before (`$tb`) hides messages already replayed. */
export const PARKED_METADATA_STREAM = `$$${PARKED_STREAM}`;

/**
 * How the server picks a client for each message (KurrentDB's consumer strategies): `round-robin`
 * (its default) hands each message to the next client with room; `pinned` hashes the event's stream
 * into one of 1024 buckets and keeps each bucket on one client while that client stays connected.
 */
export type ConsumerStrategy = 'round-robin' | 'pinned';

/** KurrentDB's timer: every persistent subscription checks timeouts and checkpoints once a second. */
export const SERVER_TICK_MS = 1000;

/**
 * The group's settings, KurrentDB's names in the comments, with small lab values so a run of two
 * or three orders shows each of them at work (the real defaults are in {@link KURRENTDB_DEFAULTS}).
 */
export interface SubscriptionSettings {
  /** checkPointAfter: on a tick, write a checkpoint only if this long has passed since the last one. */
  checkPointAfterMs: number;
  /** checkPointLowerBound: … and at least this many messages were processed since. */
  checkPointLowerBound: number;
  /** checkPointUpperBound: write at once (on an ack, whatever the time) when this many are processed. */
  checkPointUpperBound: number;
  /** messageTimeout: a message pushed and not answered this long is retried (found on a tick). */
  messageTimeoutMs: number;
  /** maxRetryCount: a message retried this many times is parked when it fails again. */
  maxRetryCount: number;
  /** readBatchSize: events read from `$all` at a time. */
  readBatchSize: number;
  /** The client's bufferSize: messages in flight to one client at most. */
  clientBufferSize: number;
  /** consumerStrategyName. */
  strategy: ConsumerStrategy;
  /** The handler instances subscribed to the group (participant ids), in the order they joined. */
  clients: readonly string[];
}

export const SUBSCRIPTION_SETTINGS: SubscriptionSettings = {
  checkPointAfterMs: 1000,
  checkPointLowerBound: 2,
  checkPointUpperBound: 4,
  messageTimeoutMs: 1000,
  maxRetryCount: 2,
  readBatchSize: 2,
  clientBufferSize: 2,
  strategy: 'round-robin',
  clients: [HANDLER_PARTICIPANT],
};

/** What kurrentdb-client creates a group with when told nothing (its typings' defaults). */
export const KURRENTDB_DEFAULTS = {
  checkPointAfterMs: 2000,
  checkPointLowerBound: 10,
  checkPointUpperBound: 1000,
  messageTimeoutMs: 30_000,
  maxRetryCount: 10,
  readBatchSize: 20,
  clientBufferSize: 10,
  strategy: 'round-robin',
} as const;

/** The lab's figures beside the real defaults, in one line for captions' neighbours: info and the admin view. */
export function settingsBesideDefaults(settings: SubscriptionSettings = SUBSCRIPTION_SETTINGS): string {
  const d = KURRENTDB_DEFAULTS;
  return (
    `lab: checkpoint after ${settings.checkPointAfterMs / 1000} s with ${settings.checkPointLowerBound}+ processed or at ${settings.checkPointUpperBound}, ` +
    `timeout ${settings.messageTimeoutMs / 1000} s, ${settings.maxRetryCount} retries; ` +
    `KurrentDB defaults: ${d.checkPointAfterMs / 1000} s, ${d.checkPointLowerBound}, ${d.checkPointUpperBound}, ${d.messageTimeoutMs / 1000} s, ${d.maxRetryCount}`
  );
}

/** What the handler answers about one event: ack, or nack with an action. */
export type ReplyAction = 'ack' | 'retry' | 'skip' | 'park';

export interface HandlerReply {
  eventId: string;
  orderId: number | null;
  action: ReplyAction;
  reason: string;
  /** The handler instance that answers. */
  client: string;
}

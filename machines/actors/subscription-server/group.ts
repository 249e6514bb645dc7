/**
 * What the persistent subscription's parties agree on: the consumer group's name, who it pushes
 * to and alerts, the system streams it keeps its bookkeeping in, its settings, and the answers it
 * takes from the handler. The server, the handler and the operator all read this file.
 */
export const SUBSCRIPTION_GROUP = 'shipping';
/** The handler the store pushes to (the consumer participant). */
export const HANDLER_PARTICIPANT = 'consumer';
/** Who the store alerts when it parks a message. */
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

/** What the handler answers about one event: ack, or nack with an action. */
export type ReplyAction = 'ack' | 'retry' | 'skip' | 'park';

export interface HandlerReply {
  eventId: string;
  orderId: number | null;
  action: ReplyAction;
  reason: string;
}

/**
 * What a process can ask of a Kafka-like broker during one of its operations: the contract between
 * the statecharts' operations and the broker component (machines/actors/broker.ts implements it).
 */

export interface OutgoingMessage {
  topic: string;
  key: string;
  eventId: string;
  eventType: string;
  orderId: number;
  /** For row-change events (CDC on a table): create, update or delete. */
  op?: 'c' | 'u' | 'd';
  /** The event's body as JSON text, when a consumer reads more than the ids. */
  payload?: string;
  /** Where the source put the event in its own order (an outbox row id), so order can be checked. */
  sourceSeq?: number;
  /** Record headers, as Kafka carries them beside key and value (the outbox event router puts the event id in `id`). */
  headers?: Record<string, string>;
}

export interface StoredMessage extends OutgoingMessage {
  partition: number;
  offset: number;
  storedAt: number;
  /** Written inside a transaction: its id (`transactional.id#n`), whose state the broker keeps. */
  transaction?: string;
  /** A control record (a transaction marker): takes an offset, never handed to an application. */
  control?: 'commit' | 'abort';
}

/**
 * `read_committed` returns only records of committed transactions (and plain ones) and stops at
 * the last stable offset, the first record of a transaction still open; `read_uncommitted`
 * returns every record, open and aborted ones too. Control records are returned by neither.
 */
export type IsolationLevel = 'read_committed' | 'read_uncommitted';

/** A transactional producer's session: its producer id and the epoch InitProducerId gave it. */
export interface TransactionalProducer {
  transactionalId: string;
  producerId: number;
  epoch: number;
}

export type TransactionOutcome = { ok: true } | { ok: false; error: string };

/**
 * What an idempotent producer stamps on each record: its producer id and a sequence number that
 * grows by one per record and partition. The broker stores a stamp once; a resend of the same
 * stamp is answered with the stored record's offset instead of a second copy.
 */
export interface ProducerStamp {
  producerId: number;
  sequence: number;
}

/** The calls a participant makes on the broker during one operation. */
export interface BrokerPort {
  /** `producer` only from an idempotent producer: the broker then drops a resent stamp. */
  publish(message: OutgoingMessage, producer?: ProducerStamp): PublishOutcome;
  /** Kafka's InitProducerId: a new producer id, one per producer session (a restart gets another). */
  initProducerId(): number;
  /** Reads from each partition's position on; counts each message as delivered. No isolation: every record. */
  fetch(group: string, topic: string, positions: number[], max: number, isolation?: IsolationLevel): StoredMessage[];
  /**
   * InitProducerId with a transactional.id: the same producer id, the next epoch. Any transaction
   * the earlier epoch left open is aborted, and that epoch is fenced from then on.
   */
  initTransactions(transactionalId: string): { producer: TransactionalProducer; aborted: string | null };
  beginTransaction(producer: TransactionalProducer): TransactionOutcome;
  /** An append inside the open transaction: stored in the log, its fate decided by the end marker. */
  sendInTransaction(producer: TransactionalProducer, message: OutgoingMessage): PublishOutcome;
  /** The consumer group's offsets become part of the transaction: committed with it or not at all. */
  sendOffsetsToTransaction(producer: TransactionalProducer, group: string, topic: string, offsets: Record<number, number>): TransactionOutcome;
  commitTransaction(producer: TransactionalProducer): TransactionOutcome;
  abortTransaction(producer: TransactionalProducer): TransactionOutcome;
  commitOffset(group: string, topic: string, partition: number, offset: number): void;
  committedOffsets(group: string, topic: string): number[];
  /**
   * Two-phase commit, phase one: the broker stores the message under `gid` without showing it to
   * consumers. A Kafka-like broker (`log-only`) has no such protocol and refuses; an `xa` broker
   * accepts. Publish faults strike here as on a publish.
   */
  prepare(gid: string, message: OutgoingMessage, capability: BrokerCapability): { ok: true } | { ok: false; error: string };
  /** Phase two: append the prepared messages to their topics (consumers see them now). */
  commitPrepared(gid: string): PublishOutcome[];
  /** Phase two, abort: forget the prepared messages. */
  rollbackPrepared(gid: string): void;
  /** Global transaction ids the broker holds prepared, in doubt. */
  preparedIds(): string[];
}

export type BrokerCapability = 'log-only' | 'xa';

export type PublishOutcome =
  | { ok: true; stored: StoredMessage }
  /** `stored` says whether the log really holds it, whatever the caller was told. */
  | { ok: false; stored: StoredMessage | null; error: string };

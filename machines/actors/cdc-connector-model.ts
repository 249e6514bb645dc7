/**
 * What the CDC connector is made of (cdc-connector.ts has its statechart, cdc-connector-operations.ts
 * what each state does): its settings, its context and events, and the names other parts share.
 */
import type { OutgoingMessage } from './broker';
import type { DecoderName } from './logical-decoder';
import type { CapturedTable, StoredTuple } from './wal';
import type { RowChange } from './wal-decoder';

export const CONNECTOR_PARTICIPANT = 'connector';
/** Where the connector keeps its position: a consumer group of its own in the broker. */
export const OFFSETS_GROUP = 'cdc-connector';
export const OFFSETS_TOPIC = 'connect-offsets';
export const HEARTBEAT_TABLE_NAME = 'service.cdc_heartbeat';
export const HEARTBEAT_TABLE = `CREATE TABLE ${HEARTBEAT_TABLE_NAME} (
  id integer PRIMARY KEY,
  beats integer NOT NULL,
  beat_at timestamptz NOT NULL
)`;

/**
 * Where a connector that needs row images keeps them, beside its position: a restart that forgot
 * them could not rebuild an UPDATE's row (see `images` below).
 */
export const CONNECTOR_STATE_TABLE = `CREATE TABLE service.cdc_connector_state (
  id integer PRIMARY KEY,
  row_images text NOT NULL,
  relations text
)`;

/** A change a connector reads and deliberately does not publish, with what it logs about it. */
export interface SkippedChange {
  skipped: string;
}

export function isSkipped(routed: OutgoingMessage | SkippedChange | null): routed is SkippedChange {
  return routed !== null && 'skipped' in routed;
}

export interface ConnectorConfig {
  /** Tables whose changes it streams (schema-qualified). */
  captured: string[];
  /** Writes a heartbeat row when it has read only other tables' WAL. */
  heartbeat: boolean;
  /** Keeps row images in `service.cdc_connector_state` (needed to stream UPDATEs and DELETEs). */
  keepsRowImages: boolean;
  /**
   * What to publish for a change; null publishes nothing (a heartbeat, an outbox DELETE); a
   * skipped change publishes nothing and is logged as a warning (an UPDATE on an outbox).
   */
  toMessage(change: RowChange): OutgoingMessage | SkippedChange | null;
  /**
   * Kafka Connect's `offset.flush.interval.ms`, in virtual time: the position is stored on this
   * timer (cdc-offsets.ts). Absent: stored after every batch.
   */
  offsetFlushIntervalMs?: number;
  /**
   * Follows the captured tables' columns when they change mid-stream, as Debezium does from
   * pgoutput's RELATION messages (cdc-relations.ts); needs `keepsRowImages` (they are kept together).
   */
  followsRelations?: boolean;
  /**
   * Its slot can be invalidated (cdc-slot-loss.ts). It starts down, until `downUntil`; on a lost
   * slot its task fails and it alerts `operator`; with snapshot.mode=when_needed, a position
   * the slot no longer has makes it take a new snapshot of the captured tables.
   */
  slotLoss?: { downUntil: number; operator: string };
}

export interface ConnectorContext {
  heartbeat: boolean;
  /** The decoder this run's WAL is read with, learnt when connecting. */
  decoder: DecoderName;
  /** Stored position (bytes from the run's start) it reads from; null until read from the broker. */
  position: number | null;
  tables: CapturedTable[];
  /**
   * Last tuple image per row slot (`table/block/offset`). The WAL at wal_level=replica has no old
   * row in UPDATE and DELETE records, and an UPDATE on the same page logs only the bytes that
   * changed: without these images there is neither a `before` nor a whole `after`.
   */
  images: Record<string, StoredTuple>;
  /** The images as they will be once the current batch is confirmed. */
  pendingImages: Record<string, StoredTuple>;
  batch: OutgoingMessage[];
  /** Position after the records of the current batch: what it stores once the batch is out. */
  batchEnd: number;
  /**
   * Where the slot must keep the WAL from once the batch is out: the first record of a transaction
   * still open, or null to follow the stored position (wal-decoder.ts, `restart`).
   */
  batchRestart?: number | null;
  /** The captured tables' columns as they will be once the current batch is confirmed. */
  pendingTables: CapturedTable[];
  /** offset.flush.interval.ms in virtual time; null stores after every batch. */
  flushIntervalMs: number | null;
  /** When it connected: the flush timer ticks from there. */
  startedAt: number;
  /** When the oldest change not yet flushed was confirmed; null when the flushed position is current. */
  unflushedSince: number | null;
  /** A connector that starts down stays down until then (0: restarts at once). */
  downUntil: number;
}

export type ConnectorEvent =
  | { type: 'CONNECTED'; position: number; tables: CapturedTable[]; images: Record<string, StoredTuple>; decoder: DecoderName; at: number }
  | { type: 'CONNECT_FAILED' }
  | { type: 'CHANGES'; messages: OutgoingMessage[]; end: number; images: Record<string, StoredTuple>; tables: CapturedTable[]; at: number; restart?: number }
  | { type: 'EMPTY' }
  | { type: 'HEARTBEAT_DUE' }
  | { type: 'FLUSH_DUE' }
  | { type: 'READ_FAILED' }
  | { type: 'PUBLISHED'; at: number }
  | { type: 'PUBLISH_FAILED' }
  | { type: 'STORED' }
  | { type: 'ADVANCED' }
  | { type: 'BEAT' }
  | { type: 'SLOT_LOST' }
  | { type: 'NEEDS_SNAPSHOT'; tables: CapturedTable[]; decoder: DecoderName }
  | { type: 'SNAPSHOT'; messages: OutgoingMessage[]; end: number; images: Record<string, StoredTuple>; tables: CapturedTable[]; at: number }
  | { type: 'TASK_RESTARTED' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

export interface ConnectorInput {
  heartbeat: boolean;
  flushIntervalMs?: number | null;
  downUntil?: number;
}

export const fresh = (heartbeat: boolean, flushIntervalMs: number | null = null, downUntil = 0): ConnectorContext => ({
  heartbeat,
  decoder: 'pg_walinspect',
  position: null,
  tables: [],
  images: {},
  pendingImages: {},
  batch: [],
  batchEnd: 0,
  pendingTables: [],
  flushIntervalMs,
  startedAt: 0,
  unflushedSince: null,
  downUntil,
});


export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

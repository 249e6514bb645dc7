/**
 * When the CDC connector's position becomes durable. Kafka Connect does not store a source task's
 * offsets after every batch: a committer thread of its own (SourceTaskOffsetCommitter) flushes
 * them every `offset.flush.interval.ms`, scheduled with a fixed delay from the task's start, and
 * Debezium's PostgreSQL connector confirms the LSN to its replication slot only once that flush
 * has gone through. So a crash re-sends everything published since the last flush, not just the
 * batch in hand.
 *
 * The lab keeps the timer deterministic: ticks fall at the connector's connect time plus whole
 * intervals of virtual time, and the connector looks at the clock when it polls, so a flush that
 * falls due is made at the first poll after its tick (polls come every `relayPollMs`). Real
 * Connect flushes from its own thread, mid-batch if need be; the lab flushes between batches.
 */
import type { TableSnapshot } from '../kernel/types';
import { showPos } from './wal';

/** Kafka Connect's default `offset.flush.interval.ms` (WorkerConfig): one minute. */
export const KAFKA_CONNECT_OFFSET_FLUSH_INTERVAL_MS = 60_000;

/**
 * The lab's interval: four polls of the connector, so a crash before a flush usually re-sends
 * more than one change, and runs stay a few simulated seconds long.
 */
export const LAB_OFFSET_FLUSH_INTERVAL_MS = 2_000;

/** The first committer tick at or after `t`, ticks falling at `startedAt + k × interval` (k ≥ 1). */
export function nextFlushTick(startedAt: number, intervalMs: number, t: number): number {
  const k = Math.max(1, Math.ceil((t - startedAt) / intervalMs));
  return startedAt + k * intervalMs;
}

/** What the connector's flush timer needs from its context. */
export interface FlushState {
  flushIntervalMs: number | null;
  startedAt: number;
  /** When the oldest change published since the last flush was acknowledged; null when nothing waits. */
  unflushedSince: number | null;
}

/** When the pending changes will be flushed, or null when nothing waits (or it stores per batch). */
export function flushDueAt(state: FlushState): number | null {
  if (state.flushIntervalMs === null || state.unflushedSince === null) return null;
  return nextFlushTick(state.startedAt, state.flushIntervalMs, state.unflushedSince);
}

export function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

/**
 * The connector's offsets as an inspection: where it has read to in memory, what it last
 * flushed, and when it flushes next, beside the real default interval.
 */
export function connectorOffsetsInspection(
  context: { position: number | null } & FlushState,
  flushedInBroker: number,
): TableSnapshot {
  const due = flushDueAt(context);
  const interval = context.flushIntervalMs;
  return {
    name: 'connector offsets',
    note:
      interval === null
        ? 'The connector stores its position after every batch it publishes.'
        : `Kafka Connect flushes source offsets every offset.flush.interval.ms: ${seconds(KAFKA_CONNECT_OFFSET_FLUSH_INTERVAL_MS)} by default, ` +
          `${seconds(interval)} of simulated time in the lab. Only then does Debezium confirm the position to the slot; a crash re-reads from the flushed position.`,
    columns: ['read_to', 'flushed', 'unflushed_bytes', 'next_flush_ms', 'offset_flush_interval_ms', 'kafka_connect_default_ms'],
    rows: [
      {
        read_to: context.position === null ? null : showPos(context.position),
        flushed: showPos(flushedInBroker),
        unflushed_bytes: context.position === null ? null : context.position - flushedInBroker,
        next_flush_ms: due,
        offset_flush_interval_ms: interval,
        kafka_connect_default_ms: KAFKA_CONNECT_OFFSET_FLUSH_INTERVAL_MS,
      },
    ],
  };
}

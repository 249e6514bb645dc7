/**
 * Operations at scale, measured: what the outbox costs as it grows, what clearing it costs, and
 * what WAL an idle replication slot keeps. Every figure is read from a real Postgres (PGlite) at
 * the time of the run: plans from EXPLAIN, WAL positions from the server. Times are wall-clock and
 * depend on the machine, so the result says where it was measured.
 */

/** Node at build time (or the command line), or a reader's browser tab. */
export type MeasuredWhere = 'node' | 'browser';

export interface ScaleOptions {
  where: MeasuredWhere;
  /** Outbox sizes the relay's poll is measured at, ascending. */
  pollSizes?: readonly number[];
  /** How many of the newest rows are still unpublished at every size. */
  unpublishedRows?: number;
  /** Measured repetitions of each poll, after one warm-up; the median is reported. */
  repetitions?: number;
  /** Rows in each housekeeping table, spread evenly over `housekeepingDays` days. */
  housekeepingRows?: number;
  /** Days (one partition each); every day but the last is older than the cutoff. */
  housekeepingDays?: number;
  /** Batches of changes to uncaptured tables while the slot sits idle, and rows per batch. */
  slotBatches?: number;
  rowsPerBatch?: number;
  onProgress?: (done: number, total: number, label: string) => void;
  /** Stops between steps; the schema and slot are still removed. */
  signal?: AbortSignal;
}

/** What the measurement ran on: read from the server, not assumed. */
export interface PostgresFacts {
  version: string;
  /** `full_page_writes`: the lab runs with it off, so WAL bytes here are smaller than a default server's. */
  fullPageWrites: string;
  walLevel: string;
  /** Bytes per page (`block_size`), to turn buffer counts into bytes. */
  blockSize: number;
}

/** One way of running the relay's poll at one size: the plan Postgres chose and what it cost. */
export interface PollRun {
  /** The first scan node of the plan (Seq Scan, Index Scan, Bitmap Heap Scan…). */
  scan: string;
  /** The node types from the top of the plan down to that scan, e.g. Limit › Sort › Seq Scan. */
  planPath: string[];
  /** The index the scan used, if any. */
  indexName: string | null;
  /** EXPLAIN ANALYZE's Execution Time, median of the measured repetitions (ms). */
  executionMs: number;
  executionSamplesMs: number[];
  /** The plain query (no EXPLAIN) timed by the caller, median: what a relay waits for (ms). */
  roundTripMs: number;
  /** Rows the scan looked at: those it returned plus those its filter or recheck threw away. */
  rowsRead: number;
  rowsReturned: number;
  /** Shared buffers the whole plan hit or read (pages of 8 kB by default). */
  sharedBlocks: number;
}

export interface PollAtSize {
  rows: number;
  /** Pages of the outbox's heap at this size. */
  tablePages: number;
  withoutIndex: PollRun;
  withIndex: PollRun;
}

export interface PollMeasures {
  /** The statement measured: the relay's poll, on this measurement's copy of the outbox. */
  query: string;
  limit: number;
  /** The index added for the "with index" runs. */
  index: string;
  unpublishedRows: number;
  repetitions: number;
  sizes: PollAtSize[];
}

/** WAL a housekeeping step wrote, from `pg_current_wal_insert_lsn()` before and after. */
export interface WalWritten {
  bytes: number;
  records: number;
  /** Records that change the outbox's own heap pages: one per row for a DELETE. */
  heapRecords: number;
}

export interface HousekeepingStep {
  sql: string;
  ms: number;
  /** Rows gone from the outbox after the step (counted before and after). */
  rowsRemoved: number;
  /** The row count the server replied with: a DELETE's; null for VACUUM and DROP, which report none. */
  rowCount: number | null;
  /** Touched row by row or not: `wal.heapRecords` counts the records on the outbox's pages. */
  wal: WalWritten;
}

export interface HousekeepingMeasures {
  rows: number;
  days: number;
  /** Rows older than this (and published) are the ones to clear. */
  cutoff: string;
  /** DELETE … WHERE published AND created_at < cutoff on an unpartitioned outbox. */
  delete: HousekeepingStep;
  /** The VACUUM that turns the deleted rows' space back into free space (DELETE alone does not). */
  vacuumAfterDelete: HousekeepingStep;
  /** DROP TABLE of the old partitions of an outbox partitioned by created_at, after checking none holds an unpublished row. */
  dropPartitions: HousekeepingStep & { partitionsDropped: number };
  /** Rows left in each table afterwards: the two ways must leave the same rows. */
  rowsLeft: { deleted: number; partitioned: number };
}

export interface SlotPoint {
  /** Rows inserted into uncaptured tables so far. */
  changedRows: number;
  /** `pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)`: WAL the server must keep for the slot. */
  retainedBytes: number;
  walStatus: string;
}

export interface SlotMeasures {
  slotKind: 'physical';
  batches: number;
  rowsPerBatch: number;
  /** The connector never confirms anything: nothing it captures changed. */
  withoutHeartbeat: SlotPoint[];
  /** After each batch a heartbeat row is written to a captured table and the slot advanced to it. */
  withHeartbeat: SlotPoint[];
}

export interface ScaleMeasures {
  /** Bumped when the shape changes, so a stale file is refused rather than misread. */
  format: 1;
  where: MeasuredWhere;
  measuredAt: string;
  /** The whole measurement, wall-clock (ms), not counting starting Postgres. */
  elapsedMs: number;
  /**
   * The smallest step the clock took when sampled (ms). Browsers coarsen performance.now() (Chrome
   * to 0.1 ms without cross-origin isolation), and PGlite's EXPLAIN timings come from the same clock
   * (Emscripten's), so times near this step are coarse.
   */
  clockStepMs: number;
  postgres: PostgresFacts;
  poll: PollMeasures;
  housekeeping: HousekeepingMeasures;
  slot: SlotMeasures;
}

/** The thresholds a reader of the claim "the index is non-optional beyond a few hundred rows" applies. */
export interface IndexClaimThresholds {
  /** "More than a few hundred rows": the smallest measured size at or above this is the one judged. */
  rows: number;
  /** How many times slower the un-indexed poll must be for the index to count as non-optional. */
  factor: number;
}

export interface IndexClaimEvidence {
  rows: number;
  withoutIndexMs: number;
  withIndexMs: number;
  /** withoutIndexMs / withIndexMs; null when the indexed poll measured 0 ms. */
  ratio: number | null;
  withoutIndexScan: string;
  withIndexScan: string;
  withoutIndexRowsRead: number;
  /** The un-indexed plan read every row of the table. */
  readsEveryRow: boolean;
}

export type IndexClaimVerdict =
  | { measured: false; thresholds: IndexClaimThresholds; why: string }
  | { measured: true; holds: boolean; thresholds: IndexClaimThresholds; evidence: IndexClaimEvidence; why: string };

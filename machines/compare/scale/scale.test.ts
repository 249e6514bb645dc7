/**
 * Operations at scale on a real PGlite, at small sizes so the file stays quick. Assertions are
 * about plans, row counts and the order of WAL sizes, never about milliseconds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RELAY_BATCH_SIZE } from '../../actors/outbox-relay';
import { useLabPostgres } from '../../testing/postgres';
import { judgeIndexClaim, measureScale, RELAY_POLL_CLAUSE, SCALE_SCHEMA, SCALE_SLOT, type PollAtSize, type PollRun, type ScaleMeasures } from './index';
import { parseExplain, readPlan } from './plan';

const postgres = useLabPostgres();

const SMALL = {
  where: 'node',
  pollSizes: [50, 2_000],
  repetitions: 5,
  housekeepingRows: 2_000,
  housekeepingDays: 4,
  slotBatches: 3,
  rowsPerBatch: 200,
} as const;

async function leftovers() {
  const runner = postgres.db.runner;
  const schemas = await runner.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [SCALE_SCHEMA]);
  const slots = await runner.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [SCALE_SLOT]);
  return { schemas: schemas.rows.length, slots: slots.rows.length };
}

describe('operations at scale, measured', () => {
  let measured: ScaleMeasures;
  const progress: [number, number][] = [];

  beforeAll(async () => {
    measured = await measureScale(postgres.db.runner, { ...SMALL, onProgress: (done, total) => progress.push([done, total]) });
  });

  it('polls with the relay’s own WHERE, ORDER BY and LIMIT', () => {
    const relaySource = readFileSync(join(__dirname, '..', '..', 'actors', 'outbox-relay.ts'), 'utf8');
    expect(relaySource).toContain(`FROM service.outbox ${RELAY_POLL_CLAUSE}`);
    expect(measured.poll.limit).toBe(RELAY_BATCH_SIZE);
  });

  it('without the index, the poll is a Seq Scan that reads every row at every size', () => {
    expect(measured.poll.sizes.map((s) => s.rows)).toEqual(SMALL.pollSizes);
    for (const size of measured.poll.sizes) {
      expect(size.withoutIndex.scan).toBe('Seq Scan');
      expect(size.withoutIndex.indexName).toBeNull();
      expect(size.withoutIndex.rowsRead).toBe(size.rows);
      expect(size.withoutIndex.sharedBlocks).toBeGreaterThanOrEqual(size.tablePages);
      expect(size.withoutIndex.executionSamplesMs).toHaveLength(SMALL.repetitions);
    }
  });

  it('with the index, the poll of a large outbox scans the index and reads about the LIMIT', () => {
    const largest = measured.poll.sizes.at(-1)!;
    expect(['Index Scan', 'Index Only Scan', 'Bitmap Heap Scan']).toContain(largest.withIndex.scan);
    expect(largest.withIndex.indexName).toBe('outbox_pending');
    expect(largest.withIndex.rowsReturned).toBe(RELAY_BATCH_SIZE);
    expect(largest.withIndex.rowsRead).toBeLessThanOrEqual(2 * RELAY_BATCH_SIZE);
    expect(largest.withIndex.sharedBlocks).toBeLessThan(largest.withoutIndex.sharedBlocks);
  });

  it('DELETE touches every old row; dropping the partitions touches none row by row and writes less WAL', () => {
    const { delete: deleted, vacuumAfterDelete, dropPartitions, rowsLeft, rows, days } = measured.housekeeping;
    const old = (rows * (days - 1)) / days;
    expect(deleted.rowCount).toBe(old);
    expect(deleted.rowsRemoved).toBe(old);
    expect(deleted.wal.heapRecords).toBeGreaterThanOrEqual(old);
    expect(vacuumAfterDelete.rowsRemoved).toBe(0);
    expect(vacuumAfterDelete.wal.heapRecords).toBeGreaterThan(0);
    expect(dropPartitions.partitionsDropped).toBe(days - 1);
    expect(dropPartitions.rowsRemoved).toBe(old);
    expect(dropPartitions.wal.heapRecords).toBe(0);
    expect(dropPartitions.wal.bytes).toBeLessThan(deleted.wal.bytes);
    expect(rowsLeft.partitioned).toBe(rowsLeft.deleted);
    expect(rowsLeft.deleted).toBe(rows - old);
  });

  it('an idle slot retains more WAL after every batch; a heartbeat keeps it near zero', () => {
    const { withoutHeartbeat, withHeartbeat } = measured.slot;
    expect(withoutHeartbeat.map((p) => p.changedRows)).toEqual([0, 200, 400, 600]);
    for (let i = 1; i < withoutHeartbeat.length; i++) {
      expect(withoutHeartbeat[i]!.retainedBytes).toBeGreaterThan(withoutHeartbeat[i - 1]!.retainedBytes);
    }
    // Near zero: less than the WAL a single batch of changes writes.
    const oneBatch = withoutHeartbeat[1]!.retainedBytes;
    expect(withHeartbeat).toHaveLength(withoutHeartbeat.length);
    for (const point of withHeartbeat) expect(point.retainedBytes).toBeLessThan(oneBatch);
  });

  it('says where and on what it measured, reading the settings from the server', () => {
    expect(measured.where).toBe('node');
    expect(measured.postgres.fullPageWrites).toBe('off');
    expect(measured.postgres.version).toMatch(/^\d+/);
    expect(measured.clockStepMs).toBeGreaterThan(0);
  });

  it('reports progress up to its total, one step at a time', () => {
    const total = progress[0]![1];
    expect(progress.map(([done]) => done)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('leaves no schema and no replication slot behind', async () => {
    expect(await leftovers()).toEqual({ schemas: 0, slots: 0 });
    const walinspect = await postgres.db.runner.query(
      `SELECT 1 FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_walinspect' AND n.nspname = $1`,
      [SCALE_SCHEMA],
    );
    expect(walinspect.rows).toHaveLength(0);
  });

  it('cancelled while the slot exists, it still drops the slot and the schema', async () => {
    const controller = new AbortController();
    const run = measureScale(postgres.db.runner, {
      ...SMALL,
      onProgress: (_done, _total, label) => {
        if (label.includes('heartbeat')) controller.abort();
      },
      signal: controller.signal,
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(await leftovers()).toEqual({ schemas: 0, slots: 0 });
  });

  it('refuses sizes that do not ascend', async () => {
    await expect(measureScale(postgres.db.runner, { ...SMALL, pollSizes: [1_000, 100] })).rejects.toThrow(/ascend/);
  });
});

function run(executionMs: number, rowsRead: number, scan: string): PollRun {
  return { scan, planPath: ['Limit', scan], indexName: null, executionMs, executionSamplesMs: [executionMs], roundTripMs: executionMs, rowsRead, rowsReturned: 10, sharedBlocks: 1 };
}

function size(rows: number, withoutMs: number, withMs: number, withoutRowsRead = rows): PollAtSize {
  return { rows, tablePages: 1, withoutIndex: run(withoutMs, withoutRowsRead, 'Seq Scan'), withIndex: run(withMs, 10, 'Index Scan') };
}

describe('the verdict on "the index is non-optional beyond a few hundred rows"', () => {
  const thresholds = { rows: 500, factor: 2 };

  it('holds when the un-indexed poll is slower by the factor and reads every row', () => {
    const verdict = judgeIndexClaim([size(100, 0.1, 0.1), size(500, 0.5, 0.1)], thresholds);
    expect(verdict).toMatchObject({ measured: true, holds: true, evidence: { rows: 500, ratio: 5, readsEveryRow: true } });
  });

  it('does not hold when the un-indexed poll is not slower by the factor', () => {
    const verdict = judgeIndexClaim([size(500, 0.15, 0.1)], thresholds);
    expect(verdict).toMatchObject({ measured: true, holds: false, evidence: { readsEveryRow: true } });
  });

  it('does not hold when the un-indexed plan does not read every row', () => {
    const verdict = judgeIndexClaim([size(500, 1, 0.1, 40)], thresholds);
    expect(verdict).toMatchObject({ measured: true, holds: false, evidence: { readsEveryRow: false } });
  });

  it('judges the smallest measured size at or above the threshold, whatever the order given', () => {
    const verdict = judgeIndexClaim([size(10_000, 10, 0.1), size(1_000, 0.15, 0.1), size(100, 0.1, 0.1)], thresholds);
    expect(verdict).toMatchObject({ measured: true, holds: false, evidence: { rows: 1_000 } });
  });

  it('gives no verdict when no size reached the threshold', () => {
    expect(judgeIndexClaim([size(100, 1, 0.1)], thresholds)).toMatchObject({ measured: false });
  });

  it('an indexed poll of 0 ms has no ratio, and any measurable un-indexed poll is slower by enough', () => {
    expect(judgeIndexClaim([size(500, 0.2, 0)], thresholds)).toMatchObject({ measured: true, holds: true, evidence: { ratio: null } });
  });

  it('refuses thresholds that are not positive', () => {
    expect(() => judgeIndexClaim([size(500, 1, 0.1)], { rows: 500, factor: 0 })).toThrow();
  });
});

describe('reading an EXPLAIN plan', () => {
  it('counts rows per loop times loops, and finds the index under a bitmap scan', () => {
    const explain = parseExplain(
      JSON.stringify([
        {
          'Execution Time': 1.5,
          Plan: {
            'Node Type': 'Nested Loop',
            'Shared Hit Blocks': 7,
            'Shared Read Blocks': 2,
            Plans: [
              { 'Node Type': 'Bitmap Heap Scan', 'Relation Name': 'a', 'Actual Rows': 4, 'Actual Loops': 3, 'Rows Removed by Index Recheck': 1,
                Plans: [{ 'Node Type': 'Bitmap Index Scan', 'Index Name': 'a_idx', 'Actual Rows': 5, 'Actual Loops': 3 }] },
            ],
          },
        },
      ]),
    );
    expect(readPlan(explain)).toEqual({
      scan: 'Bitmap Heap Scan',
      planPath: ['Nested Loop', 'Bitmap Heap Scan'],
      indexName: 'a_idx',
      executionMs: 1.5,
      rowsRead: 15,
      rowsReturned: 12,
      sharedBlocks: 9,
    });
  });

  it('refuses output without ANALYZE', () => {
    expect(() => parseExplain([{ Plan: { 'Node Type': 'Seq Scan' } }])).toThrow(/ANALYZE/);
  });
});

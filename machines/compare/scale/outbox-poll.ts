/**
 * The relay's poll against an outbox that keeps growing, with and without the
 * `(published, created_at)` index. The table is the lab's own outbox (machines/actors/postgres.ts)
 * and the statement the polling relay's own (machines/actors/outbox-relay.ts), moved into the
 * scale schema; almost every row is published, only the newest few wait for the relay.
 */
import { OUTBOX_PENDING_INDEX, OUTBOX_TABLE } from '../../actors/postgres';
import { RELAY_BATCH_SIZE } from '../../actors/outbox-relay';
import type { SqlRunner } from '../../kernel/traced-database';
import { parseExplain, readPlan } from './plan';
import { median, now, one, SCALE_SCHEMA } from './server';
import type { PollAtSize, PollMeasures, PollRun } from './types';

const OUTBOX = `${SCALE_SCHEMA}.outbox`;

/** The relay's WHERE … ORDER BY … LIMIT, word for word (a test holds it to the relay's source). */
export const RELAY_POLL_CLAUSE = 'WHERE published = false ORDER BY created_at, id LIMIT $1';
export const POLL_SQL = `SELECT id, event_id, aggregate_id, event_type FROM ${OUTBOX} ${RELAY_POLL_CLAUSE}`;

const moveToScale = (ddl: string) => {
  const moved = ddl.replace('service.outbox', OUTBOX);
  if (moved === ddl) throw new Error('the lab outbox DDL no longer names service.outbox');
  return moved;
};
export const SCALE_OUTBOX_TABLE = moveToScale(OUTBOX_TABLE);
export const SCALE_PENDING_INDEX = moveToScale(OUTBOX_PENDING_INDEX);
const INDEX_NAME = 'outbox_pending';

export interface PollPlan {
  sizes: readonly number[];
  unpublished: number;
  repetitions: number;
  /** Called once per size and index setting, after it is measured. */
  step: (label: string) => void;
}

/**
 * Grows the outbox from `from` rows to `to`: one INSERT … SELECT over generate_series. The rows
 * that were the newest unpublished ones become published first (the relay got to them), so at
 * every size only the newest `unpublished` rows wait.
 */
async function growOutbox(runner: SqlRunner, from: number, to: number, unpublished: number): Promise<void> {
  await runner.query(`UPDATE ${OUTBOX} SET published = true, published_at = created_at WHERE published = false`);
  await runner.query(
    `INSERT INTO ${OUTBOX} (id, event_id, aggregate_type, aggregate_id, event_type, payload, created_at, published, published_at)
     SELECT g, 'evt-' || g, 'order', g::text, 'OrderPlaced', '{"orderId":' || g || ',"amountCents":1999}',
            timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second', g <= $2::int - $3::int,
            CASE WHEN g <= $2::int - $3::int THEN timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second' END
       FROM generate_series($1::int + 1, $2::int) AS g`,
    [from, to, unpublished],
  );
  // Autovacuum would get here on a real server; statistics and the visibility map are then current.
  await runner.exec(`VACUUM ANALYZE ${OUTBOX}`);
}

async function explainPoll(runner: SqlRunner) {
  const row = await one<Record<string, unknown>>(runner, `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${POLL_SQL}`, [RELAY_BATCH_SIZE]);
  return readPlan(parseExplain(Object.values(row)[0]));
}

/** One warm-up, then `repetitions` measured EXPLAIN ANALYZE runs and as many plain polls. */
async function measurePoll(runner: SqlRunner, repetitions: number): Promise<PollRun> {
  await explainPoll(runner);
  await runner.query(POLL_SQL, [RELAY_BATCH_SIZE]);
  const readings = [];
  const roundTrips: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    readings.push(await explainPoll(runner));
    const started = now();
    await runner.query(POLL_SQL, [RELAY_BATCH_SIZE]);
    roundTrips.push(now() - started);
  }
  const last = readings[readings.length - 1]!;
  const samples = readings.map((r) => r.executionMs);
  return {
    scan: last.scan,
    planPath: last.planPath,
    indexName: last.indexName,
    executionMs: median(samples),
    executionSamplesMs: samples,
    roundTripMs: median(roundTrips),
    rowsRead: last.rowsRead,
    rowsReturned: last.rowsReturned,
    sharedBlocks: last.sharedBlocks,
  };
}

export async function measureOutboxPoll(runner: SqlRunner, plan: PollPlan): Promise<PollMeasures> {
  await runner.exec(SCALE_OUTBOX_TABLE);
  const sizes: PollAtSize[] = [];
  let rows = 0;
  for (const size of plan.sizes) {
    await growOutbox(runner, rows, size, Math.min(plan.unpublished, size));
    rows = size;
    const pages = await one<{ pages: number }>(runner, `SELECT (pg_relation_size('${OUTBOX}') / current_setting('block_size')::int)::int AS pages`);
    const withoutIndex = await measurePoll(runner, plan.repetitions);
    plan.step(`Polled ${size.toLocaleString('en')} rows without the index`);
    await runner.exec(`${SCALE_PENDING_INDEX}; ANALYZE ${OUTBOX}`);
    const withIndex = await measurePoll(runner, plan.repetitions);
    await runner.exec(`DROP INDEX ${SCALE_SCHEMA}.${INDEX_NAME}`);
    plan.step(`Polled ${size.toLocaleString('en')} rows with the index`);
    sizes.push({ rows: size, tablePages: pages.pages, withoutIndex, withIndex });
  }
  await runner.exec(`DROP TABLE ${OUTBOX}`);
  return {
    query: POLL_SQL,
    limit: RELAY_BATCH_SIZE,
    index: SCALE_PENDING_INDEX,
    unpublishedRows: plan.unpublished,
    repetitions: plan.repetitions,
    sizes,
  };
}

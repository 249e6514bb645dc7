/**
 * Clearing published outbox rows older than a cutoff, two ways, on the same rows: a DELETE on the
 * lab's (unpartitioned) outbox, then the VACUUM that gives the space back; and an outbox
 * partitioned by `created_at`, one partition a day, whose old partitions are dropped whole. Each
 * step is timed and the WAL it wrote read back with pg_walinspect.
 */
import { OUTBOX_TABLE } from '../../actors/postgres';
import type { SqlRunner } from '../../kernel/traced-database';
import { heapFiles, now, one, SCALE_SCHEMA, walInsertLsn, walWritten } from './server';
import type { HousekeepingMeasures, HousekeepingStep } from './types';

const PLAIN = `${SCALE_SCHEMA}.hk_plain`;
const PARTED = `${SCALE_SCHEMA}.hk_parted`;
const FIRST_DAY = '2026-01-01 00:00:00+00';

const PLAIN_TABLE = OUTBOX_TABLE.replace('service.outbox', PLAIN);
// The same columns. A unique constraint on a partitioned table must include the partition key,
// so the primary key and the event id's uniqueness are per (…, created_at) here.
const PARTED_TABLE = `CREATE TABLE ${PARTED} (
  id serial,
  event_id text NOT NULL,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  event_type text NOT NULL,
  payload text NOT NULL,
  created_at timestamptz NOT NULL,
  published boolean NOT NULL DEFAULT false,
  published_at timestamptz,
  PRIMARY KEY (id, created_at),
  UNIQUE (event_id, created_at)
) PARTITION BY RANGE (created_at)`;

const partition = (day: number) => `${PARTED}_d${day}`;
const dayStart = (day: number) => `timestamptz '${FIRST_DAY}' + ${day} * interval '1 day'`;

export interface HousekeepingPlan {
  rows: number;
  days: number;
  /** The newest rows still unpublished (all in the last day, which is kept). */
  unpublished: number;
  step: (label: string) => void;
}

/** The same rows in either table: spread evenly over the days, all published but the newest few. */
async function fill(runner: SqlRunner, table: string, plan: HousekeepingPlan): Promise<void> {
  await runner.query(
    `INSERT INTO ${table} (id, event_id, aggregate_type, aggregate_id, event_type, payload, created_at, published, published_at)
     SELECT g, 'evt-' || g, 'order', g::text, 'OrderPlaced', '{"orderId":' || g || ',"amountCents":1999}', at,
            g <= $1::int - $3::int, CASE WHEN g <= $1::int - $3::int THEN at END
       FROM generate_series(1, $1::int) AS g,
            LATERAL (SELECT timestamptz '${FIRST_DAY}' + (g - 1) * ($2::int * interval '1 day' / $1::int) AS at) AS t`,
    [plan.rows, plan.days, plan.unpublished],
  );
  await runner.exec(`VACUUM ANALYZE ${table}`);
}

const count = async (runner: SqlRunner, table: string) => (await one<{ n: number }>(runner, `SELECT count(*)::int AS n FROM ${table}`)).n;

/** Runs `body` and measures it: time, rows gone from `table`, WAL written and what of it touched `files`. */
async function measureStep(
  runner: SqlRunner,
  inspect: string,
  table: string,
  files: number[],
  sql: string,
  body: () => Promise<number | null>,
): Promise<HousekeepingStep> {
  const rowsBefore = await count(runner, table);
  const start = await walInsertLsn(runner);
  const started = now();
  const rowCount = await body();
  const ms = now() - started;
  const end = await walInsertLsn(runner);
  const rowsRemoved = rowsBefore - (await count(runner, table));
  return { sql, ms, rowsRemoved, rowCount, wal: await walWritten(runner, inspect, start, end, files) };
}

export async function measureHousekeeping(runner: SqlRunner, inspect: string, plan: HousekeepingPlan): Promise<HousekeepingMeasures> {
  const oldDays = plan.days - 1;
  await runner.exec(`${PLAIN_TABLE}; CREATE INDEX hk_plain_pending ON ${PLAIN} (published, created_at)`);
  await runner.exec(`${PARTED_TABLE}; CREATE INDEX hk_parted_pending ON ${PARTED} (published, created_at)`);
  for (let day = 0; day < plan.days; day++) {
    await runner.exec(`CREATE TABLE ${partition(day)} PARTITION OF ${PARTED} FOR VALUES FROM (${dayStart(day)}) TO (${dayStart(day + 1)})`);
  }
  await fill(runner, PLAIN, plan);
  plan.step(`Filled an outbox with ${plan.rows.toLocaleString('en')} rows`);
  await fill(runner, PARTED, plan);
  plan.step(`Filled a partitioned outbox with ${plan.rows.toLocaleString('en')} rows`);
  const cutoff = (await one<{ at: string }>(runner, `SELECT to_char((${dayStart(oldDays)}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at`)).at;

  const deleteSql = `DELETE FROM ${PLAIN} WHERE published AND created_at < $1`;
  const plainFiles = await heapFiles(runner, [PLAIN]);
  const deleted = await measureStep(runner, inspect, PLAIN, plainFiles, deleteSql, async () => {
    return (await runner.query(deleteSql, [cutoff])).affectedRows ?? null;
  });
  const vacuumSql = `VACUUM ${PLAIN}`;
  const vacuumed = await measureStep(runner, inspect, PLAIN, plainFiles, vacuumSql, async () => {
    await runner.exec(vacuumSql);
    return null;
  });
  plan.step('Deleted the old rows, then vacuumed');

  const old = Array.from({ length: oldDays }, (_, day) => partition(day));
  // Dropping a partition is only housekeeping if nothing in it still waits for the relay.
  const checkSql = `SELECT count(*)::int AS n FROM ${PARTED} WHERE published = false AND created_at < $1`;
  const dropSql = `DROP TABLE ${old.join(', ')}`;
  const dropped = await measureStep(runner, inspect, PARTED, await heapFiles(runner, old), `${checkSql.replace('count(*)::int AS n', 'count(*)')};\n${dropSql}`, async () => {
    const waiting = await one<{ n: number }>(runner, checkSql, [cutoff]);
    if (waiting.n > 0) throw new Error(`${waiting.n} unpublished rows are older than the cutoff: the old partitions cannot go`);
    await runner.exec(dropSql);
    return null;
  });
  plan.step('Dropped the old partitions');

  const rowsLeft = { deleted: await count(runner, PLAIN), partitioned: await count(runner, PARTED) };
  await runner.exec(`DROP TABLE ${PLAIN}, ${PARTED}`);
  return {
    rows: plan.rows,
    days: plan.days,
    cutoff,
    delete: deleted,
    vacuumAfterDelete: vacuumed,
    dropPartitions: { ...dropped, partitionsDropped: old.length },
    rowsLeft,
  };
}

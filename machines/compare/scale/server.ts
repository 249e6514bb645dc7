/**
 * What the measurements ask the server: its settings, WAL positions and the WAL records between
 * two of them (pg_walinspect), and a clock. Plain TypeScript over a SqlRunner, so it runs in Node
 * and in a browser worker alike.
 */
import type { SqlRunner } from '../../kernel/traced-database';
import type { PostgresFacts, WalWritten } from './types';

/** Everything this measurement creates lives here and goes with `DROP SCHEMA … CASCADE`. */
export const SCALE_SCHEMA = 'scale';

export const now = (): number => performance.now();

/** The smallest change of `now()` seen in up to 50 changes or 20 ms of sampling. */
export function clockStepMs(): number {
  let smallest = Number.POSITIVE_INFINITY;
  let last = now();
  const until = last + 20;
  for (let changes = 0; changes < 50; ) {
    const t = now();
    if (t !== last) {
      smallest = Math.min(smallest, t - last);
      last = t;
      changes += 1;
    }
    if (t > until) break;
  }
  return Number.isFinite(smallest) ? smallest : 0;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('the median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function one<R>(runner: SqlRunner, sql: string, params?: unknown[]): Promise<R> {
  const row = (await runner.query<R>(sql, params)).rows[0];
  if (row === undefined) throw new Error(`no row from: ${sql.slice(0, 80)}`);
  return row;
}

export async function readFacts(runner: SqlRunner): Promise<PostgresFacts> {
  const row = await one<{ version: string; fpw: string; level: string; block: string }>(
    runner,
    `SELECT current_setting('server_version') AS version, current_setting('full_page_writes') AS fpw,
            current_setting('wal_level') AS level, current_setting('block_size') AS block`,
  );
  return { version: row.version, fullPageWrites: row.fpw, walLevel: row.level, blockSize: Number(row.block) };
}

/**
 * pg_walinspect's functions, wherever they are: the lab's CDC connector may have created the
 * extension already (in the default schema); otherwise it is created inside the scale schema so
 * that dropping the schema removes it again.
 */
export async function walInspectSchema(runner: SqlRunner): Promise<string> {
  const existing = await runner.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_walinspect'`,
  );
  if (existing.rows[0]) return existing.rows[0].schema;
  await runner.exec(`CREATE EXTENSION pg_walinspect SCHEMA ${SCALE_SCHEMA}`);
  return SCALE_SCHEMA;
}

/**
 * The insert position, not `pg_current_wal_lsn()` (the write position): a step that commits no
 * transaction id (a VACUUM) leaves its records in the WAL buffers, where the write position does
 * not see them yet.
 */
export async function walInsertLsn(runner: SqlRunner): Promise<string> {
  return (await one<{ lsn: string }>(runner, 'SELECT pg_current_wal_insert_lsn()::text AS lsn')).lsn;
}

/** Heap files (relfilenodes) of tables, read before a step that may drop them. */
export async function heapFiles(runner: SqlRunner, tables: readonly string[]): Promise<number[]> {
  const rows = await runner.query<{ node: number }>(
    `SELECT pg_relation_filenode(t::regclass)::int AS node FROM unnest($1::text[]) AS t`,
    [tables],
  );
  return rows.rows.map((r) => r.node);
}

/**
 * The WAL between `start` and `end` (insert positions): its bytes, its records, and those records
 * that change one of `heapFiles` (a DELETE logs one per row). pg_walinspect reads only flushed WAL,
 * so a small committed write flushes everything before it first.
 */
export async function walWritten(runner: SqlRunner, inspect: string, start: string, end: string, files: readonly number[]): Promise<WalWritten> {
  await runner.exec(`INSERT INTO ${SCALE_SCHEMA}.wal_flush DEFAULT VALUES`);
  const bytes = await one<{ bytes: number }>(runner, 'SELECT pg_wal_lsn_diff($2::pg_lsn, $1::pg_lsn)::float8 AS bytes', [start, end]);
  const records = await one<{ n: number }>(runner, `SELECT count(*)::int AS n FROM ${inspect}.pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn)`, [
    start,
    end,
  ]);
  const heap = await one<{ n: number }>(
    runner,
    `SELECT count(DISTINCT start_lsn)::int AS n FROM ${inspect}.pg_get_wal_block_info($1::pg_lsn, $2::pg_lsn, false)
      WHERE relfilenode = ANY($3::oid[]) AND resource_manager IN ('Heap', 'Heap2')`,
    [start, end, files],
  );
  return { bytes: bytes.bytes, records: records.n, heapRecords: heap.n };
}

export class Aborted extends Error {
  constructor() {
    super('The measurement was cancelled.');
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Aborted();
}

/**
 * Reading Postgres' real write-ahead log, the way a log-tailing CDC connector does, with
 * `pg_walinspect` over a physical replication slot that keeps the WAL from being recycled.
 *
 * Positions: raw LSNs grow across runs on one PGlite instance, so nothing here ever lets one leave
 * Postgres. Each run starts at a fresh WAL segment (`prepareWalRun`), its start LSN is kept in
 * `service.wal_origin`, and every position the lab shows or stores is a byte offset from it —
 * `+1208` — computed inside the SQL. The same scenario therefore gives the same trace every time.
 * Transaction ids are shown the same way, counted from the run's first one.
 */
import type { SqlRunner, TracedDatabase } from '../kernel/traced-database';
import type { TableRow, TableSnapshot } from '../kernel/types';
import { decoderOf, LOGICAL_PLUGIN, LOGICAL_SLOT, logicalChangesInspection, prepareLogicalRun, type DecoderName } from './logical-decoder';
import { fromHex } from './wal-tuple';

export const SLOT_NAME = 'cdc';

/**
 * Where each run's WAL starts, the next transaction id at that moment, and which decoder reads
 * it: pg_walinspect (PGlite) or test_decoding over a logical slot (a server, logical-decoder.ts).
 */
export const WAL_ORIGIN_TABLE = `CREATE TABLE service.wal_origin (
  origin_lsn pg_lsn NOT NULL,
  origin_xid bigint NOT NULL,
  decoder text NOT NULL DEFAULT 'pg_walinspect'
)`;

/**
 * Puts the instance in the same WAL state before every run: a checkpoint (so none strikes
 * mid-run and old segments are recycled), a switch to a new segment (so records land at the same
 * offsets every time, page headers included), the slot moved up to the new start, and the start
 * remembered.
 */
export async function prepareWalRun(runner: SqlRunner): Promise<void> {
  if (decoderOf(runner) === LOGICAL_PLUGIN) return prepareLogicalRun(runner);
  await runner.exec('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
  const slot = await runner.query(`SELECT 1 FROM pg_replication_slots WHERE slot_name = '${SLOT_NAME}'`);
  if (slot.rows.length === 0) await runner.query(`SELECT pg_create_physical_replication_slot('${SLOT_NAME}', true)`);
  await runner.exec('TRUNCATE service.wal_origin');
  // The reset left dead catalog rows and unset hint bits (after a checkpoint, setting one logs a
  // page image); clean them now, or a run would log pruning and hints at moments that depend on
  // what ran before. Fresh tables touched the whole catalogue: vacuum it all once (~20 ms), then
  // only pg_class, which every TRUNCATE rewrites (~3 ms).
  const fresh = await runner.query(`SELECT obj_description('service.wal_origin'::regclass, 'pg_class') IS NULL AS fresh`);
  if ((fresh.rows[0] as { fresh: boolean }).fresh) {
    await runner.exec(`COMMENT ON TABLE service.wal_origin IS 'where this run''s WAL starts'`);
    await runner.exec('VACUUM');
  } else {
    await runner.exec('VACUUM pg_catalog.pg_class');
  }
  await runner.exec('CHECKPOINT');
  await runner.query('SELECT pg_switch_wal()');
  await runner.query(`SELECT pg_replication_slot_advance('${SLOT_NAME}', pg_current_wal_lsn())`);
  await runner.exec(`INSERT INTO service.wal_origin SELECT pg_current_wal_lsn(), pg_snapshot_xmax(pg_current_snapshot())::text::bigint`);
}

/** One WAL record as the connector sees it, positions relative to the run's start. */
export interface WalRecord {
  pos: number;
  endPos: number;
  /** Transaction number within the run (1 = the run's first), 0 for records outside one. */
  tx: number;
  rmgr: string;
  recordType: string;
  description: string;
  relfilenode: number | null;
  block: number | null;
  data: Uint8Array | null;
  /**
   * Block 0's full-page image (a heap record's only), when the record carries one: with
   * full_page_writes on, the first change to a page after a checkpoint logs the whole page, and at
   * wal_level=replica then no tuple of its own (`data` is null).
   */
  image?: Uint8Array | null;
  /** A commit's, abort's or PREPARE's subtransactions (relative xids): their changes end with it. */
  subxacts?: number[];
  /** A Standby RUNNING_XACTS record's oldestRunningXid (relative): every older transaction has ended. */
  oldestRunning?: number | null;
}

/** Where a read starts when it may need the WAL the slot kept behind the stored position (`fromPos`). */
const READ_START = `greatest(o.origin_lsn, least(o.origin_lsn + $1::numeric,
         coalesce((SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = '${SLOT_NAME}'), o.origin_lsn + $1::numeric)))`;

/**
 * Every record from `fromPos` to the current end of the WAL, with block 0's data (the tuple of a
 * heap INSERT/UPDATE) or page image. Positions and xids come back relative; LSNs stay inside
 * Postgres. With `fromSlot`, the read starts at the slot's restart_lsn when that is behind
 * `fromPos`: the WAL of a transaction still open at the stored position (see wal-decoder.ts).
 */
export async function readWal(db: TracedDatabase, label: string, fromPos: number, fromSlot = false) {
  const start = fromSlot ? READ_START : 'o.origin_lsn + $1::numeric';
  // The range is worked out once, in a subquery kept apart (OFFSET 0), and both functions read
  // it: written inline, the planner repeats the slot lookup for each use and takes twice as long
  // to plan and run the statement, which a connector sends on every poll.
  const result = await db.statement<Record<string, unknown>>(
    label,
    `SELECT pg_wal_lsn_diff(r.start_lsn, o.origin_lsn)::int AS pos, pg_wal_lsn_diff(r.end_lsn, o.origin_lsn)::int AS end_pos,
       CASE WHEN r.record_type IN ('COMMIT_PREPARED', 'ABORT_PREPARED')
              -- Written by whoever finishes it, under no xid of its own: the prepared xid leads the description.
              THEN substring(r.description FROM '^([0-9]+):')::bigint - o.origin_xid
            WHEN r.xid::text::bigint = 0 THEN 0 ELSE r.xid::text::bigint - o.origin_xid END AS tx,
       r.resource_manager AS rmgr, r.record_type, r.description,
       b.relfilenode, b.relblocknumber AS block, b.block_data,
       CASE WHEN r.resource_manager = 'Heap' THEN encode(b.block_fpi_data, 'hex') END AS block_image,
       CASE WHEN r.resource_manager = 'Transaction' THEN (SELECT string_agg((x::bigint - o.origin_xid)::text, ' ')
         FROM regexp_split_to_table(trim(substring(r.description FROM 'subxacts:((?: [0-9]+)+)')), ' ') x) END AS subxacts,
       CASE WHEN r.record_type = 'RUNNING_XACTS' THEN substring(r.description FROM 'oldestRunningXid ([0-9]+)')::bigint - o.origin_xid END AS oldest_running
     FROM (SELECT o.origin_lsn, o.origin_xid, ${start} AS from_lsn, pg_current_wal_lsn() AS to_lsn FROM service.wal_origin o OFFSET 0) o
     CROSS JOIN LATERAL pg_get_wal_records_info(o.from_lsn, o.to_lsn) r
     LEFT JOIN LATERAL pg_get_wal_block_info(o.from_lsn, o.to_lsn) b
       ON b.start_lsn = r.start_lsn AND b.block_id = 0
     WHERE o.from_lsn < o.to_lsn
     ORDER BY r.start_lsn`,
    [fromPos],
  );
  if (!result.ok) return result;
  return {
    ok: true as const,
    value: result.value.rows.map(
      (r): WalRecord => ({
        pos: Number(r.pos),
        endPos: Number(r.end_pos),
        tx: Number(r.tx),
        rmgr: String(r.rmgr),
        recordType: String(r.record_type),
        description: String(r.description ?? ''),
        relfilenode: r.relfilenode == null ? null : Number(r.relfilenode),
        block: r.block == null ? null : Number(r.block),
        data: hexBytes(r.block_data),
        image: r.block_image == null ? null : fromHex(String(r.block_image)),
        subxacts: r.subxacts == null ? [] : String(r.subxacts).split(' ').map(Number),
        oldestRunning: r.oldest_running == null ? null : Number(r.oldest_running),
      }),
    ),
  };
}

/** The traced database turns bytea into JSON; accept that, a Uint8Array, or `\x…` text. */
function hexBytes(value: unknown): Uint8Array | null {
  if (value == null) return null;
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') {
    if (value.startsWith('\\x')) return Uint8Array.from(value.slice(2).match(/../g) ?? [], (h) => parseInt(h, 16));
    try {
      const parsed = JSON.parse(value) as Record<string, number>;
      return Uint8Array.from(Object.values(parsed));
    } catch {
      return null;
    }
  }
  return null;
}

/** A column as the tuple stores it (dropped columns keep their slot, always NULL). */
export interface ColumnLayout {
  name: string;
  type: string;
  len: number;
  align: 'c' | 's' | 'i' | 'd';
  dropped: boolean;
}

/** A captured table: its current file (TRUNCATE gives it a new one) and its column layout. */
export interface CapturedTable {
  table: string;
  relfilenode: number;
  columns: ColumnLayout[];
}

/**
 * Looks up the files and layouts of the captured tables, and which decoder this run's WAL is read
 * with (see WAL_ORIGIN_TABLE); the values stay out of the trace.
 */
/** Rows of pg_class joined with pg_attribute (tbl, relfilenode, attname, type, attlen, attalign, attisdropped), grouped by table in row order. */
export function capturedTables(rows: Record<string, unknown>[]): CapturedTable[] {
  const byTable = new Map<string, CapturedTable>();
  for (const r of rows) {
    const table = String(r.tbl);
    const entry = byTable.get(table) ?? { table, relfilenode: Number(r.relfilenode), columns: [] };
    entry.columns.push({
      name: String(r.attname),
      type: String(r.type),
      len: Number(r.attlen),
      align: String(r.attalign) as ColumnLayout['align'],
      dropped: r.attisdropped === true,
    });
    byTable.set(table, entry);
  }
  return [...byTable.values()];
}

export async function describeTables(db: TracedDatabase, tables: string[]) {
  // A connector that streams only logical messages captures no table: it still needs the decoder.
  if (tables.length === 0) {
    const origin = await db.statement<{ decoder: string | null }>('look up the decoder', 'SELECT max(decoder) AS decoder FROM service.wal_origin');
    if (!origin.ok) return origin;
    const decoder: DecoderName = origin.value.rows[0]?.decoder === LOGICAL_PLUGIN ? LOGICAL_PLUGIN : 'pg_walinspect';
    return { ok: true as const, value: [] as CapturedTable[], decoder };
  }
  const result = await db.statement<Record<string, unknown>>(
    'look up captured tables',
    `SELECT c.oid::regclass::text AS tbl, pg_relation_filenode(c.oid) AS relfilenode, a.attname, a.atttypid::regtype::text AS type,
       a.attlen, a.attalign, a.attisdropped, (SELECT max(decoder) FROM service.wal_origin) AS decoder
     FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
     WHERE c.oid = ANY($1::regclass[]) ORDER BY c.oid, a.attnum`,
    [`{${tables.join(',')}}`],
  );
  if (!result.ok) return result;
  const captured = capturedTables(result.value.rows);
  const decoder: DecoderName = result.value.rows.some((r) => r.decoder === LOGICAL_PLUGIN) ? LOGICAL_PLUGIN : 'pg_walinspect';
  return { ok: true as const, value: captured, decoder };
}

// Tuple decoding lives in wal-tuple.ts; what other files import from here stays importable here.
export { decodeTuple, loadTuple, pageTuple, splitInsertTuple, splitUpdateTuple, storeTuple, type LoggedTuple, type RowImage, type StoredTuple } from './wal-tuple';

/** `+1208`: a relative position as the lab shows it. */
export function showPos(pos: number): string {
  return `+${pos}`;
}

/** The run's WAL as a table: every record since the run began, INSERT … COMMIT. */
export async function walRecordsInspection(runner: SqlRunner, capturedNote: string): Promise<TableSnapshot> {
  if (decoderOf(runner) === LOGICAL_PLUGIN) return logicalChangesInspection(runner, capturedNote);
  const result = await runner.query<Record<string, unknown>>(
    `SELECT pg_wal_lsn_diff(r.start_lsn, o.origin_lsn)::int AS pos,
       CASE WHEN r.record_type IN ('COMMIT_PREPARED', 'ABORT_PREPARED')
              -- Written by whoever finishes it, under no xid of its own: the prepared xid leads the description.
              THEN substring(r.description FROM '^([0-9]+):')::bigint - o.origin_xid
            WHEN r.xid::text::bigint = 0 THEN 0 ELSE r.xid::text::bigint - o.origin_xid END AS tx,
       r.resource_manager AS rmgr, r.record_type, r.record_length,
       (SELECT string_agg(DISTINCT coalesce(t.relname, '?'), ',') FROM pg_get_wal_block_info(r.start_lsn, r.end_lsn) bi
          LEFT JOIN pg_class t ON pg_relation_filenode(t.oid) = bi.relfilenode WHERE bi.start_lsn = r.start_lsn) AS relation
     FROM service.wal_origin o
     CROSS JOIN LATERAL pg_get_wal_records_info(o.origin_lsn, pg_current_wal_lsn()) r
     WHERE o.origin_lsn < pg_current_wal_lsn()
     ORDER BY r.start_lsn`,
  );
  const rows: TableRow[] = result.rows
    // Index maintenance and sequence bookkeeping would drown the story; the heap, logical messages and commits tell it.
    .filter((r) => r.rmgr === 'Heap' || r.rmgr === 'Transaction' || r.rmgr === 'LogicalMessage')
    .map((r) => ({
      lsn: showPos(Number(r.pos)),
      tx: Number(r.tx) === 0 ? null : Number(r.tx),
      rmgr: String(r.rmgr),
      record: String(r.record_type),
      relation: r.relation == null ? null : String(r.relation),
      bytes: Number(r.record_length),
    }));
  return {
    name: 'write-ahead log (pg_walinspect)',
    note: `Heap and commit records of this run, real, positions in bytes from the run's start. ${capturedNote}`,
    columns: ['lsn', 'tx', 'rmgr', 'record', 'relation', 'bytes'],
    rows,
  };
}

/** The slot and how much WAL it holds back: the seeds' monitoring query, positions made relative. */
export async function slotInspection(runner: SqlRunner, storedPos: number | null): Promise<TableSnapshot> {
  const logical = decoderOf(runner) === LOGICAL_PLUGIN;
  const result = await runner.query<Record<string, unknown>>(
    // A logical slot frees WAL from restart_lsn on but has confirmed up to confirmed_flush_lsn: the connector's position.
    `SELECT s.slot_name, s.slot_type, s.wal_status,
       pg_wal_lsn_diff(${logical ? 'coalesce(s.confirmed_flush_lsn, s.restart_lsn)' : 's.restart_lsn'}, o.origin_lsn)::int AS restart_pos,
       pg_wal_lsn_diff(pg_current_wal_lsn(), o.origin_lsn)::int AS current_pos,
       pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::int AS retained_bytes
     FROM pg_replication_slots s, service.wal_origin o WHERE s.slot_name = $1`,
    [logical ? LOGICAL_SLOT : SLOT_NAME],
  );
  return {
    name: 'replication slot',
    // A monitoring query that keeps only `slot_type = 'logical'` (as one seed's does) would never
    // list this physical slot, however much WAL it holds.
    note: logical
      ? `pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) from pg_replication_slots: WAL Postgres must keep for the connector. ` +
        `This slot is logical (${LOGICAL_PLUGIN}): the server decodes committed transactions for the connector, in commit order, and frees WAL up to the position it confirms (restart_lsn here is that confirmed position).`
      :
      'pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) from pg_replication_slots: WAL Postgres must keep for the connector. ' +
      'This slot is physical and the connector decodes raw WAL records itself through pg_walinspect, because PGlite has no logical decoding. ' +
      'The slot keeps the WAL from the oldest transaction still open; the connector has confirmed up to its own position. ' +
      'PGlite runs with full_page_writes=off so that every change logs its row: with it on, the first change to a page after a checkpoint logs only an image of the page. ' +
      'A real connector (Debezium) reads a logical slot with pgoutput: Postgres hands it each committed transaction whole, in commit order, ' +
      'only for the tables of its publication, and frees WAL up to the position the connector confirms.',
    columns: ['slot_name', 'slot_type', 'wal_status', 'restart_lsn', 'current_lsn', 'retained_bytes', 'connector_position', 'connector_lag_bytes'],
    rows: result.rows.map((r) => ({
      slot_name: String(r.slot_name),
      slot_type: String(r.slot_type),
      wal_status: String(r.wal_status),
      restart_lsn: showPos(Number(r.restart_pos)),
      current_lsn: showPos(Number(r.current_pos)),
      retained_bytes: Number(r.retained_bytes),
      connector_position: storedPos === null ? null : showPos(storedPos),
      connector_lag_bytes: storedPos === null ? null : Number(r.current_pos) - storedPos,
    })),
  };
}

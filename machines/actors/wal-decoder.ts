/**
 * Decoding what a log-tailing connector read from the WAL (wal.ts) into committed row changes of
 * the captured tables: changes are held per transaction until its COMMIT (or COMMIT PREPARED),
 * dropped at its ABORT, and the position a connector may confirm stops before any transaction
 * still open.
 */
import type { DatabaseOutcome, TracedDatabase } from '../kernel/traced-database';
import { decodeTuple, loadTuple, readWal, showPos, splitInsertTuple, splitUpdateTuple, storeTuple, type CapturedTable, type RowImage, type StoredTuple, type WalRecord } from './wal';

/** A committed row change of a captured table, as the connector decoded it from the WAL. */
export interface RowChange {
  table: string;
  op: 'c' | 'u' | 'd';
  before: RowImage | null;
  after: RowImage | null;
  tx: number;
  /** Where the change's record sits in the WAL, relative to the run's start. */
  pos: number;
}

/**
 * What one read of a decoder gives the connector, whichever decoder it is (this one on PGlite,
 * logical-decoder.ts on a server): the committed changes of the captured tables in commit order,
 * and the position it may confirm once they are out.
 */
export interface ChangeBatch {
  /** How much the decoder read, counted in `unit`: WAL records, or test_decoding lines. */
  read: number;
  unit: 'WAL record' | 'test_decoding line';
  committed: RowChange[];
  /** Relative xids of rolled-back transactions that had captured changes (logical decoding never sees them). */
  rolledBack: number[];
  end: number;
  /** Row images as they will be once this batch is confirmed (logical decoding needs none: the WAL carries old rows). */
  images: Record<string, StoredTuple>;
}

/** One read through pg_walinspect: every WAL record from `from` on, decoded. */
export async function readWalinspect(db: TracedDatabase, from: number, tables: CapturedTable[], images: Record<string, StoredTuple>): Promise<DatabaseOutcome<ChangeBatch>> {
  const read = await readWal(db, `read WAL from ${showPos(from)} (pg_get_wal_records_info)`, from);
  if (!read.ok) return read;
  const decoded = decodeRecords(read.value, tables, images);
  return { ok: true, value: { read: read.value.length, unit: 'WAL record', ...decoded } };
}

const HEAP_INSERT = /^INSERT/;
const HEAP_UPDATE = /^(HOT_)?UPDATE/;
const HEAP_DELETE = /^DELETE/;
/** xl_heap_update flags: the new tuple's first / last bytes are the old tuple's. */
const PREFIX_FROM_OLD = 0x20;
const SUFFIX_FROM_OLD = 0x40;

function field(description: string, name: string): number {
  const match = new RegExp(`(?:^|[ ,])${name}: (0x[0-9a-f]+|\\d+)`).exec(description);
  return match ? Number(match[1]) : 0;
}

/** Turns the records into committed changes, transaction by transaction. */
export function decodeRecords(records: WalRecord[], tables: CapturedTable[], images: Record<string, StoredTuple>) {
  const byFile = new Map(tables.map((t) => [t.relfilenode, t]));
  const pending = new Map<number, { changes: RowChange[]; firstPos: number }>();
  const committed: RowChange[] = [];
  const rolledBack: number[] = [];
  const nextImages = { ...images };
  let end = records.at(-1)?.endPos ?? 0;
  for (const record of records) {
    if (record.rmgr === 'Transaction' && /^COMMIT/.test(record.recordType)) {
      committed.push(...(pending.get(record.tx)?.changes ?? []));
      pending.delete(record.tx);
      continue;
    }
    if (record.rmgr === 'Transaction' && /^ABORT/.test(record.recordType)) {
      if (pending.get(record.tx)?.changes.length) rolledBack.push(record.tx);
      pending.delete(record.tx);
      continue;
    }
    if (record.tx !== 0 && !pending.has(record.tx)) pending.set(record.tx, { changes: [], firstPos: record.pos });
    const table = record.rmgr === 'Heap' && record.relfilenode !== null ? byFile.get(record.relfilenode) : undefined;
    if (!table || !record.data && !HEAP_DELETE.test(record.recordType)) continue;
    const slot = (off: number) => `${table.table}/${record.block}/${off}`;
    let change: RowChange | null = null;
    if (HEAP_INSERT.test(record.recordType)) {
      const tuple = splitInsertTuple(record.data!);
      nextImages[slot(field(record.description, 'off'))] = storeTuple(tuple);
      change = { table: table.table, op: 'c', before: null, after: decodeTuple(tuple, table.columns), tx: record.tx, pos: record.pos };
    } else if (HEAP_UPDATE.test(record.recordType)) {
      // At wal_level=replica the record carries no old row, whatever REPLICA IDENTITY says: the
      // `before` comes from the tuple image read earlier (same block: the lab's tables fit one page).
      const stored = nextImages[slot(field(record.description, 'old_off'))];
      const flags = field(record.description, 'flags');
      if (stored) {
        const old = loadTuple(stored);
        const tuple = splitUpdateTuple(record.data!, flags, old);
        nextImages[slot(field(record.description, 'new_off'))] = storeTuple(tuple);
        change = { table: table.table, op: 'u', before: decodeTuple(old, table.columns), after: decodeTuple(tuple, table.columns), tx: record.tx, pos: record.pos };
      } else {
        // No image of the old row (a connector that keeps none, after a restart): the row still
        // changed, and the position after it can be confirmed. Only an update that logged the whole
        // new tuple can be rebuilt; one that shares a prefix or suffix with the old stays unknown.
        const whole = (flags & (PREFIX_FROM_OLD | SUFFIX_FROM_OLD)) === 0;
        const tuple = whole ? splitInsertTuple(record.data!) : null;
        if (tuple) nextImages[slot(field(record.description, 'new_off'))] = storeTuple(tuple);
        change = { table: table.table, op: 'u', before: null, after: tuple ? decodeTuple(tuple, table.columns) : null, tx: record.tx, pos: record.pos };
      }
    } else if (HEAP_DELETE.test(record.recordType)) {
      const old = nextImages[slot(field(record.description, 'off'))];
      change = { table: table.table, op: 'd', before: old ? decodeTuple(loadTuple(old), table.columns) : null, after: null, tx: record.tx, pos: record.pos };
    }
    if (change) pending.get(record.tx)?.changes.push(change);
  }
  // A transaction still open has neither COMMIT nor ABORT yet: stop before its first record.
  for (const open of pending.values()) if (open.changes.length > 0) end = Math.min(end, open.firstPos);
  return { committed, rolledBack, end, images: nextImages };
}

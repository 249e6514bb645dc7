/**
 * Decoding what a log-tailing connector read from the WAL (wal.ts) into committed row changes of
 * the captured tables: changes are held per transaction until its COMMIT (or COMMIT PREPARED), and
 * dropped at its ABORT — or when the WAL shows it ended without either (a crash).
 *
 * Two positions, as a logical slot keeps them: the connector confirms `end` (everything up to it
 * is decoded: its confirmed_flush_lsn), and the slot keeps the WAL from `restart` on, the first
 * record of the oldest transaction with captured changes still open (its restart_lsn). The next
 * read starts at the slot's position and skips every transaction that ended at or before the
 * confirmed one, so a later commit is published once however long an earlier transaction stays
 * open, and the open one is still there when it commits.
 */
import type { DatabaseOutcome, TracedDatabase } from '../kernel/traced-database';
import { decodeTuple, loadTuple, pageTuple, readWal, showPos, splitInsertTuple, splitUpdateTuple, storeTuple, type CapturedTable, type LoggedTuple, type RowImage, type StoredTuple, type WalRecord } from './wal';

/**
 * A committed row change of a captured table, as the connector decoded it from the WAL — or a
 * logical decoding message (`pg_logical_emit_message`, op `m`): then `table` is the message's
 * prefix and `after` holds its `content`, the payload as text. Transactional messages go out with
 * their transaction's commit, like its rows; a non-transactional one at once, whatever happens to
 * the transaction.
 */
export interface RowChange {
  table: string;
  op: 'c' | 'u' | 'd' | 'm';
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
  /** The position to confirm: every transaction that ended before it is in this batch or an earlier one. */
  end: number;
  /**
   * Where the WAL must be kept from (and the next read begin): the first record of the oldest
   * transaction with captured changes still open, or `end` when none is. A logical slot keeps this
   * itself; the physical slot is moved here.
   */
  restart: number;
  /** Row images as they will be once this batch is confirmed (logical decoding needs none: the WAL carries old rows). */
  images: Record<string, StoredTuple>;
}

/**
 * One read through pg_walinspect: every WAL record from the slot's restart position (or `from`,
 * the confirmed position, when that is earlier) on, decoded.
 */
export async function readWalinspect(db: TracedDatabase, from: number, tables: CapturedTable[], images: Record<string, StoredTuple>): Promise<DatabaseOutcome<ChangeBatch>> {
  const read = await readWal(db, `read WAL from ${showPos(from)} (pg_get_wal_records_info)`, from, true);
  if (!read.ok) return read;
  const decoded = decodeRecords(read.value, tables, images, from);
  return { ok: true, value: { unit: 'WAL record', ...decoded } };
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

/** How a transaction ended, and at which record (its end position). */
interface Ending {
  committed: boolean;
  at: number;
  /** The top-level transaction whose commit or abort ended it (itself, unless it is a subtransaction). */
  top: number;
}

const isCommit = (r: WalRecord) => r.rmgr === 'Transaction' && /^COMMIT/.test(r.recordType);
const isAbort = (r: WalRecord) => r.rmgr === 'Transaction' && /^ABORT/.test(r.recordType);
const isPrepare = (r: WalRecord) => r.rmgr === 'Transaction' && r.recordType === 'PREPARE';
/** After a shutdown checkpoint (a clean stop, or the end of crash recovery) only prepared transactions are still open. */
const isShutdown = (r: WalRecord) => r.rmgr === 'XLOG' && (r.recordType === 'CHECKPOINT_SHUTDOWN' || r.recordType === 'END_OF_RECOVERY');

/**
 * Where each transaction ends within `records`, as Postgres' logical decoding decides it: at its
 * COMMIT or ABORT (a subtransaction with its parent's, which lists it); a transaction a crash cut
 * off has neither, and ends as aborted at the first record that shows it is gone — a
 * RUNNING_XACTS whose oldestRunningXid is past it (ReorderBufferAbortOld), or a shutdown
 * checkpoint when it was not prepared. Transactions with no ending here are still open.
 */
export function transactionEndings(records: WalRecord[]): Map<number, Ending> {
  const endings = new Map<number, Ending>();
  const open = new Set<number>();
  const prepared = new Set<number>();
  const end = (xids: number[], committed: boolean, at: number, top: (xid: number) => number) => {
    for (const xid of xids) {
      if (endings.has(xid)) continue;
      endings.set(xid, { committed, at, top: top(xid) });
      open.delete(xid);
      prepared.delete(xid);
    }
  };
  for (const record of records) {
    if (record.tx !== 0 && !endings.has(record.tx)) open.add(record.tx);
    if (isCommit(record) || isAbort(record)) {
      end([record.tx, ...(record.subxacts ?? [])], isCommit(record), record.endPos, () => record.tx);
    } else if (isPrepare(record)) {
      for (const xid of [record.tx, ...(record.subxacts ?? [])]) prepared.add(xid);
    } else if (record.rmgr === 'Standby' && record.recordType === 'RUNNING_XACTS' && record.oldestRunning != null) {
      // Prepared transactions are listed as running: they stay at or past oldestRunningXid.
      end([...open].filter((xid) => xid < record.oldestRunning!), false, record.endPos, (xid) => xid);
    } else if (isShutdown(record)) {
      end([...open].filter((xid) => !prepared.has(xid)), false, record.endPos, (xid) => xid);
    }
  }
  return endings;
}

/**
 * Turns the records into committed changes, transaction by transaction. `confirmed` is the
 * position the connector stored: a transaction that ended at or before it was handled by an
 * earlier batch, and its records (read again only because an older transaction is still open)
 * change nothing, not even the row images.
 */
export function decodeRecords(records: WalRecord[], tables: CapturedTable[], images: Record<string, StoredTuple>, confirmed = 0): Omit<ChangeBatch, 'unit'> {
  const byFile = new Map(tables.map((t) => [t.relfilenode, t]));
  const endings = transactionEndings(records);
  const pending = new Map<number, { changes: RowChange[]; firstPos: number }>();
  const endsAt = new Map<number, number[]>();
  for (const [xid, ending] of endings) endsAt.set(ending.at, [...(endsAt.get(ending.at) ?? []), xid]);
  const committed: RowChange[] = [];
  const rolledBack: number[] = [];
  const nextImages = { ...images };
  const end = Math.max(confirmed, records.at(-1)?.endPos ?? confirmed);
  for (const record of records) {
    const ending = endings.get(record.tx);
    const handledBefore = ending !== undefined && ending.at <= confirmed;
    if (record.tx !== 0 && !handledBefore && !pending.has(record.tx)) pending.set(record.tx, { changes: [], firstPos: record.pos });
    const change = handledBefore ? null : decodeChange(record, byFile, nextImages);
    if (change?.op === 'm' && !isTransactional(record)) {
      if (record.pos >= confirmed) committed.push(change);
    } else if (change) pending.get(record.tx)?.changes.push(change);
    const ended = endsAt.get(record.endPos);
    if (ended) finish(ended, record.endPos > confirmed);
  }

  /**
   * The transactions that ended at one record (all committed, or all aborted): a commit's changes
   * go out in WAL order, a subtransaction's under its parent's xid, as logical decoding gives them.
   */
  function finish(xids: number[], isNew: boolean) {
    const byTop = new Map<number, RowChange[]>();
    for (const xid of xids) {
      const { top } = endings.get(xid)!;
      const changes = pending.get(xid)?.changes ?? [];
      pending.delete(xid);
      if (isNew) byTop.set(top, [...(byTop.get(top) ?? []), ...changes.map((c) => ({ ...c, tx: top }))]);
    }
    const wasCommitted = endings.get(xids[0]!)!.committed;
    for (const [top, changes] of byTop) {
      if (wasCommitted) committed.push(...changes.sort((a, b) => a.pos - b.pos));
      else if (changes.length > 0) rolledBack.push(top);
    }
  }

  let restart = end;
  for (const open of pending.values()) if (open.changes.length > 0) restart = Math.min(restart, open.firstPos);
  return { read: records.filter((r) => r.pos >= confirmed).length, committed, rolledBack, end, restart, images: nextImages };
}

/** The tuple a heap record logged for line pointer `off`: its block data, or else the page image it carries. */
function loggedTuple(record: WalRecord, table: CapturedTable, off: number, fromData: (data: Uint8Array) => LoggedTuple): LoggedTuple {
  if (record.data) return fromData(record.data);
  const fromImage = record.image ? pageTuple(record.image, off) : null;
  if (fromImage) return fromImage;
  throw new Error(
    `WAL record ${record.recordType} at ${showPos(record.pos)} (tx ${record.tx}, ${table.table}) carries neither tuple data nor a page image with the tuple at offset ${off}: ` +
      'the connector cannot decode this change (a record of another form than the lab knows) and stops rather than skip it',
  );
}

const MESSAGE = /^(transactional|non-transactional), prefix "(.*)"; payload \((\d+) bytes\):((?: [0-9A-F]{2})*)$/s;
const isTransactional = (record: WalRecord) => MESSAGE.exec(record.description)?.[1] === 'transactional';

/**
 * A LogicalMessage record (type MESSAGE) as pg_walinspect describes it: `transactional, prefix "outbox";
 * payload (7 bytes): 7B 22 61 22 3A 31 7D` (checked on PGlite's PostgreSQL 18.6).
 */
export function decodeMessage(record: WalRecord): RowChange {
  const match = MESSAGE.exec(record.description);
  if (!match) throw new Error(`WAL record ${record.recordType} at ${showPos(record.pos)}: a logical message the connector cannot read (${record.description.slice(0, 80)})`);
  const bytes = Uint8Array.from(match[4]!.trim().split(' ').filter(Boolean), (h) => parseInt(h, 16));
  return { table: match[2]!, op: 'm', before: null, after: { content: new TextDecoder().decode(bytes) }, tx: record.tx, pos: record.pos };
}

/**
 * One heap record of a captured table as a row change, or a logical message (null for any other
 * record); keeps the row images up to date.
 */
function decodeChange(record: WalRecord, byFile: Map<number, CapturedTable>, images: Record<string, StoredTuple>): RowChange | null {
  if (record.rmgr === 'LogicalMessage' && record.recordType === 'MESSAGE') return decodeMessage(record);
  const table = record.rmgr === 'Heap' && record.relfilenode !== null ? byFile.get(record.relfilenode) : undefined;
  if (!table) return null;
  const slot = (off: number) => `${table.table}/${record.block}/${off}`;
  if (HEAP_INSERT.test(record.recordType)) {
    const off = field(record.description, 'off');
    const tuple = loggedTuple(record, table, off, splitInsertTuple);
    images[slot(off)] = storeTuple(tuple);
    return { table: table.table, op: 'c', before: null, after: decodeTuple(tuple, table.columns), tx: record.tx, pos: record.pos };
  }
  if (HEAP_UPDATE.test(record.recordType)) {
    // At wal_level=replica the record carries no old row, whatever REPLICA IDENTITY says: the
    // `before` comes from the tuple image read earlier (same block: the lab's tables fit one page),
    // or from the page image the record carries (the old tuple is still on it).
    const oldOff = field(record.description, 'old_off');
    const newOff = field(record.description, 'new_off');
    const flags = field(record.description, 'flags');
    const stored = images[slot(oldOff)];
    const old = stored ? loadTuple(stored) : !record.data && record.image ? pageTuple(record.image, oldOff) : null;
    if (old) {
      const tuple = loggedTuple(record, table, newOff, (data) => splitUpdateTuple(data, flags, old));
      images[slot(newOff)] = storeTuple(tuple);
      return { table: table.table, op: 'u', before: decodeTuple(old, table.columns), after: decodeTuple(tuple, table.columns), tx: record.tx, pos: record.pos };
    }
    // No image of the old row (a connector that keeps none, after a restart): the row still
    // changed, and the position after it can be confirmed. Only an update that logged the whole
    // new tuple can be rebuilt; one that shares a prefix or suffix with the old stays unknown.
    const whole = (flags & (PREFIX_FROM_OLD | SUFFIX_FROM_OLD)) === 0;
    const tuple = whole ? loggedTuple(record, table, newOff, splitInsertTuple) : null;
    if (tuple) images[slot(newOff)] = storeTuple(tuple);
    return { table: table.table, op: 'u', before: null, after: tuple ? decodeTuple(tuple, table.columns) : null, tx: record.tx, pos: record.pos };
  }
  if (HEAP_DELETE.test(record.recordType)) {
    const off = field(record.description, 'off');
    const stored = images[slot(off)];
    const old = stored ? loadTuple(stored) : record.image ? pageTuple(record.image, off) : null;
    return { table: table.table, op: 'd', before: old ? decodeTuple(old, table.columns) : null, after: null, tx: record.tx, pos: record.pos };
  }
  return null;
}

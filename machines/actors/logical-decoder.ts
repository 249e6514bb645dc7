/**
 * Reading changes the way a real connector does, on a real PostgreSQL server: a logical
 * replication slot with the `test_decoding` output plugin, read through the SQL functions
 * (`pg_logical_slot_peek_changes`), its position confirmed with `pg_replication_slot_advance`.
 * Needs `wal_level = logical` and the REPLICATION attribute (preflight checks both). PGlite has no
 * logical decoding (see STACK-NOTES), so there the connector keeps decoding raw WAL records
 * through pg_walinspect (wal.ts, wal-decoder.ts); both hand the connector the same `ChangeBatch`.
 *
 * What the server does for us here, and the pg_walinspect decoder does itself: it hands over
 * committed transactions only, whole, in commit order, each row as text with its old image when
 * the table has REPLICA IDENTITY FULL. A rolled-back transaction is never seen at all.
 *
 * Positions: the SQL functions give each line the LSN of its record (a COMMIT line: the end of the
 * commit record), shown as bytes from the run's origin like every position in the lab. The slot
 * itself stays at the last position the connector confirmed, so a read peeks from there; the
 * connector's stored position may be ahead of it (it crashed between storing and advancing), and
 * transactions that committed before the stored position are skipped, as Debezium skips what its
 * stored offset already covers.
 */
import type { DatabaseOutcome, SqlRunner, TracedDatabase } from '../kernel/traced-database';
import type { TableRow, TableSnapshot } from '../kernel/types';
import type { CapturedTable, ColumnLayout, RowImage } from './wal';
import type { ChangeBatch, RowChange } from './wal-decoder';

/** The logical slot the lab's runs use on a server (cluster-wide names: this one is the lab's own). */
export const LOGICAL_SLOT = 'dual_write_lab_cdc';
export const LOGICAL_PLUGIN = 'test_decoding';
export type DecoderName = 'pg_walinspect' | typeof LOGICAL_PLUGIN;

/** A runner that reads changes through logical decoding says so (the server runner does); PGlite does not. */
export interface ChangeSourceHint {
  readonly changeDecoder?: DecoderName;
}

export function decoderOf(runner: SqlRunner): DecoderName {
  return (runner as ChangeSourceHint).changeDecoder === LOGICAL_PLUGIN ? LOGICAL_PLUGIN : 'pg_walinspect';
}

/** One line of test_decoding output, parsed. */
export type DecodedLine =
  | { kind: 'begin'; xid: number }
  | { kind: 'commit'; xid: number }
  | { kind: 'change'; table: string; op: 'c' | 'u' | 'd'; before: Record<string, DecodedValue> | null; after: Record<string, DecodedValue> | null }
  | { kind: 'message'; transactional: boolean; prefix: string; content: string }
  | { kind: 'other'; table: string | null; text: string };

/** A column value as test_decoding prints it: its type name and its text (null for SQL NULL). */
export interface DecodedValue {
  type: string;
  text: string | null;
  /** A TOASTed value the change did not touch: test_decoding prints no value for it. */
  unchanged?: boolean;
}

const TABLE_LINE = /^table ((?:"(?:[^"]|"")*"|[^.\s:"]+)\.(?:"(?:[^"]|"")*"|[^:\s"]+)): (INSERT|UPDATE|DELETE|TRUNCATE|[A-Z_]+):(.*)$/s;
const OPS = { INSERT: 'c', UPDATE: 'u', DELETE: 'd' } as const;

/**
 * Parses one line of test_decoding output: `BEGIN 740`, `COMMIT 740`, or
 * `table service.orders: UPDATE: old-key: id[integer]:1 … new-tuple: id[integer]:1 …`.
 * Old images skip NULL columns (test_decoding prints old tuples without their nulls).
 */
export function parseTestDecodingLine(line: string): DecodedLine {
  const txn = /^(BEGIN|COMMIT) (\d+)$/.exec(line);
  if (txn) return { kind: txn[1] === 'BEGIN' ? 'begin' : 'commit', xid: Number(txn[2]) };
  // pg_logical_emit_message: `message: transactional: 1 prefix: outbox, sz: 7 content:{"a":1}`.
  const message = /^message: transactional: ([01]) prefix: (.*), sz: (\d+) content:(.*)$/s.exec(line);
  if (message) return { kind: 'message', transactional: message[1] === '1', prefix: message[2]!, content: message[4]! };
  const change = TABLE_LINE.exec(line);
  if (!change) return { kind: 'other', table: null, text: line };
  const table = unquoteName(change[1]!);
  const action = change[2]! as keyof typeof OPS | string;
  const rest = change[3]!.trim();
  if (!(action in OPS)) return { kind: 'other', table, text: line };
  const op = OPS[action as keyof typeof OPS];
  if (op === 'c') return { kind: 'change', table, op, before: null, after: parseTuple(rest) };
  if (op === 'd') return { kind: 'change', table, op, before: rest === '(no-tuple-data)' ? null : parseTuple(rest), after: null };
  // UPDATE: "old-key: … new-tuple: …" when an old image was logged, else just the new tuple.
  if (rest.startsWith('old-key:')) {
    const split = splitOutside(rest.slice('old-key:'.length), ' new-tuple:');
    return { kind: 'change', table, op, before: parseTuple(split[0]!.trim()), after: parseTuple((split[1] ?? '').trim()) };
  }
  return { kind: 'change', table, op, before: null, after: rest === '(no-tuple-data)' ? null : parseTuple(rest) };
}

function unquoteName(qualified: string): string {
  const parts: string[] = [];
  let i = 0;
  while (i < qualified.length) {
    if (qualified[i] === '"') {
      let j = i + 1;
      let part = '';
      while (j < qualified.length) {
        if (qualified[j] === '"' && qualified[j + 1] === '"') (part += '"'), (j += 2);
        else if (qualified[j] === '"') break;
        else part += qualified[j++];
      }
      parts.push(part);
      i = j + 2;
    } else {
      const dot = qualified.indexOf('.', i);
      const end = dot === -1 ? qualified.length : dot;
      parts.push(qualified.slice(i, end));
      i = end + 1;
    }
  }
  return parts.join('.');
}

/** Splits at the first `marker` that is not inside a quoted value. */
function splitOutside(text: string, marker: string): string[] {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") quoted = !quoted; // a doubled '' toggles twice: still right
    else if (!quoted && text.startsWith(marker, i)) return [text.slice(0, i), text.slice(i + marker.length)];
  }
  return [text];
}

/** `id[integer]:1 label[text]:'it''s' at[timestamp with time zone]:null` → columns by name. */
export function parseTuple(text: string): Record<string, DecodedValue> {
  const out: Record<string, DecodedValue> = {};
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (text[i] === ' ') i++;
    if (i >= n) break;
    let name = '';
    if (text[i] === '"') {
      i++;
      while (i < n && !(text[i] === '"' && text[i + 1] !== '"')) {
        if (text[i] === '"') i++;
        name += text[i++];
      }
      i++;
    } else {
      while (i < n && text[i] !== '[') name += text[i++];
    }
    if (text[i] !== '[') throw new Error(`test_decoding: no type after column ${name} in ${JSON.stringify(text)}`);
    // The type ends at "]:" (array types end in "[]").
    const typeEnd = text.indexOf(']:', i);
    const type = text.slice(i + 1, typeEnd);
    i = typeEnd + 2;
    if (text[i] === "'") {
      let value = '';
      i++;
      while (i < n) {
        if (text[i] === "'" && text[i + 1] === "'") (value += "'"), (i += 2);
        else if (text[i] === "'") break;
        else value += text[i++];
      }
      i++;
      out[name] = { type, text: value };
    } else {
      let value = '';
      while (i < n && text[i] !== ' ') value += text[i++];
      if (value === 'null') out[name] = { type, text: null };
      else if (value === 'unchanged-toast-datum') out[name] = { type, text: null, unchanged: true };
      else out[name] = { type, text: value.startsWith("B'") ? value.slice(2, -1) : value };
    }
  }
  return out;
}

/**
 * A value as the pg_walinspect decoder gives it (wal.ts `decodeTuple`), so the two decoders'
 * rows are the same JSON: integers and booleans as such, timestamps as ISO text in UTC.
 */
export function valueOf(value: DecodedValue): string | number | boolean | null {
  if (value.text === null) return null;
  const t = value.type;
  if (t === 'integer' || t === 'smallint' || t === 'bigint' || t === 'oid') return Number(value.text);
  if (t === 'boolean') return value.text === 'true';
  if (t === 'timestamp with time zone') return isoOf(value.text, true);
  if (t === 'timestamp without time zone') return isoOf(value.text, false);
  return value.text;
}

/** '2026-01-01 00:00:00.04+00' → '2026-01-01T00:00:00.040Z' (the session's TimeZone is UTC). */
function isoOf(text: string, withZone: boolean): string {
  let iso = text.replace(' ', 'T');
  if (withZone) iso = iso.replace(/([+-]\d\d)(?::?(\d\d))?(?::\d\d)?$/, (_, h: string, m?: string) => `${h}:${m ?? '00'}`);
  else iso += 'Z';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

/** The row in the table's column order, every live column present (old images leave out NULLs). */
export function rowImage(values: Record<string, DecodedValue>, columns: ColumnLayout[] | undefined): RowImage {
  const row: RowImage = {};
  const names = columns ? columns.filter((c) => !c.dropped).map((c) => c.name) : Object.keys(values);
  for (const name of names) row[name] = values[name] ? valueOf(values[name]!) : null;
  return row;
}

/** One row of `pg_logical_slot_peek_changes`, its position relative to the run's origin. */
export interface PeekedLine {
  pos: number;
  /** Transaction number within the run (relative to the run's first xid, as in wal.ts). */
  tx: number;
  data: string;
}

/**
 * Groups the lines into transactions (BEGIN … COMMIT, as the server hands them over: committed
 * ones only, in commit order), skips those that committed at or before `from`, and keeps the
 * captured tables' row changes. `end` is the end of the last commit read: the position to confirm.
 * `restart` is the same: the server keeps the WAL of transactions still open itself (the slot's
 * restart_lsn stays at the oldest), and hands each over once, when it commits.
 */
export function decodeLogical(lines: PeekedLine[], tables: CapturedTable[], from: number): ChangeBatch {
  const byName = new Map(tables.map((t) => [t.table, t]));
  const committed: RowChange[] = [];
  let end = from;
  let read = 0;
  let current: { lines: PeekedLine[] } | null = null;
  /**
   * Transactional messages printed outside BEGIN … COMMIT. PostgreSQL 15's test_decoding, with
   * skip-empty-xacts, prints a transaction's BEGIN only at its first row change: a message before
   * it comes first, and a transaction of messages alone has no BEGIN or COMMIT at all. Each is
   * printed only once its transaction committed; it joins its transaction's BEGIN when one follows.
   */
  let loose: PeekedLine[] = [];
  const standalone = (line: PeekedLine) => {
    const parsed = parseTestDecodingLine(line.data);
    if (parsed.kind !== 'message' || line.pos <= from) return;
    read += 1;
    end = Math.max(end, line.pos);
    committed.push(messageChange(parsed, line));
  };
  for (const line of lines) {
    const parsed = parseTestDecodingLine(line.data);
    if (parsed.kind === 'message' && !current) {
      // A non-transactional message stands alone: it goes out at once.
      if (parsed.transactional) loose.push(line);
      else standalone(line);
      continue;
    }
    if (parsed.kind === 'begin') {
      for (const l of loose) if (l.tx !== line.tx) standalone(l);
      current = { lines: [...loose.filter((l) => l.tx === line.tx), line] };
      loose = [];
      continue;
    }
    if (!current) continue;
    current.lines.push(line);
    if (parsed.kind !== 'commit') continue;
    const txLines = current.lines;
    current = null;
    // Committed before the stored position: the slot had not been advanced past it yet.
    if (line.pos <= from) continue;
    read += txLines.length;
    end = Math.max(end, line.pos);
    for (const l of txLines) {
      const change = parseTestDecodingLine(l.data);
      if (change.kind === 'message') committed.push(messageChange(change, l));
      if (change.kind !== 'change') continue;
      const table = byName.get(change.table);
      if (!table) continue;
      committed.push({
        table: table.table,
        op: change.op,
        before: change.before ? rowImage(change.before, table.columns) : null,
        after: change.after ? rowImage(change.after, table.columns) : null,
        tx: l.tx,
        pos: l.pos,
      });
    }
  }
  for (const l of loose) standalone(l);
  return { read, unit: 'test_decoding line', committed, rolledBack: [], end, restart: end, images: {} };
}

/** A message as the pg_walinspect decoder gives it: its prefix in `table`, its payload in `after.content`. */
function messageChange(message: Extract<DecodedLine, { kind: 'message' }>, line: PeekedLine): RowChange {
  return { table: message.prefix, op: 'm', before: null, after: { content: message.content }, tx: line.tx, pos: line.pos };
}

const PEEK = `pg_logical_slot_peek_changes('${LOGICAL_SLOT}', NULL, NULL, 'include-xids', '1', 'skip-empty-xacts', '1')`;

/** Reads every committed transaction the slot has not confirmed, and decodes what lies past `from`. */
export async function readLogical(db: TracedDatabase, from: number, tables: CapturedTable[]): Promise<DatabaseOutcome<ChangeBatch>> {
  const result = await db.statement<TableRow>(
    `read changes from +${from} (pg_logical_slot_peek_changes, ${LOGICAL_PLUGIN})`,
    `SELECT pg_wal_lsn_diff(c.lsn, o.origin_lsn)::int AS pos, c.xid::text::bigint - o.origin_xid AS tx, c.data
     FROM service.wal_origin o CROSS JOIN LATERAL ${PEEK} c`,
  );
  if (!result.ok) return result;
  const lines = result.value.rows.map((r) => ({ pos: Number(r.pos), tx: Number(r.tx), data: String(r.data) }));
  return { ok: true, value: decodeLogical(lines, tables, from) };
}

/**
 * Before every run: the lab's logical slot made once (it outlives runs; the session drops it when
 * it closes, see pg-session.ts), confirmed up to now so nothing of earlier runs is handed over,
 * and the run's origin remembered. Not temporary: a temporary slot is dropped at the session's
 * first error, and the lab's runs make errors on purpose.
 */
export async function prepareLogicalRun(runner: SqlRunner): Promise<void> {
  const slot = await runner.query<{ plugin: string | null; here: boolean }>(`SELECT plugin, database = current_database() AS here FROM pg_replication_slots WHERE slot_name = $1`, [LOGICAL_SLOT]);
  const found = slot.rows[0];
  if (found && (found.plugin !== LOGICAL_PLUGIN || !found.here)) {
    throw new Error(`replication slot ${LOGICAL_SLOT} exists but is not a ${LOGICAL_PLUGIN} slot of this database; drop it (SELECT pg_drop_replication_slot('${LOGICAL_SLOT}'))`);
  }
  if (!found) await createSlot(runner);
  await runner.exec('TRUNCATE service.wal_origin');
  await runner.query(`SELECT pg_replication_slot_advance($1, pg_current_wal_lsn())`, [LOGICAL_SLOT]);
  await runner.exec(`INSERT INTO service.wal_origin SELECT pg_current_wal_lsn(), pg_snapshot_xmax(pg_current_snapshot())::text::bigint, '${LOGICAL_PLUGIN}'`);
}

/**
 * Making a logical slot waits until every transaction then running on the server has ended: one
 * left open in another session would hold the lab up forever, so it gives up after a minute.
 */
async function createSlot(runner: SqlRunner): Promise<void> {
  await runner.query(`SELECT set_config('statement_timeout', '60s', false)`);
  try {
    await runner.query(`SELECT pg_create_logical_replication_slot($1, $2)`, [LOGICAL_SLOT, LOGICAL_PLUGIN]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`could not create the logical replication slot ${LOGICAL_SLOT} (${LOGICAL_PLUGIN}): ${message}. ` + 'It waits for every transaction running on the server to end: look for one left open in pg_stat_activity (idle in transaction) or pg_prepared_xacts');
  } finally {
    await runner.exec('RESET statement_timeout');
  }
}

/** The transactions the slot holds for the connector, as the live views show them. */
export async function logicalChangesInspection(runner: SqlRunner, capturedNote: string): Promise<TableSnapshot> {
  const result = await runner.query<Record<string, unknown>>(
    `SELECT pg_wal_lsn_diff(c.lsn, o.origin_lsn)::int AS pos, c.xid::text::bigint - o.origin_xid AS tx, c.data
     FROM service.wal_origin o CROSS JOIN LATERAL ${PEEK} c`,
  );
  return {
    name: `logical decoding (${LOGICAL_PLUGIN})`,
    note: `Committed transactions the slot still holds, as ${LOGICAL_PLUGIN} prints them; positions in bytes from the run's start. ${capturedNote}`,
    columns: ['lsn', 'tx', 'data'],
    rows: result.rows.map((r) => ({ lsn: `+${Number(r.pos)}`, tx: Number(r.tx), data: String(r.data) })),
  };
}

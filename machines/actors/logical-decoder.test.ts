/**
 * The logical decoder (a real server's test_decoding output) and what it must mean: the same
 * row changes the pg_walinspect decoder makes of the same statements on PGlite. The test_decoding
 * lines below are what PostgreSQL 15.18 printed for those statements (SET TimeZone = 'UTC').
 */
import { describe, expect, it } from 'vitest';
import { createTracedDatabase, type TraceSink } from '../kernel/traced-database';
import { useLabPostgres } from '../testing/postgres';
import { decodeLogical, decoderOf, parseTestDecodingLine, parseTuple, valueOf, type PeekedLine } from './logical-decoder';
import { describeTables, prepareWalRun, WAL_ORIGIN_TABLE } from './wal';
import { readWalinspect } from './wal-decoder';

const SERVER_OUTPUT = [
  'BEGIN 5557',
  `table service.items: INSERT: id[integer]:1 label[text]:'it''s "x" new-tuple: a' at[timestamp with time zone]:'2026-01-01 00:00:00.04+00' ok[boolean]:true n[bigint]:42`,
  'COMMIT 5557',
  'BEGIN 5558',
  'table service.items: INSERT: id[integer]:2 label[text]:null at[timestamp with time zone]:null ok[boolean]:null n[bigint]:null',
  'COMMIT 5558',
  // 5559 rolled back: logical decoding never hands it over.
  'BEGIN 5560',
  `table service.items: UPDATE: old-key: id[integer]:1 label[text]:'it''s "x" new-tuple: a' at[timestamp with time zone]:'2026-01-01 00:00:00.04+00' ok[boolean]:true n[bigint]:42 new-tuple: id[integer]:1 label[text]:'y' at[timestamp with time zone]:'2026-01-01 00:00:00.04+00' ok[boolean]:true n[bigint]:43`,
  'COMMIT 5560',
  'BEGIN 5561',
  'table service.other: INSERT: id[integer]:7',
  'COMMIT 5561',
  'BEGIN 5562',
  // An old image skips its NULL columns.
  'table service.items: DELETE: id[integer]:2',
  'COMMIT 5562',
];

const STATEMENTS = [
  `INSERT INTO service.items VALUES (1, 'it''s "x" new-tuple: a', '2026-01-01T00:00:00.04Z', true, 42)`,
  'INSERT INTO service.items VALUES (2, NULL, NULL, NULL, NULL)',
  `BEGIN; INSERT INTO service.items VALUES (3, 'rolled back'); ROLLBACK`,
  `UPDATE service.items SET label = 'y', n = 43 WHERE id = 1`,
  'INSERT INTO service.other VALUES (7)',
  'DELETE FROM service.items WHERE id = 2',
];

/** Positions as the SQL functions give them: a change at its record, a COMMIT at the end of its record. */
function peeked(lines: string[]): PeekedLine[] {
  let tx = 0;
  return lines.map((data, i) => {
    if (data.startsWith('BEGIN')) tx = Number(data.split(' ')[1]) - 5556;
    return { pos: (i + 1) * 100, tx, data };
  });
}

const ITEMS_COLUMNS = ['id', 'label', 'at', 'ok', 'n'].map((name, i) => ({ name, type: ['integer', 'text', 'timestamp with time zone', 'boolean', 'bigint'][i]!, len: 0, align: 'i' as const, dropped: false }));
const TABLES = [{ table: 'service.items', relfilenode: 0, columns: ITEMS_COLUMNS }];

describe('test_decoding lines', () => {
  it('parses BEGIN, COMMIT and each kind of change, quotes and nulls included', () => {
    expect(parseTestDecodingLine('BEGIN 740')).toEqual({ kind: 'begin', xid: 740 });
    expect(parseTestDecodingLine('COMMIT 740')).toEqual({ kind: 'commit', xid: 740 });
    const update = parseTestDecodingLine(SERVER_OUTPUT[7]!);
    expect(update).toMatchObject({ kind: 'change', table: 'service.items', op: 'u' });
    if (update.kind !== 'change') throw new Error('not a change');
    // "new-tuple:" inside a quoted value does not split the line.
    expect(update.before!.label).toEqual({ type: 'text', text: `it's "x" new-tuple: a` });
    expect(update.after!.n).toEqual({ type: 'bigint', text: '43' });
    expect(parseTestDecodingLine('table service.items: DELETE: (no-tuple-data)')).toMatchObject({ op: 'd', before: null });
    expect(parseTestDecodingLine('table service.items: TRUNCATE: (no-flags)')).toMatchObject({ kind: 'other', table: 'service.items' });
    expect(parseTestDecodingLine(`table "odd schema"."a""b": INSERT: "we ird"[text]:'v' xs[integer[]]:'{1,2}'`)).toEqual({
      kind: 'change',
      table: 'odd schema.a"b',
      op: 'c',
      before: null,
      after: { 'we ird': { type: 'text', text: 'v' }, xs: { type: 'integer[]', text: '{1,2}' } },
    });
  });

  it('parses logical messages, transactional or not, and keeps a transactional one with its commit', () => {
    expect(parseTestDecodingLine('message: transactional: 1 prefix: outbox, sz: 7 content:{"a":1}')).toEqual({ kind: 'message', transactional: true, prefix: 'outbox', content: '{"a":1}' });
    const lines = peeked(['BEGIN 5557', 'message: transactional: 1 prefix: outbox, sz: 7 content:{"a":1}', 'COMMIT 5557', 'message: transactional: 0 prefix: audit, sz: 1 content:x']);
    const batch = decodeLogical(lines, TABLES, 0);
    expect(batch.committed.map((c) => [c.op, c.table, c.after, c.tx])).toEqual([
      ['m', 'outbox', { content: '{"a":1}' }, 1],
      ['m', 'audit', { content: 'x' }, 1],
    ]);
    expect(batch.end).toBe(lines.at(-1)!.pos);
    expect(decodeLogical(lines, TABLES, batch.end).committed).toEqual([]);
  });

  it('keeps a transactional message PostgreSQL 15 prints before its BEGIN, or with no BEGIN at all, with its transaction', () => {
    // What 15.18 printed (skip-empty-xacts): BEGIN comes with the first row change, a message before it.
    const lines = peeked([
      'message: transactional: 1 prefix: outbox, sz: 7 content:{"n":1}',
      'BEGIN 5557',
      'table service.items: INSERT: id[integer]:1 label[text]:null at[timestamp with time zone]:null ok[boolean]:null n[bigint]:null',
      'COMMIT 5557',
      'message: transactional: 1 prefix: outbox, sz: 7 content:{"n":2}',
    ]).map((l, i) => (i === 0 ? { ...l, tx: 1 } : i === 4 ? { ...l, tx: 2 } : l));
    const batch = decodeLogical(lines, TABLES, 0);
    expect(batch.committed.map((c) => [c.op, c.table, c.after?.content ?? c.after?.id])).toEqual([
      ['m', 'outbox', '{"n":1}'],
      ['c', 'service.items', 1],
      ['m', 'outbox', '{"n":2}'],
    ]);
    expect(batch.end).toBe(lines[4]!.pos);
    // Re-read from the position after the first transaction: only the second message is new.
    expect(decodeLogical(lines, TABLES, lines[3]!.pos).committed.map((c) => c.after?.content)).toEqual(['{"n":2}']);
  });

  it('gives values as the pg_walinspect decoder does: numbers, booleans, timestamps as ISO text in UTC', () => {
    const row = parseTuple(`a[integer]:-3 b[boolean]:false c[timestamp with time zone]:'2026-01-01 00:00:00.04+00' d[timestamp without time zone]:'2026-01-02 03:04:05' e[numeric]:1.50 f[text]:null`);
    expect(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, valueOf(v)]))).toEqual({
      a: -3,
      b: false,
      c: '2026-01-01T00:00:00.040Z',
      d: '2026-01-02T03:04:05.000Z',
      e: '1.50',
      f: null,
    });
    expect(valueOf({ type: 'timestamp with time zone', text: '2026-01-01 05:30:00+05:30' })).toBe('2026-01-01T00:00:00.000Z');
  });

  it('keeps committed changes of the captured tables, in commit order, and confirms the end of the last commit', () => {
    const batch = decodeLogical(peeked(SERVER_OUTPUT), TABLES, 0);
    expect(batch.committed.map((c) => [c.op, (c.after ?? c.before)!.id, c.tx])).toEqual([
      ['c', 1, 1],
      ['c', 2, 2],
      ['u', 1, 4],
      ['d', 2, 6],
    ]);
    expect(batch.end).toBe(SERVER_OUTPUT.length * 100);
    expect(batch.read).toBe(SERVER_OUTPUT.length);
    expect(batch.rolledBack).toEqual([]);
    // Every live column present, in the table's order, NULLs the old image left out included.
    expect(batch.committed[3]!.before).toEqual({ id: 2, label: null, at: null, ok: null, n: null });
  });

  it('skips transactions that committed at or before the stored position (the slot was not advanced yet)', () => {
    const lines = peeked(SERVER_OUTPUT);
    const afterSecond = lines[5]!.pos;
    const batch = decodeLogical(lines, TABLES, afterSecond);
    expect(batch.committed.map((c) => c.op)).toEqual(['u', 'd']);
    expect(decodeLogical(lines, TABLES, batch.end)).toMatchObject({ read: 0, committed: [], end: batch.end });
  });
});

const postgres = useLabPostgres();
const quiet: TraceSink = { actor: 'connector', armed: () => undefined, inEffect: () => undefined, emit() {}, strike() {}, markMutation() {}, lockRefused() {} };

describe('the two decoders', () => {
  it('make the same row changes of the same statements: pg_walinspect on PGlite, test_decoding on a server', async () => {
    const { db } = postgres;
    expect(decoderOf(db.runner)).toBe('pg_walinspect');
    await db.reset(
      [WAL_ORIGIN_TABLE, 'CREATE TABLE service.items (id int PRIMARY KEY, label text, at timestamptz, ok boolean, n bigint)', 'ALTER TABLE service.items REPLICA IDENTITY FULL', 'CREATE TABLE service.other (id int PRIMARY KEY)'],
      ['service.wal_origin', 'service.items', 'service.other'],
    );
    await prepareWalRun(db.runner);
    for (const sql of STATEMENTS) await db.runner.exec(sql);
    const traced = createTracedDatabase(db.runner, quiet);
    const tables = await describeTables(traced, ['service.items']);
    if (!tables.ok) throw new Error(tables.error);
    expect(tables.decoder).toBe('pg_walinspect');
    const walinspect = await readWalinspect(traced, 0, tables.value, {});
    if (!walinspect.ok) throw new Error(walinspect.error);
    const logical = decodeLogical(peeked(SERVER_OUTPUT), tables.value, 0);
    const meaning = (changes: typeof logical.committed) => changes.map(({ table, op, before, after }) => ({ table, op, before, after }));
    expect(meaning(walinspect.value.committed)).toEqual(meaning(logical.committed));
    // Only pg_walinspect sees the rolled-back transaction at all.
    expect(walinspect.value.rolledBack).toHaveLength(1);
  });
});

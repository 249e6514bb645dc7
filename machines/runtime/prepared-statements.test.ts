/**
 * The prepared-statement runner answers exactly as PGlite's own `query` does: the same rows and
 * types, the same errors, parameters serialised by the type Postgres inferred, and the same
 * transaction behaviour, including after the tables were dropped and made again.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreparedStatementRunner } from './prepared-statements';

let pg: PGlite;
let runner: PreparedStatementRunner;

beforeAll(async () => {
  pg = await PGlite.create();
  runner = new PreparedStatementRunner(pg);
  await pg.exec(`CREATE TABLE items (id int PRIMARY KEY, label text, at timestamptz, done boolean, doc jsonb)`);
});
afterAll(() => pg.close());

interface Answer {
  rows?: unknown[];
  affectedRows?: number;
  error?: string;
  code?: string;
}

async function both(sql: string, params: unknown[] = []) {
  const settle = (p: Promise<{ rows: unknown[]; affectedRows?: number }>): Promise<Answer> =>
    p.then(
      (r) => ({ rows: r.rows, affectedRows: r.affectedRows }),
      (e: { message: string; code?: string }) => ({ error: e.message, code: e.code }),
    );
  const mine = await settle(runner.query(sql, params));
  const theirs = await settle(pg.query(sql, params));
  return { mine, theirs };
}

describe('the prepared-statement runner', () => {
  it('serialises parameters by the type Postgres inferred and parses rows as query does', async () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    await runner.query('INSERT INTO items VALUES ($1, $2, $3, $4, $5)', [1, 'one', at, true, { a: [1, 2] }]);
    // A number for a timestamptz is a time in ms, a string for jsonb is JSON text, as PGlite has it.
    await runner.query('INSERT INTO items VALUES ($1, $2, $3, $4, $5)', [2, 7, at.getTime(), 'off', '{"b": null}']);
    const { mine, theirs } = await both('SELECT * FROM items WHERE id >= $1 ORDER BY id', [1]);
    expect(mine).toEqual(theirs);
    expect(mine.rows).toEqual([
      { id: 1, label: 'one', at, done: true, doc: { a: [1, 2] } },
      { id: 2, label: '7', at, done: false, doc: { b: null } },
    ]);
  });

  it('reports affected rows and a null parameter as query does', async () => {
    const { mine, theirs } = await both('UPDATE items SET label = $1 WHERE id = ANY($2::int[])', [null, '{1,2}']);
    expect(mine).toEqual(theirs);
    expect(mine.affectedRows).toBe(2);
  });

  it('gives the same errors, with their SQLSTATE, and keeps working after them', async () => {
    for (const [sql, params] of [
      ['SELECT nope FROM items', []],
      ['SELECT * FROM items WHERE id = $1', []],
      ['INSERT INTO items (id) VALUES ($1)', [1]],
      ['SELECT $1::int', ['x']],
    ] as [string, unknown[]][]) {
      const { mine, theirs } = await both(sql, params);
      expect(mine).toEqual(theirs);
      expect(mine).toHaveProperty('code');
    }
    expect((await runner.query('SELECT count(*)::int AS n FROM items')).rows).toEqual([{ n: 2 }]);
  });

  it('behaves as query does in a transaction that failed and after its rollback', async () => {
    await runner.query('BEGIN');
    await expect(runner.query('INSERT INTO items (id) VALUES ($1)', [1])).rejects.toMatchObject({ code: '23505' });
    // A statement it has never seen cannot even be prepared in the failed transaction.
    await expect(runner.query('SELECT 41 + $1::int AS n', [1])).rejects.toMatchObject({ code: '25P02' });
    await runner.query('ROLLBACK');
    expect((await runner.query('SELECT 41 + $1::int AS n', [1])).rows).toEqual([{ n: 42 }]);
  });

  it('prepares a statement afresh when the table under it was made again with other columns', async () => {
    const read = 'SELECT * FROM items ORDER BY id';
    await runner.query(read);
    await pg.exec(`DROP TABLE items; CREATE TABLE items (id int PRIMARY KEY, note text); INSERT INTO items VALUES (5, 'five')`);
    expect((await runner.query(read)).rows).toEqual([{ id: 5, note: 'five' }]);
    await runner.forgetPrepared();
    expect((await runner.query(read)).rows).toEqual([{ id: 5, note: 'five' }]);
  });

  it('delivers the notifications of a commit', async () => {
    const heard: string[] = [];
    await runner.exec('LISTEN lab_channel');
    const stop = runner.onNotification((channel, payload) => heard.push(`${channel}:${payload}`));
    await runner.query('BEGIN');
    await runner.query(`SELECT pg_notify('lab_channel', $1)`, ['hello']);
    await runner.query('COMMIT');
    await new Promise((resolve) => setTimeout(resolve, 0));
    stop();
    expect(heard).toEqual(['lab_channel:hello']);
  });
});

/**
 * The reset between runs: only what a run wrote is truncated, yet the next run must find exactly
 * what a full TRUNCATE … RESTART IDENTITY leaves — empty files, sequences at their start.
 */
import { describe, expect, it } from 'vitest';
import { useLabPostgres } from '../testing/postgres';

const postgres = useLabPostgres();
const LAYOUT = [
  'CREATE TABLE service.items (id serial PRIMARY KEY, label text NOT NULL)',
  'CREATE TABLE service.notes (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL)',
  'CREATE TABLE consumer.seen (key text PRIMARY KEY)',
];
const TABLES = ['service.items', 'service.notes', 'consumer.seen'];

async function sizes(): Promise<number[]> {
  const { rows } = await postgres.db.runner.query<Record<string, number>>(`SELECT ${TABLES.map((t, i) => `pg_relation_size('${t}')::int AS s${i}`).join(', ')}`);
  return TABLES.map((_, i) => rows[0]![`s${i}`]!);
}

describe('resetting the lab database', () => {
  it('leaves every table empty on disk and every sequence at its start, whichever tables the run wrote', async () => {
    const { db } = postgres;
    await db.reset(LAYOUT, TABLES);
    await db.runner.exec(`INSERT INTO service.items (label) VALUES ('a'), ('b')`);
    // A rolled-back insert: no row to count, but a dead tuple on a page and a sequence drawn from.
    await db.runner.exec(`BEGIN; INSERT INTO service.notes (body) VALUES ('gone'); ROLLBACK`);
    expect((await db.runner.query('SELECT * FROM service.notes')).rows).toEqual([]);
    expect((await sizes())[1]).toBeGreaterThan(0);

    await db.reset(LAYOUT, TABLES);
    expect(await sizes()).toEqual([0, 0, 0]);
    await db.runner.exec(`INSERT INTO service.items (label) VALUES ('c'); INSERT INTO service.notes (body) VALUES ('kept')`);
    const items = await db.runner.query<{ id: number; ctid: string }>('SELECT id, ctid::text AS ctid FROM service.items');
    const notes = await db.runner.query<{ id: number; ctid: string }>('SELECT id, ctid::text AS ctid FROM service.notes');
    expect(items.rows).toEqual([{ id: 1, ctid: '(0,1)' }]);
    expect(notes.rows).toEqual([{ id: 1, ctid: '(0,1)' }]);
  });

  it('restarts a sequence whose table stayed empty, and touches nothing when the run wrote nothing', async () => {
    const { db } = postgres;
    await db.reset(LAYOUT, TABLES);
    await db.runner.exec(`SELECT nextval('service.items_id_seq')`);
    await db.reset(LAYOUT, TABLES);
    expect((await db.runner.query<{ id: number }>(`INSERT INTO service.items (label) VALUES ('x') RETURNING id`)).rows).toEqual([{ id: 1 }]);
    await db.reset(LAYOUT, TABLES);
    const before = await db.runner.query<{ relfilenode: number }>(`SELECT relfilenode FROM pg_class WHERE oid = 'consumer.seen'::regclass`);
    await db.reset(LAYOUT, TABLES);
    const after = await db.runner.query<{ relfilenode: number }>(`SELECT relfilenode FROM pg_class WHERE oid = 'consumer.seen'::regclass`);
    expect(after.rows).toEqual(before.rows);
  });

  it('empties a written table that another, still empty, references by a foreign key', async () => {
    const { db } = postgres;
    const layout = [...LAYOUT, 'CREATE TABLE consumer.tags (item integer NOT NULL REFERENCES service.items (id))'];
    const tables = [...TABLES, 'consumer.tags'];
    await db.reset(layout, tables);
    await db.runner.exec(`INSERT INTO service.items (label) VALUES ('a')`);
    await db.reset(layout, tables);
    expect((await db.runner.query('SELECT * FROM service.items')).rows).toEqual([]);
  });

  it('rolls back a prepared transaction a run left in doubt, so the truncate does not wait on its locks', async () => {
    const { db } = postgres;
    await db.reset(LAYOUT, TABLES);
    await db.runner.exec(`BEGIN; INSERT INTO consumer.seen VALUES ('k'); PREPARE TRANSACTION 'left-over'`);
    await db.reset(LAYOUT, TABLES);
    expect((await db.runner.query('SELECT gid FROM pg_prepared_xacts')).rows).toEqual([]);
    expect(await sizes()).toEqual([0, 0, 0]);
  });
});

/**
 * The real-server runner must hand the kernel what PGlite hands it. The mapping is checked against
 * PGlite itself: each value is read from PGlite once as a value and once as its text, and the text
 * through the runner's parser must give the same value. Preflight's checks run on PGlite (real
 * Postgres), so its messages are tested without a server; with LAB_DATABASE_URL set, the runner is
 * also checked on that server.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPattern } from '../patterns/index';
import type { PatternDefinition } from '../kernel/pattern';
import { startLabPostgresInNode } from './boot-image-node';
import { LOGICAL_SLOT } from '../actors/logical-decoder';
import { cleanUpServer, markLabSchemas, preflight, requirementsOf } from './pg-preflight';
import { affectedRowsOf, connectServer, pgliteParser, serverParam, type ArrayTypes } from './pg-server';

const VALUES = `SELECT 42::int8 AS i8, 9007199254740993::int8 AS big, 7::int4 AS i4, 1.50::numeric AS num, 2.5::float8 AS f8,
  '\\x00ff10'::bytea AS b, '2024-03-01T10:20:30.123Z'::timestamptz AS tstz, '2024-03-01 10:20:30'::timestamp AS ts,
  '2024-03-02'::date AS d, true AS bool, '{"a":[1,2]}'::json AS j, '{"a":1}'::jsonb AS jb, '0/16B3748'::pg_lsn AS lsn,
  ARRAY[1, 2]::int8[] AS arr8, ARRAY['a', NULL]::text[] AS tarr, '1 day 02:00'::interval AS iv, 'ab'::char(3) AS ch, NULL::int4 AS nul`;

const pattern = (id: string) => getPattern(id) as PatternDefinition;

let lab: Awaited<ReturnType<typeof startLabPostgresInNode>>;
beforeAll(async () => {
  lab = await startLabPostgresInNode();
});
afterAll(async () => {
  await lab?.pg.close();
});

async function arrayTypes(pg: PGlite): Promise<ArrayTypes> {
  const rows = (await pg.query<{ elem: number; arr: number }>(`SELECT b.oid AS elem, b.typarray AS arr FROM pg_type a JOIN pg_type b ON b.oid = a.typelem WHERE a.typcategory = 'A'`)).rows;
  return new Map(rows.map((r) => [r.arr, r.elem]));
}

describe('values from a server, as PGlite gives them', () => {
  it('parses the text of every type the lab reads into the value PGlite returns', async () => {
    const typed = await lab.pg.query<Record<string, unknown>>(VALUES);
    const names = typed.fields.map((f) => f.name);
    // format('%s') applies each type's output function: the text a server sends on the wire.
    const asText = await lab.pg.query<Record<string, string | null>>(`SELECT ${names.map((n) => `CASE WHEN v.${n} IS NULL THEN NULL ELSE format('%s', v.${n}) END AS ${n}`).join(', ')} FROM (${VALUES}) v`);
    const arrays = await arrayTypes(lab.pg);
    const row = typed.rows[0]!;
    for (const field of typed.fields) {
      const text = asText.rows[0]![field.name];
      const parsed = text == null ? null : pgliteParser(field.dataTypeID, arrays)(text);
      expect(parsed, field.name).toStrictEqual(row[field.name]);
    }
    // The cases node-postgres would get wrong by default, spelled out.
    expect(row.i8).toBe(42);
    expect(row.big).toBe(9007199254740993n);
    expect(row.b).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(row.b)).toBe(false);
    expect(row.num).toBe('1.50');
    expect(row.arr8).toEqual([1, 2]);
    expect((row.ts as Date).toISOString()).toBe('2024-03-01T10:20:30.000Z');
    expect(row.iv).toBe('1 day 02:00:00');
  });

  it('counts affected rows as PGlite does: writes only', async () => {
    await lab.pg.exec('CREATE TABLE public.counted (id int)');
    try {
      for (const sql of ['INSERT INTO public.counted VALUES (1), (2) RETURNING id', 'UPDATE public.counted SET id = id + 1', 'SELECT * FROM public.counted', 'DELETE FROM public.counted WHERE id > 99']) {
        const result = await lab.pg.query(sql);
        expect(affectedRowsOf(sql.split(' ')[0], result.rows.length || (result.affectedRows ?? 0)), sql).toBe(result.affectedRows);
      }
    } finally {
      await lab.pg.exec('DROP TABLE public.counted');
    }
    expect(affectedRowsOf('SELECT', 5)).toBe(0);
    expect(affectedRowsOf('BEGIN', null)).toBe(0);
  });

  it('sends bytes as bytea and dates as UTC text', () => {
    const sent = serverParam(new Uint8Array([1, 2, 3]));
    expect(Buffer.isBuffer(sent)).toBe(true);
    expect([...(sent as Buffer)]).toEqual([1, 2, 3]);
    expect(serverParam(new Date('2024-01-01T00:00:00Z'))).toBe('2024-01-01T00:00:00.000Z');
    expect(serverParam('x')).toBe('x');
  });
});

describe('preflight', () => {
  const plain = requirementsOf([pattern('outbox-polling')]);

  it('accepts an empty database and says which server it is', async () => {
    const report = await preflight(lab.db.runner, plain, { resetSchemas: false });
    expect(report.problems).toEqual([]);
    expect(report.version).toMatch(/^\d+\.\d+/);
  });

  it('refuses a database holding other schemas or tables unless --reset-schemas is given, and names them', async () => {
    await lab.pg.exec('CREATE SCHEMA billing; CREATE TABLE public.invoices (id int)');
    try {
      const refused = await preflight(lab.db.runner, plain, { resetSchemas: false });
      expect(refused.problems).toHaveLength(1);
      expect(refused.problems[0]).toMatch(/not dedicated to the lab: it holds schema billing; 1 table in schema public/);
      expect(refused.problems[0]).toMatch(/--reset-schemas/);
      expect((await preflight(lab.db.runner, plain, { resetSchemas: true })).problems).toEqual([]);
    } finally {
      await lab.pg.exec('DROP SCHEMA billing; DROP TABLE public.invoices');
    }
  });

  it("refuses a `service` schema the lab did not make, and accepts it once marked as the lab's", async () => {
    await lab.pg.exec('DROP SCHEMA IF EXISTS service CASCADE; CREATE SCHEMA service; CREATE TABLE service.accounts (id int)');
    try {
      expect((await preflight(lab.db.runner, plain, { resetSchemas: false })).problems[0]).toMatch(/schema service with tables the lab did not make/);
      await markLabSchemas(lab.db.runner);
      expect((await preflight(lab.db.runner, plain, { resetSchemas: false })).problems).toEqual([]);
    } finally {
      await lab.pg.exec('DROP SCHEMA service CASCADE');
    }
  });

  it('asks for logical decoding and a replication slot for the CDC patterns, saying how', async () => {
    const report = await preflight(lab.db.runner, requirementsOf([pattern('outbox-cdc'), pattern('cdc-table')]), { resetSchemas: false });
    expect(report.problems.join('\n')).toMatch(/outbox-cdc, cdc-table read changes through a logical replication slot, and this server has wal_level = replica\. Set wal_level = logical/);
  });

  it("refuses the CDC patterns when the lab's slot name is taken by a slot that is not its own, saying how to drop it", async () => {
    await lab.pg.query(`SELECT pg_create_physical_replication_slot('${LOGICAL_SLOT}')`);
    try {
      const report = await preflight(lab.db.runner, requirementsOf([pattern('outbox-cdc')]), { resetSchemas: false });
      expect(report.problems.join('\n')).toMatch(new RegExp(`replication slot ${LOGICAL_SLOT} .*exists as a physical slot; drop it \\(SELECT pg_drop_replication_slot`));
    } finally {
      await lab.pg.query(`SELECT pg_drop_replication_slot('${LOGICAL_SLOT}')`);
    }
  });

  it('asks for max_prepared_transactions > 0 for two-phase commit, saying how', async () => {
    const bare = await PGlite.create();
    try {
      const runner = { query: bare.query.bind(bare), exec: bare.exec.bind(bare) };
      const report = await preflight(runner, requirementsOf([pattern('two-phase-commit')]), { resetSchemas: false });
      expect(report.problems).toHaveLength(1);
      expect(report.problems[0]).toMatch(/two-phase-commit uses PREPARE TRANSACTION, and this server has max_prepared_transactions = 0 .*ALTER SYSTEM SET max_prepared_transactions = 10.*restart/);
      expect((await preflight(runner, plain, { resetSchemas: false })).problems).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  it("cleans up this database's prepared transactions after a run", async () => {
    await lab.pg.exec('CREATE TABLE public.t (id int)');
    await lab.pg.exec(`BEGIN; INSERT INTO public.t VALUES (1); PREPARE TRANSACTION 'gx-left'`);
    try {
      const cleaned = await cleanUpServer(lab.db.runner, []);
      expect(cleaned).toEqual({ slots: [], prepared: ['gx-left'] });
      expect((await lab.pg.query('SELECT gid FROM pg_prepared_xacts')).rows).toEqual([]);
    } finally {
      await lab.pg.exec('DROP TABLE public.t');
    }
  });
});

const serverUrl = process.env.LAB_DATABASE_URL;
if (!serverUrl) console.log('pg-server.test.ts: LAB_DATABASE_URL is not set; the checks on a real server are skipped');

describe.skipIf(!serverUrl)('on the server in LAB_DATABASE_URL', () => {
  it('returns the same rows, fields and counts as PGlite for the same statements', async () => {
    const server = await connectServer(serverUrl!);
    try {
      const [mine, theirs] = [await lab.pg.query<Record<string, unknown>>(VALUES), await server.runner.query(VALUES)];
      expect(theirs.rows).toStrictEqual(mine.rows);
      await server.runner.exec('CREATE TEMP TABLE t (id int)');
      expect((await server.runner.query('INSERT INTO t VALUES (1), (2) RETURNING id')).affectedRows).toBe(2);
      expect((await server.runner.query('SELECT * FROM t')).affectedRows).toBe(0);
      expect(server.unset.filter((u) => u.name !== 'lc_messages')).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('lets the CDC patterns run there (wal_level = logical, may make replication slots), read through test_decoding', async () => {
    const server = await connectServer(serverUrl!);
    try {
      const report = await preflight(server.runner, requirementsOf([pattern('outbox-cdc'), pattern('cdc-table')]), { resetSchemas: true });
      expect(report.problems).toEqual([]);
      expect(server.runner.changeDecoder).toBe('test_decoding');
      // A commit is flushed before it returns, so the next read of the slot sees it.
      expect((await server.runner.query<{ v: string }>(`SELECT current_setting('synchronous_commit') AS v`)).rows[0]!.v).toBe('on');
    } finally {
      await server.close();
    }
  });
});

/**
 * The Postgres participant: one real PGlite instance holding a schema per service's database:
 * `service` (the order service's own), `consumer` (the shipping consumer's), and `stock` and
 * `payment` (the saga's other participants). Between runs it is put back to empty cheaply: tables
 * a run wrote are truncated when the layout is unchanged, and the schemas are dropped and
 * recreated only when a different pattern needs different tables.
 */
import type { SqlRunner } from '../kernel/traced-database';
import { PREPARED_HERE_SQL, preparedHere } from '../kernel/prepared-here';
import { normaliseRow } from '../kernel/traced-database';
import type { TableSnapshot } from '../kernel/types';

export const SCHEMAS = ['service', 'consumer', 'stock', 'payment'] as const;

export const ORDERS_TABLE = `CREATE TABLE service.orders (
  id integer PRIMARY KEY,
  customer text NOT NULL,
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  created_at timestamptz NOT NULL
)`;

export const OUTBOX_TABLE = `CREATE TABLE service.outbox (
  id serial PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  event_type text NOT NULL,
  payload text NOT NULL,
  created_at timestamptz NOT NULL,
  published boolean NOT NULL DEFAULT false,
  published_at timestamptz
)`;

// Without this index the relay's poll scans the whole outbox as it grows.
export const OUTBOX_PENDING_INDEX = 'CREATE INDEX outbox_pending ON service.outbox (published, created_at)';

/** The consumer's tables. Shipments deliberately has no unique key: a repeat shows as a second row. */
export const CONSUMER_TABLES = [
  `CREATE TABLE consumer.shipments (
    id serial PRIMARY KEY,
    order_id integer NOT NULL,
    event_id text NOT NULL,
    created_at timestamptz NOT NULL
  )`,
  `CREATE TABLE consumer.processed_events (
    event_id text PRIMARY KEY,
    processed_at timestamptz NOT NULL
  )`,
];

export class LabDatabase {
  #layout: string | null = null;
  /** The layout's tables and the sequences they own (serial columns), found once per layout. */
  #owned: { tables: string[]; sequences: { name: string; table: string }[] } | null = null;

  constructor(readonly runner: SqlRunner) {}

  /** Empties every table of the layout, creating the layout first if it is not the current one. */
  async reset(schema: string[], tables: string[]): Promise<void> {
    const layout = schema.join(';\n');
    if (layout === this.#layout && this.#owned?.tables.join() === tables.join()) {
      await this.#truncateWritten(this.#owned);
      return;
    }
    await this.#rollBackLeftoverPreparedTransactions(await preparedHere(this.runner));
    const drops = SCHEMAS.map((s) => `DROP SCHEMA IF EXISTS ${s} CASCADE`);
    const creates = SCHEMAS.map((s) => `CREATE SCHEMA ${s}`);
    await this.runner.exec([...drops, ...creates, ...schema].join(';\n'));
    await this.runner.forgetPrepared?.();
    this.#layout = layout;
    this.#owned = { tables, sequences: await this.#ownedSequences(tables) };
  }

  /**
   * TRUNCATE costs a new file per table and index whether the table holds rows or not, most of a
   * short run's reset. So only tables with any page on disk are truncated (a rolled-back insert
   * leaves a dead tuple, and a page, behind: size, not a row count, tells), and only sequences a
   * run drew from are restarted. What the next run finds is the same as after truncating all.
   */
  async #truncateWritten(owned: { tables: string[]; sequences: { name: string; table: string }[] }): Promise<void> {
    // One round trip asks everything: leftover prepared transactions, pages on disk, drawn sequences.
    const probes = [
      `ARRAY(${PREPARED_HERE_SQL}) AS prepared`,
      ...owned.tables.map((t, i) => `pg_relation_size('${t}') > 0 AS t${i}`),
      ...owned.sequences.map((s, i) => `pg_sequence_last_value('${s.name}') IS NOT NULL AS s${i}`),
    ];
    const [row] = (await this.runner.query<Record<string, unknown>>(`SELECT ${probes.join(', ')}`)).rows;
    await this.#rollBackLeftoverPreparedTransactions(row!.prepared as string[]);
    const written = owned.tables.filter((_, i) => row![`t${i}`]);
    const drawn = owned.sequences.filter((s, i) => row![`s${i}`] && !written.includes(s.table));
    const statements = [
      // CASCADE: a table that references a written one must go with it, empty or not (Postgres
      // refuses to truncate a referenced table alone); truncating all would have taken it too.
      ...(written.length > 0 ? [`TRUNCATE ${written.join(', ')} RESTART IDENTITY CASCADE`] : []),
      ...drawn.map((s) => `ALTER SEQUENCE ${s.name} RESTART`),
    ];
    if (statements.length > 0) await this.runner.exec(statements.join(';\n'));
  }

  /** The sequences RESTART IDENTITY would restart: those owned by a column of one of the tables. */
  async #ownedSequences(tables: string[]): Promise<{ name: string; table: string }[]> {
    if (tables.length === 0) return [];
    const list = tables.map((t) => `'${t}'::regclass`).join(', ');
    const result = await this.runner.query<{ name: string; table: string }>(
      `SELECT d.objid::regclass::text AS name, d.refobjid::regclass::text AS "table"
       FROM pg_depend d JOIN pg_class c ON c.oid = d.objid AND c.relkind = 'S'
       WHERE d.refobjid IN (${list}) AND d.deptype IN ('a', 'i') ORDER BY 1`,
    );
    const byName = new Map(tables.map((t) => [t.replace(/"/g, ''), t]));
    return result.rows.map((r) => ({ name: r.name, table: byName.get(r.table) ?? r.table }));
  }

  /**
   * A prepared transaction (two-phase commit) outlives the run that made it and keeps its locks:
   * a TRUNCATE or DROP on those tables would wait on it forever in this single-connection
   * database. So every leftover is rolled back first — this database's only: on a real server
   * `pg_prepared_xacts` lists the whole cluster's, and another database's cannot be rolled back here.
   */
  async #rollBackLeftoverPreparedTransactions(prepared: readonly string[]): Promise<void> {
    for (const gid of prepared) await this.runner.exec(`ROLLBACK PREPARED '${gid.replace(/'/g, "''")}'`);
  }

  /** Reads a whole table for the live views; `table` comes from the pattern catalogue, never from input. */
  async snapshotTable(table: string): Promise<TableSnapshot> {
    const result = (await this.runner.query(`SELECT * FROM ${table} ORDER BY 1`)) as {
      rows: Record<string, unknown>[];
      fields?: { name: string }[];
    };
    return {
      name: table,
      columns: result.fields?.map((f) => f.name) ?? Object.keys(result.rows[0] ?? {}),
      rows: result.rows.map(normaliseRow),
    };
  }
}

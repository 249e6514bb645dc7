/**
 * The lab on a real PostgreSQL server (command line only; the browser stays on PGlite): a
 * `SqlRunner` over one `pg` connection that hands the kernel exactly the values PGlite would.
 *
 * Exactly, because traces and outcomes are compared byte for byte between the two (`lab
 * crosscheck`). So the driver's own type parsers are replaced by PGlite's (`types.parseType`,
 * and its array parser for every array type the server knows, as PGlite registers them at start):
 * int8 comes back as a number (a bigint past 2^53), not node-postgres' string; bytea as a
 * Uint8Array, not a Buffer; timestamp without time zone and date as UTC, not local time; an
 * interval as its text. Affected rows are counted as PGlite counts them (INSERT, UPDATE, DELETE,
 * COPY, MERGE; 0 for anything else), and the session settings that shape text output are set to
 * PGlite's.
 *
 * One connection, like PGlite: the lab's transactions never interleave, and a prepared
 * transaction is as foreign to the session as it is there.
 */
import { types as pgliteTypes } from '@electric-sql/pglite';
import pg from 'pg';
import { LOGICAL_PLUGIN, type ChangeSourceHint } from '../actors/logical-decoder';
import { LabDatabase } from '../actors/postgres';
import type { SqlRunner } from '../kernel/traced-database';

type ParseText = (text: string) => unknown;

/** Array type oid → element type oid, from the server's catalogue (the query PGlite runs). */
export type ArrayTypes = ReadonlyMap<number, number>;

const ARRAY_TYPES_SQL = `SELECT b.oid AS elem, b.typarray AS arr
  FROM pg_catalog.pg_type a LEFT JOIN pg_catalog.pg_type b ON b.oid = a.typelem
  WHERE a.typcategory = 'A' GROUP BY b.oid, b.typarray`;

/** The parser PGlite would use for a column of this type oid (text format). */
export function pgliteParser(oid: number, arrays: ArrayTypes): ParseText {
  const elem = arrays.get(oid);
  if (elem !== undefined) return (text) => pgliteTypes.arrayParser(text, (x: string) => pgliteTypes.parseType(x, elem), oid);
  return (text) => pgliteTypes.parseType(text, oid);
}

/** What PGlite reports as `affectedRows` for one statement's command tag. */
export function affectedRowsOf(command: string | null | undefined, rowCount: number | null | undefined): number {
  return command !== null && command !== undefined && ['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE'].includes(command) ? (rowCount ?? 0) : 0;
}

/**
 * Parameters as PGlite would send them. The driver sends a Buffer as bytea but not every
 * Uint8Array, and a Date in local time with an offset: same instant, different text in errors.
 */
export function serverParam(value: unknown): unknown {
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * Session settings that change what Postgres prints (dates, floats, messages) or what a bare
 * name means, set to PGlite's. `lc_messages` needs a superuser; without one messages stay in the
 * server's language, and preflight says so.
 */
export const PGLITE_SESSION: readonly (readonly [string, string])[] = [
  ['TimeZone', 'UTC'],
  ['DateStyle', 'ISO, MDY'],
  ['IntervalStyle', 'postgres'],
  ['extra_float_digits', '1'],
  ['bytea_output', 'hex'],
  ['standard_conforming_strings', 'on'],
  ['search_path', 'public'],
  ['default_transaction_isolation', 'read committed'],
  ['lc_messages', 'C'],
  // A logical slot hands over only what is flushed: a commit must be on disk when it returns, as
  // in PGlite, or the connector's next read would miss it by a few milliseconds at random.
  ['synchronous_commit', 'on'],
];

export interface ServerConnection {
  runner: ServerRunner;
  db: LabDatabase;
  /** Settings of {@link PGLITE_SESSION} the server refused, with its reason. */
  unset: { name: string; error: string }[];
  close(): Promise<void>;
}

export class ServerRunner implements SqlRunner, ChangeSourceHint {
  /** The CDC connector reads a server through a logical slot (actors/logical-decoder.ts). */
  readonly changeDecoder = LOGICAL_PLUGIN;
  readonly #client: pg.Client;
  constructor(client: pg.Client) {
    this.#client = client;
  }

  async query<R = Record<string, unknown>>(sql: string, params: unknown[] = []) {
    // Extended protocol even without parameters, as PGlite's query(): one statement only.
    const result = await this.#client.query({ text: sql, values: params.map(serverParam), queryMode: 'extended' } as pg.QueryConfig);
    return { rows: result.rows as R[], affectedRows: affectedRowsOf(result.command, result.rowCount), fields: result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })) };
  }

  /**
   * The server sends a session's own notifications before it says it is ready for the next
   * query, so they arrive while the COMMIT that delivered them is still running, as in PGlite.
   */
  onNotification(listener: (channel: string, payload: string) => void): () => void {
    const handler = (message: pg.Notification) => listener(message.channel, message.payload ?? '');
    this.#client.on('notification', handler);
    return () => this.#client.off('notification', handler);
  }

  /** Simple protocol: several statements in one string run as one implicit transaction, as in PGlite. */
  async exec(sql: string): Promise<unknown> {
    return this.#client.query(sql);
  }
}

/** Connects, maps types as PGlite does, and sets PGlite's session settings. */
export async function connectServer(url: string, applicationName = 'dual-write-lab'): Promise<ServerConnection> {
  let arrays: ArrayTypes = new Map();
  const client = new pg.Client({
    connectionString: url,
    application_name: applicationName,
    // Read at parse time, so the map filled in just below is the one used.
    types: { getTypeParser: ((oid: number) => pgliteParser(oid, arrays)) as never },
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  try {
    const found = await client.query<{ elem: number; arr: number }>(ARRAY_TYPES_SQL);
    arrays = new Map(found.rows.filter((r) => r.elem !== null).map((r) => [Number(r.arr), Number(r.elem)]));
    const unset: { name: string; error: string }[] = [];
    for (const [name, value] of PGLITE_SESSION) {
      try {
        await client.query(`SELECT set_config($1, $2, false)`, [name, value]);
      } catch (error) {
        unset.push({ name, error: error instanceof Error ? error.message : String(error) });
      }
    }
    const runner = new ServerRunner(client);
    return { runner, db: new LabDatabase(runner), unset, close: () => client.end() };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/**
 * Starting the lab's Postgres. The same settings in Node (command line, tests) and in the
 * browser worker, so a scenario behaves the same everywhere.
 */
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_walinspect } from '@electric-sql/pglite/contrib/pg_walinspect';
import { LabDatabase } from '../actors/postgres';

/**
 * Full-page images would hide inserted tuples from anyone reading the WAL, and prepared
 * transactions are off by default; later patterns need both, so every instance starts this way.
 */
export const LAB_START_PARAMS = ['-c', 'full_page_writes=off', '-c', 'max_prepared_transactions=10'];

export async function startLabPostgres(options: Omit<PGliteOptions, 'startParams'> = {}): Promise<{ pg: PGlite; db: LabDatabase }> {
  // pg_walinspect lets the CDC connectors read the real write-ahead log (see actors/wal.ts).
  const pg = await PGlite.create({
    ...options,
    extensions: { ...options.extensions, pg_walinspect },
    startParams: [...PGlite.defaultStartParams, ...LAB_START_PARAMS],
  });
  return { pg, db: new LabDatabase(pg) };
}

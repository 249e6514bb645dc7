/**
 * Starting the lab's Postgres. The same settings in Node (command line, tests) and in the
 * browser worker, so a scenario behaves the same everywhere.
 */
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { LabDatabase } from '../actors/postgres';

/**
 * Full-page images would hide inserted tuples from anyone reading the WAL, and prepared
 * transactions are off by default; later patterns need both, so every instance starts this way.
 */
export const LAB_START_PARAMS = ['-c', 'full_page_writes=off', '-c', 'max_prepared_transactions=10'];

export async function startLabPostgres(options: Omit<PGliteOptions, 'startParams'> = {}): Promise<{ pg: PGlite; db: LabDatabase }> {
  const pg = await PGlite.create({ ...options, startParams: [...PGlite.defaultStartParams, ...LAB_START_PARAMS] });
  return { pg, db: new LabDatabase(pg) };
}

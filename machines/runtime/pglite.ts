/**
 * Starting the lab's Postgres. The same settings in Node (command line, tests) and in the
 * browser worker, so a scenario behaves the same everywhere.
 */
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_walinspect } from '@electric-sql/pglite/contrib/pg_walinspect';
import { LabDatabase } from '../actors/postgres';

/**
 * Every instance starts with these two settings.
 *
 * full_page_writes=off: with it on (Postgres' default), the first change to a page after a
 * checkpoint is logged as an image of the whole page, and at wal_level=replica the record then
 * carries no row data of its own (redo restores the page from the image). The CDC decoder can read
 * the row out of the image (wal-decoder.ts), but every run starts with a checkpoint, so its WAL
 * would open with page images of up to 8 kB instead of the records the story is about. On a real
 * server full_page_writes must stay on: it guards against pages a crash left half written. The
 * lab's PGlite keeps its data directory in memory, where no page is ever half written.
 *
 * max_prepared_transactions=10: prepared transactions are off by default; the two-phase patterns
 * need them.
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

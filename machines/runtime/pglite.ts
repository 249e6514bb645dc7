/**
 * Starting the lab's Postgres. The same settings in Node (command line, tests) and in the
 * browser worker, so a scenario behaves the same everywhere.
 */
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_walinspect } from '@electric-sql/pglite/contrib/pg_walinspect';
import { LabDatabase } from '../actors/postgres';
import { PreparedStatementRunner } from './prepared-statements';

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
 *
 * plan_cache_mode=force_custom_plan: the lab sends its SQL as prepared statements
 * (prepared-statements.ts); this plans every execution for its own parameters, as an unnamed
 * statement is, instead of switching to a generic plan on a history the run did not make.
 *
 * shared_buffers=16MB (Postgres' default is 128MB): a run's tables and the catalogue fit many
 * times over, and Postgres walks every buffer header at each TRUNCATE's commit and each
 * CHECKPOINT, which every run makes; a tab also starts sooner and holds 112 MB less (the compare
 * page runs one instance per core). Which buffers a page sits in changes nothing a run shows.
 */
export const LAB_START_PARAMS = ['-c', 'full_page_writes=off', '-c', 'max_prepared_transactions=10', '-c', 'plan_cache_mode=force_custom_plan', '-c', 'shared_buffers=16MB'];

/**
 * initdb's settings, for the boot image and for a tab that has to run initdb itself.
 *
 * --wal-segsize=1: 1 MB WAL segments instead of 16 MB. Every CDC run starts at a fresh segment
 * (actors/wal.ts), and `pg_switch_wal()` writes out the rest of the current segment, zero pages
 * and all: 16 MB of it cost 3.3 ms a switch here, 1 MB 0.3 ms. Nothing a run shows depends on the
 * size (positions are counted from the run's start, and a run's WAL fits in one segment).
 */
export const LAB_INITDB_PARAMS = ['--wal-segsize=1'];

export async function startLabPostgres(options: Omit<PGliteOptions, 'startParams'> = {}): Promise<{ pg: PGlite; db: LabDatabase }> {
  // pg_walinspect lets the CDC connectors read the real write-ahead log (see actors/wal.ts).
  const pg = await PGlite.create({
    ...options,
    extensions: { ...options.extensions, pg_walinspect },
    initDbStartParams: LAB_INITDB_PARAMS,
    startParams: [...PGlite.defaultStartParams, ...LAB_START_PARAMS],
  });
  return { pg, db: new LabDatabase(new PreparedStatementRunner(pg)) };
}

/**
 * The prepared transactions of this database, read from `pg_prepared_xact()` itself: the
 * `pg_prepared_xacts` view joins it with pg_authid and pg_database, and planning that join costs
 * more than the rest of a short run's reset. Same rows as the view filtered by database name.
 */
import type { SqlRunner } from './traced-database';

export const PREPARED_HERE_SQL =
  'SELECT gid FROM pg_prepared_xact() WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY gid';

export async function preparedHere(runner: SqlRunner): Promise<string[]> {
  return (await runner.query<{ gid: string }>(PREPARED_HERE_SQL)).rows.map((row) => row.gid);
}

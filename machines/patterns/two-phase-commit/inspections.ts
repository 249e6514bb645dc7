/**
 * What two-phase-commit's views show inside Postgres: the transactions prepared in phase one and
 * the locks they hold with no session owning them (only COMMIT or ROLLBACK PREPARED frees them).
 */
import type { SqlRunner } from '../../kernel/traced-database';
import type { TableSnapshot } from '../../kernel/types';

export async function inDoubtInspections(runner: SqlRunner): Promise<TableSnapshot[]> {
  const prepared = (await runner.query<Record<string, string>>('SELECT gid, owner, database FROM pg_prepared_xacts ORDER BY gid')).rows;
  const locks = (
    await runner.query<Record<string, string | boolean | null>>(
      `SELECT locktype, relation::regclass::text AS relation, mode, granted FROM pg_locks
       WHERE pid IS NULL AND locktype = 'relation' ORDER BY relation, mode`,
    )
  ).rows;
  return [
    {
      name: 'pg_prepared_xacts',
      note: 'Transactions prepared in phase one and not yet committed or rolled back: in doubt.',
      columns: ['gid', 'owner', 'database'],
      rows: prepared,
    },
    {
      name: 'pg_locks (held by prepared transactions)',
      note: 'Locks no session owns: only COMMIT PREPARED or ROLLBACK PREPARED releases them.',
      columns: ['locktype', 'relation', 'mode', 'granted'],
      rows: locks,
    },
  ];
}

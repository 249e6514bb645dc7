/**
 * What a real server must offer before the lab touches it, asked with read-only queries: every
 * problem is found (not just the first) and said with what to do about it, so one attempt is
 * enough to fix a setup. Runs on any SqlRunner, so the checks are tested on PGlite too.
 *
 * The lab drops and recreates its schemas (`service`, `consumer`) between runs. A database that
 * holds anything else is someone's, and is refused unless the user says `--reset-schemas`.
 */
import { LOGICAL_PLUGIN, LOGICAL_SLOT } from '../actors/logical-decoder';
import { SCHEMAS } from '../actors/postgres';
import { WAL_ORIGIN_TABLE } from '../actors/wal';
import type { PatternDefinition } from '../kernel/pattern';
import type { SqlRunner } from '../kernel/traced-database';

/** Put on the lab's schemas after a run: a later preflight knows they are the lab's to drop. */
export const LAB_SCHEMA_MARK = 'dual-write-lab: dropped and recreated by every run';

/** The oldest server whose functions the lab's SQL uses (pg_snapshot_xmax, pg_current_snapshot). */
export const MIN_SERVER_VERSION_NUM = 130000;

export interface Requirements {
  preparedTransactions: boolean;
  /** Reads changes from the WAL (the CDC patterns): logical decoding on a server. */
  logicalDecoding: boolean;
  /** The patterns that need each, for the messages. */
  why: { preparedTransactions: string[]; logicalDecoding: string[] };
}

/** A pattern reads the WAL when its schema keeps where each run's WAL starts. */
export function readsWal(pattern: PatternDefinition): boolean {
  return pattern.info.variants.some((v) => pattern.schema(v.id).includes(WAL_ORIGIN_TABLE));
}

export function requirementsOf(patterns: readonly PatternDefinition[]): Requirements {
  const prepared = patterns.filter((p) => p.info.id === 'two-phase-commit').map((p) => p.info.id);
  const wal = patterns.filter(readsWal).map((p) => p.info.id);
  return { preparedTransactions: prepared.length > 0, logicalDecoding: wal.length > 0, why: { preparedTransactions: prepared, logicalDecoding: wal } };
}

export interface PreflightReport {
  /** "PostgreSQL 15.18 (Debian …)", for the user to see what they ran against. */
  version: string;
  versionNum: number;
  database: string;
  user: string;
  problems: string[];
  /** Facts that do not stop a run but may make it differ from PGlite. */
  notes: string[];
}

const one = async <R>(runner: SqlRunner, sql: string, params: unknown[] = []): Promise<R> => (await runner.query<R>(sql, params)).rows[0]!;

export async function preflight(runner: SqlRunner, needs: Requirements, options: { resetSchemas: boolean }): Promise<PreflightReport> {
  const problems: string[] = [];
  const notes: string[] = [];
  const info = await one<{ version: string; num: string; db: string; usr: string; can_create: boolean; superuser: boolean; replication: boolean }>(
    runner,
    `SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num, current_database() AS db, current_user AS usr,
       has_database_privilege(current_database(), 'CREATE') AS can_create, r.rolsuper AS superuser, r.rolreplication AS replication
     FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const versionNum = Number(info.num);
  if (versionNum < MIN_SERVER_VERSION_NUM) problems.push(`PostgreSQL ${info.version} is too old: the lab's SQL needs 13 or later`);
  if (!info.can_create) problems.push(`user ${info.usr} may not create schemas in database ${info.db}: GRANT CREATE ON DATABASE ${info.db} TO ${info.usr}`);

  const foreign = await foreignContents(runner);
  if (foreign.length > 0 && !options.resetSchemas) {
    problems.push(
      `database ${info.db} is not dedicated to the lab: it holds ${foreign.join('; ')}. The lab drops and recreates the schemas ${SCHEMAS.slice(0, -1).join(', ')} and ${SCHEMAS.at(-1)} on every run. ` +
        'Point --database-url at an empty database of its own (CREATE DATABASE lab), or pass --reset-schemas to let it drop and recreate its own schemas here anyway (nothing else is touched)',
    );
  }

  if (needs.preparedTransactions) {
    const max = Number((await one<{ v: string }>(runner, `SELECT current_setting('max_prepared_transactions') AS v`)).v);
    if (max <= 0) {
      problems.push(
        `${needs.why.preparedTransactions.join(', ')} uses PREPARE TRANSACTION, and this server has max_prepared_transactions = ${max} (prepared transactions are disabled). ` +
          'Set it above 0 (ALTER SYSTEM SET max_prepared_transactions = 10, or in postgresql.conf, or -c max_prepared_transactions=10) and restart the server',
      );
    }
    // The coordinator's recovery reads pg_prepared_xacts, which lists the whole cluster's.
    const elsewhere = await one<{ n: string }>(runner, `SELECT count(*) AS n FROM pg_prepared_xacts WHERE database <> current_database()`);
    if (Number(elsewhere.n) > 0) problems.push(`${elsewhere.n} prepared transaction(s) of other databases are in doubt on this server; two-phase-commit's recovery reads the cluster-wide pg_prepared_xacts and would see them. Use a server of its own`);
  }

  if (needs.logicalDecoding) {
    const wal = await one<{ level: string; slots: string; used: string }>(
      runner,
      `SELECT current_setting('wal_level') AS level, current_setting('max_replication_slots') AS slots, (SELECT count(*) FROM pg_replication_slots) AS used`,
    );
    const who = needs.why.logicalDecoding.join(', ');
    if (wal.level !== 'logical') problems.push(`${who} read changes through a logical replication slot, and this server has wal_level = ${wal.level}. Set wal_level = logical (ALTER SYSTEM SET wal_level = logical, or -c wal_level=logical) and restart the server`);
    if (!info.superuser && !info.replication) problems.push(`${who} create a replication slot, which needs the REPLICATION attribute: ALTER ROLE ${info.usr} REPLICATION`);
    const mine = await runner.query<{ plugin: string | null; here: boolean; active: boolean }>(
      `SELECT plugin, database IS NOT DISTINCT FROM current_database() AS here, active FROM pg_replication_slots WHERE slot_name = $1`,
      [LOGICAL_SLOT],
    );
    const left = mine.rows[0];
    if (left?.active) problems.push(`replication slot ${LOGICAL_SLOT} is in use by another session (another lab run against this server?); wait for it to finish, or point --database-url at a server of its own`);
    else if (left && (!left.here || left.plugin !== LOGICAL_PLUGIN)) {
      const what = left.plugin === null ? 'as a physical slot' : left.here ? `with plugin ${left.plugin}` : 'for another database';
      problems.push(`replication slot ${LOGICAL_SLOT} (the name the lab gives its own) exists ${what}; drop it (SELECT pg_drop_replication_slot('${LOGICAL_SLOT}')) if nothing needs it`);
    } else if (!left && Number(wal.used) >= Number(wal.slots)) problems.push(`${who} need a free replication slot; all ${wal.slots} (max_replication_slots) are in use`);
    // Making a logical slot waits until every transaction running on the server has finished; one in doubt never does.
    if (!left) {
      // This database's own are the lab's, rolled back before each run.
      const doubt = await one<{ n: string }>(runner, `SELECT count(*) AS n FROM pg_prepared_xacts WHERE database <> current_database()`);
      if (Number(doubt.n) > 0) problems.push(`${who} create a logical replication slot, which waits for every running transaction on the server to finish, and ${doubt.n} prepared transaction(s) of other databases are in doubt there (pg_prepared_xacts): COMMIT PREPARED or ROLLBACK PREPARED them first`);
    }
  }

  if (!info.superuser) notes.push(`not a superuser: lc_messages stays the server's, so error texts in traces may differ from PGlite's if the server's language is not English`);
  return { version: info.version, versionNum, database: info.db, user: info.usr, problems, notes };
}

/**
 * Schemas that are neither the system's nor the lab's, tables in `public`, and lab-named schemas
 * the lab did not mark as its own (someone else's `service` would be dropped).
 */
async function foreignContents(runner: SqlRunner): Promise<string[]> {
  const schemas = await runner.query<{ nspname: string; mark: string | null; tables: string }>(
    `SELECT n.nspname, obj_description(n.oid, 'pg_namespace') AS mark,
       (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')) AS tables
     FROM pg_namespace n
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
     ORDER BY n.nspname`,
  );
  const found: string[] = [];
  const others = schemas.rows.filter((s) => s.nspname !== 'public' && !(SCHEMAS as readonly string[]).includes(s.nspname)).map((s) => s.nspname);
  if (others.length > 0) found.push(`schema${others.length === 1 ? '' : 's'} ${others.join(', ')}`);
  const publicTables = Number(schemas.rows.find((s) => s.nspname === 'public')?.tables ?? 0);
  if (publicTables > 0) found.push(`${publicTables} table${publicTables === 1 ? '' : 's'} in schema public`);
  const unmarked = schemas.rows.filter((s) => (SCHEMAS as readonly string[]).includes(s.nspname) && s.mark !== LAB_SCHEMA_MARK && Number(s.tables) > 0).map((s) => s.nspname);
  if (unmarked.length > 0) found.push(`schema${unmarked.length === 1 ? '' : 's'} ${unmarked.join(', ')} with tables the lab did not make`);
  return found;
}

/** Marks the lab's schemas as its own (see {@link LAB_SCHEMA_MARK}). */
export async function markLabSchemas(runner: SqlRunner): Promise<void> {
  for (const schema of SCHEMAS) {
    const exists = await runner.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema]);
    if (exists.rows.length > 0) await runner.exec(`COMMENT ON SCHEMA ${schema} IS '${LAB_SCHEMA_MARK.replace(/'/g, "''")}'`);
  }
}

/**
 * After a run: the replication slots it made (named in `slots`, in this database) and the
 * prepared transactions it left in doubt, in this database only — `pg_prepared_xacts` is
 * cluster-wide and another database's cannot be finished from here.
 */
export async function cleanUpServer(runner: SqlRunner, slots: readonly string[]): Promise<{ slots: string[]; prepared: string[] }> {
  const dropped = await runner.query<{ slot_name: string }>(
    `SELECT slot_name, pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = current_database() AND slot_name = ANY($1::text[]) AND NOT active`,
    [[...slots]],
  );
  const prepared = await runner.query<{ gid: string }>(`SELECT gid FROM pg_prepared_xacts WHERE database = current_database() ORDER BY gid`);
  for (const { gid } of prepared.rows) await runner.exec(`ROLLBACK PREPARED '${gid.replace(/'/g, "''")}'`);
  await markLabSchemas(runner);
  return { slots: dropped.rows.map((r) => r.slot_name), prepared: prepared.rows.map((r) => r.gid) };
}

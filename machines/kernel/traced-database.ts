/**
 * Postgres as the simulation sees it: real statements on a real PGlite instance, each recorded in
 * the trace exactly as it ran, with the faults that belong to the database applied on the way.
 */
import type { ArmedFault, TableRow, TraceEntry } from './types';
import { inlineParams, oneLine, type SqlValue } from './sql-text';

/** The part of PGlite the simulation uses; PGlite satisfies it in Node, in a worker, in tests. */
export interface SqlRunner {
  query<R = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
}

export interface QueryResult<R> {
  rows: R[];
  affectedRows: number;
}

export interface Transaction {
  query<R = TableRow>(sql: string, params?: SqlValue[]): Promise<QueryResult<R>>;
}

export type DatabaseOutcome<T> =
  | { ok: true; value: T }
  /** `committed` tells the truth the caller did not get to see (commit-outcome-unknown). */
  | { ok: false; committed: boolean; error: string };

export interface TracedDatabase {
  /** BEGIN, whatever the body runs, COMMIT — or ROLLBACK when a statement fails. */
  transaction<T>(label: string, body: (tx: Transaction) => Promise<T>): Promise<DatabaseOutcome<T>>;
  /** One statement on its own (autocommit). */
  statement<R = TableRow>(label: string, sql: string, params?: SqlValue[]): Promise<DatabaseOutcome<QueryResult<R>>>;
  /**
   * Two-phase commit, phase one: BEGIN, the body, then `PREPARE TRANSACTION gid` instead of
   * COMMIT — or ROLLBACK when a statement fails. The prepared transaction keeps its locks until a
   * later `COMMIT PREPARED` / `ROLLBACK PREPARED`, whoever sends it.
   */
  prepare<T>(label: string, gid: string, body: (tx: Transaction) => Promise<T>): Promise<DatabaseOutcome<T>>;
}

export interface TraceSink {
  actor: string;
  fault: ArmedFault | undefined;
  emit(entry: Omit<TraceEntry, 'seq' | 'step' | 't'>): void;
  strike(): void;
  markMutation(): void;
}

export const DATABASE_PARTICIPANT = 'postgres';

/** What the caller hears when a `db-unavailable` fault strikes (SQLSTATE 08006 in real life). */
export const UNAVAILABLE_ERROR = 'connection refused: the database is unavailable';

/** Dates become ISO text and bigints numbers, so rows are plain JSON and compare byte for byte. */
export function normaliseRow(row: Record<string, unknown>): TableRow {
  const out: TableRow = {};
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Date) out[key] = value.toISOString();
    else if (typeof value === 'bigint') out[key] = Number(value);
    else if (value === undefined) out[key] = null;
    else if (typeof value === 'object' && value !== null) out[key] = JSON.stringify(value);
    else out[key] = value as string | number | boolean | null;
  }
  return out;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createTracedDatabase(runner: SqlRunner, sink: TraceSink): TracedDatabase {
  const commitIsAmbiguous = () => sink.fault?.kind === 'commit-unknown';

  const reply = (label: string, ok: boolean, struck: boolean) =>
    sink.emit({
      from: DATABASE_PARTICIPANT,
      to: sink.actor,
      kind: ok ? 'reply' : 'error',
      label,
      ok,
      ...(struck && sink.fault ? { fault: sink.fault } : {}),
    });

  /** A transient outage: the connection is refused before anything runs, so nothing is written. */
  function refuseWhenUnavailable(label: string, sql: string[]): DatabaseOutcome<never> | null {
    if (sink.fault?.kind !== 'db-unavailable') return null;
    sink.strike();
    sink.emit({ from: sink.actor, to: DATABASE_PARTICIPANT, kind: 'sql', label, sql, ok: false, fault: sink.fault });
    reply(`ERROR: ${UNAVAILABLE_ERROR}`, false, true);
    return { ok: false, committed: false, error: UNAVAILABLE_ERROR };
  }

  async function inTransaction<T>(label: string, body: (tx: Transaction) => Promise<T>, finish: string, finishedReply: string): Promise<DatabaseOutcome<T>> {
    const refused = refuseWhenUnavailable(label, ['BEGIN']);
    if (refused) return refused;
    const statements: string[] = ['BEGIN'];
    const tx: Transaction = {
      async query(sql, params = []) {
        statements.push(inlineParams(oneLine(sql), params));
        const result = await runner.query(sql, params);
        return {
          rows: result.rows.map((r) => normaliseRow(r as Record<string, unknown>)) as never[],
          affectedRows: result.affectedRows ?? 0,
        };
      },
    };
    await runner.exec('BEGIN');
    let value: Awaited<ReturnType<typeof body>>;
    try {
      value = await body(tx);
    } catch (error) {
      await runner.exec('ROLLBACK');
      statements.push('ROLLBACK');
      const rejectedByFault = sink.fault?.kind === 'db-write-fails';
      if (rejectedByFault) sink.strike();
      sink.emit({
        from: sink.actor,
        to: DATABASE_PARTICIPANT,
        kind: 'sql',
        label,
        sql: statements,
        ok: false,
        ...(rejectedByFault ? { fault: sink.fault! } : {}),
      });
      reply(`ERROR: ${errorText(error)}`, false, rejectedByFault);
      return { ok: false, committed: false, error: errorText(error) };
    }
    await runner.exec(finish);
    statements.push(finish);
    sink.markMutation();
    sink.emit({ from: sink.actor, to: DATABASE_PARTICIPANT, kind: 'sql', label, sql: statements, ok: true });
    if (commitIsAmbiguous()) {
      sink.strike();
      reply(`connection lost during ${finish}: outcome unknown`, false, true);
      return { ok: false, committed: true, error: `connection lost during ${finish}` };
    }
    reply(finishedReply, true, false);
    return { ok: true, value };
  }

  return {
    transaction(label, body) {
      return inTransaction(label, body, 'COMMIT', 'COMMIT ok');
    },

    prepare(label, gid, body) {
      return inTransaction(label, body, `PREPARE TRANSACTION '${gid.replace(/'/g, "''")}'`, `prepared '${gid}': in doubt, locks held`);
    },

    async statement(label, sql, params = []) {
      const shown = inlineParams(oneLine(sql), params);
      const refused = refuseWhenUnavailable(label, [shown]);
      if (refused) return refused;
      let result: { rows: unknown[]; affectedRows?: number };
      try {
        result = await runner.query(sql, params);
      } catch (error) {
        sink.emit({ from: sink.actor, to: DATABASE_PARTICIPANT, kind: 'sql', label, sql: [shown], ok: false });
        reply(`ERROR: ${errorText(error)}`, false, false);
        return { ok: false, committed: false, error: errorText(error) };
      }
      const affectedRows = result.affectedRows ?? 0;
      const writes = !/^\s*select/i.test(sql);
      if (writes && affectedRows > 0) sink.markMutation();
      sink.emit({ from: sink.actor, to: DATABASE_PARTICIPANT, kind: 'sql', label, sql: [shown], ok: true });
      if (writes && commitIsAmbiguous()) {
        sink.strike();
        reply('connection lost: outcome unknown', false, true);
        return { ok: false, committed: true, error: 'connection lost before the reply' };
      }
      const rows = result.rows.map((r) => normaliseRow(r as Record<string, unknown>));
      reply(writes ? `${affectedRows} row${affectedRows === 1 ? '' : 's'} updated` : `${rows.length} row${rows.length === 1 ? '' : 's'}`, true, false);
      return { ok: true, value: { rows: rows as never[], affectedRows } };
    },
  };
}

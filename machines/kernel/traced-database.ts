/**
 * Postgres as the simulation sees it: real statements on a real PGlite instance, each recorded in
 * the trace exactly as it ran, with the faults that belong to the database applied on the way.
 */
import type { ArmedFault, TableRow, TraceEntry } from './types';
import type { FaultKind } from './vocabulary';
import { inlineParams, oneLine, type SqlValue } from './sql-text';

/** The part of PGlite the simulation uses; PGlite satisfies it in Node, in a worker, in tests. */
export interface SqlRunner {
  query<R = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
  /**
   * Calls `listener` for every NOTIFY Postgres delivers to this session (after `LISTEN`), until
   * the returned function is called. PGlite has it; the lab asks only around a commit, the one
   * moment Postgres delivers a transaction's notifications.
   */
  onNotification?(listener: (channel: string, payload: string) => void): () => void;
  /** Drops what the runner keeps about statements (prepared ones) once the tables were made anew. */
  forgetPrepared?(): Promise<void>;
}

/** A notification Postgres delivered when a transaction committed (LISTEN / NOTIFY). */
export interface Notification {
  channel: string;
  payload: string;
}

export interface QueryResult<R> {
  rows: R[];
  affectedRows: number;
}

export interface Transaction {
  query<R = TableRow>(sql: string, params?: SqlValue[]): Promise<QueryResult<R>>;
}

export type DatabaseOutcome<T> =
  | { ok: true; value: T; notifications?: readonly Notification[] }
  /** `committed` tells the truth the caller did not get to see (commit-outcome-unknown). */
  | { ok: false; committed: boolean; error: string; notifications?: readonly Notification[] };

/** Whose session a transaction runs in, when not the stepping participant's own. */
export interface SessionOptions {
  /**
   * The participant that owns the session: a passive service the stepping participant called
   * directly (a saga's stock service), whose own transaction this is. The trace shows it talking
   * to Postgres; faults are still those armed at the caller's step.
   */
  by?: string;
}

export interface TracedDatabase {
  /** BEGIN, whatever the body runs, COMMIT — or ROLLBACK when a statement fails. */
  transaction<T>(label: string, body: (tx: Transaction) => Promise<T>, options?: SessionOptions): Promise<DatabaseOutcome<T>>;
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
  /**
   * The fault of this kind armed at this step, if any. Ask at the very place where the kind takes
   * effect (the commit, the publish): asking records that the kind had its chance at this step,
   * and a step lists only the kinds that had theirs, so every listed fault point strikes.
   */
  armed(kind: FaultKind): ArmedFault | undefined;
  /**
   * The fault of this kind that an earlier `armed` call at this step handed out, if any: for code
   * that reports a consequence of the fault (the write it made fail), not where it takes effect.
   * Records nothing.
   */
  inEffect(kind: FaultKind): ArmedFault | undefined;
  emit(entry: Omit<TraceEntry, 'seq' | 'step' | 't'>): void;
  strike(): void;
  markMutation(): void;
  /** Postgres refused a row lock that another transaction holds (SQLSTATE 55P03); called right after the error reply is emitted. */
  lockRefused(): void;
}

/** SQLSTATE `lock_not_available`: what `FOR UPDATE NOWAIT` answers on a row another transaction holds. */
const LOCK_NOT_AVAILABLE = '55P03';

function isLockRefusal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === LOCK_NOT_AVAILABLE;
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

/** Asks about every kind, so each is recorded as having had its chance, and answers the one armed. */
export function armedOneOf(sink: Pick<TraceSink, 'armed'>, kinds: readonly FaultKind[]): ArmedFault | undefined {
  const answers = kinds.map((kind) => sink.armed(kind));
  return answers.find((fault) => fault !== undefined);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createTracedDatabase(runner: SqlRunner, sink: TraceSink): TracedDatabase {
  const reply = (label: string, ok: boolean, struck: ArmedFault | undefined, actor = sink.actor) =>
    sink.emit({
      from: DATABASE_PARTICIPANT,
      to: actor,
      kind: ok ? 'reply' : 'error',
      label,
      ok,
      ...(struck ? { fault: struck } : {}),
    });

  /** A transient outage: the connection is refused before anything runs, so nothing is written. */
  function refuseWhenUnavailable(label: string, sql: string[], actor = sink.actor): DatabaseOutcome<never> | null {
    const unavailable = sink.armed('db-unavailable');
    if (!unavailable) return null;
    sink.strike();
    sink.emit({ from: actor, to: DATABASE_PARTICIPANT, kind: 'sql', label, sql, ok: false, fault: unavailable });
    reply(`ERROR: ${UNAVAILABLE_ERROR}`, false, unavailable, actor);
    return { ok: false, committed: false, error: UNAVAILABLE_ERROR };
  }

  async function inTransaction<T>(label: string, body: (tx: Transaction) => Promise<T>, finish: string, finishedReply: string, actor = sink.actor): Promise<DatabaseOutcome<T>> {
    const refused = refuseWhenUnavailable(label, ['BEGIN'], actor);
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
      // The operation asked for `db-write-fails` where it wrote the order; the rejection is its consequence.
      const rejectedByFault = sink.inEffect('db-write-fails');
      if (rejectedByFault) sink.strike();
      sink.emit({
        from: actor,
        to: DATABASE_PARTICIPANT,
        kind: 'sql',
        label,
        sql: statements,
        ok: false,
        ...(rejectedByFault ? { fault: rejectedByFault } : {}),
      });
      reply(`ERROR: ${errorText(error)}`, false, rejectedByFault, actor);
      if (isLockRefusal(error)) sink.lockRefused();
      return { ok: false, committed: false, error: errorText(error) };
    }
    // Postgres hands a transaction's notifications to the listening sessions as it commits, and
    // never when it rolls back: what this commit delivered is what was heard during it.
    const notifications: Notification[] = [];
    const stopListening = runner.onNotification?.((channel, payload) => notifications.push({ channel, payload }));
    try {
      await runner.exec(finish);
    } finally {
      stopListening?.();
    }
    const heard = notifications.length > 0 ? { notifications } : {};
    statements.push(finish);
    sink.markMutation();
    sink.emit({ from: actor, to: DATABASE_PARTICIPANT, kind: 'sql', label, sql: statements, ok: true });
    const ambiguous = sink.armed('commit-unknown');
    if (ambiguous) {
      sink.strike();
      reply(`connection lost during ${finish}: outcome unknown`, false, ambiguous, actor);
      return { ok: false, committed: true, error: `connection lost during ${finish}`, ...heard };
    }
    reply(finishedReply, true, undefined, actor);
    return { ok: true, value, ...heard };
  }

  return {
    transaction(label, body, options) {
      return inTransaction(label, body, 'COMMIT', 'COMMIT ok', options?.by);
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
        reply(`ERROR: ${errorText(error)}`, false, undefined);
        if (isLockRefusal(error)) sink.lockRefused();
        return { ok: false, committed: false, error: errorText(error) };
      }
      const affectedRows = result.affectedRows ?? 0;
      const writes = !/^\s*select/i.test(sql);
      if (writes && affectedRows > 0) sink.markMutation();
      sink.emit({ from: sink.actor, to: DATABASE_PARTICIPANT, kind: 'sql', label, sql: [shown], ok: true });
      const ambiguous = writes ? sink.armed('commit-unknown') : undefined;
      if (ambiguous) {
        sink.strike();
        reply('connection lost: outcome unknown', false, ambiguous);
        return { ok: false, committed: true, error: 'connection lost before the reply' };
      }
      const rows = result.rows.map((r) => normaliseRow(r as Record<string, unknown>));
      // A utility statement (LISTEN) answers with its command tag, as psql shows it, not a row count.
      const tag = /^\s*(un)?listen\b/i.exec(sql)?.[0].trim().toUpperCase();
      reply(tag ?? (writes ? `${affectedRows} row${affectedRows === 1 ? '' : 's'} updated` : `${rows.length} row${rows.length === 1 ? '' : 's'}`), true, undefined);
      return { ok: true, value: { rows: rows as never[], affectedRows } };
    },
  };
}

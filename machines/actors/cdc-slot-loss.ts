/**
 * A replication slot that held on to more WAL than Postgres lets it keep: `max_slot_wal_keep_size`
 * (PostgreSQL 13+, default -1: no limit). At a checkpoint Postgres invalidates any slot whose
 * restart_lsn lies further back than that, removes the WAL, and shows the slot with
 * `wal_status = lost` (`invalidation_reason = wal_removed` from PostgreSQL 17). Nothing can be read
 * from it again; a connector that used it has lost everything in between unless a new snapshot
 * finds it in the tables.
 *
 * Tried for real on PGlite first (0.5.16, PostgreSQL 18.6): started with
 * `-c max_slot_wal_keep_size=1MB`, a slot made with `pg_create_physical_replication_slot('cdc',
 * true)`, three `pg_switch_wal()` and a `CHECKPOINT`, the slot really went to `wal_status = lost`
 * with `invalidation_reason = wal_removed`, restart_lsn NULL, and `pg_replication_slot_advance`
 * answered "can no longer access replication slot". PGlite invalidates slots as Postgres does.
 * The lab still cannot use that, for three reasons:
 * - the setting has context `sighup`: `SET` refuses it ("cannot be changed now") and PGlite cannot
 *   reload its configuration (`pg_reload_conf()` returns false: there is no postmaster to signal),
 *   so it can only be given when the instance starts, for every run of every pattern;
 * - one lab instance is shared by all patterns, and other patterns write many segments of WAL
 *   between two CDC runs: with a small limit, the next checkpoint would invalidate the slot every
 *   CDC run then starts from;
 * - the cross-check runs the same scenarios on a real server, whose setting (default -1) the lab
 *   must not change (ALTER SYSTEM is server-wide, and other slots live there).
 * So the lab decides the invalidation the way the checkpointer does, from real numbers: the WAL
 * the slot really retains (`pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)`) against the
 * lab's limit, at a checkpoint step, and records it in `service.cdc_slot_loss`. What follows is
 * real again: the connector finds its slot unusable and stops, an operator drops the slot with
 * `pg_drop_replication_slot`, and the connector makes a new one where the WAL is now. The WAL the
 * slot held is not really removed (the lab's slot still holds it, as the inspection says), and
 * Postgres would compare whole 16 MB segments where the lab compares bytes.
 */
import { setup } from 'xstate';
import type { DatabaseOutcome, SqlRunner, TracedDatabase } from '../kernel/traced-database';
import type { Operation, ProcessSpec } from '../kernel/pattern';
import type { TableRow, TableSnapshot } from '../kernel/types';
import { LOGICAL_PLUGIN, type DecoderName } from './logical-decoder';
import { CHANGE_SOURCES } from './change-source';

/** The lab's `max_slot_wal_keep_size`: 1 MB, the smallest limit the setting (in MB) can state. */
export const LAB_MAX_SLOT_WAL_KEEP_SIZE_MB = 1;
const LIMIT_BYTES = LAB_MAX_SLOT_WAL_KEEP_SIZE_MB * 1024 * 1024;

/** Where the lab keeps the checkpointer's verdict (Postgres keeps it in the slot itself). */
export const SLOT_LOSS_TABLE_NAME = 'service.cdc_slot_loss';
export const SLOT_LOSS_TABLE = `CREATE TABLE ${SLOT_LOSS_TABLE_NAME} (
  slot_name text PRIMARY KEY,
  retained_bytes bigint NOT NULL,
  limit_bytes bigint NOT NULL
)`;

export const CHECKPOINTER_PARTICIPANT = 'checkpointer';

export interface SlotStatus {
  exists: boolean;
  lost: boolean;
  /** Where the slot streams from (a logical slot's confirmed position), relative to the run's start. */
  restartPos: number | null;
}

/** The connector's slot as Postgres shows it, with the lab's invalidation on top. */
export async function slotStatus(db: TracedDatabase, decoder: DecoderName): Promise<DatabaseOutcome<SlotStatus>> {
  const slot = CHANGE_SOURCES[decoder].slot;
  const result = await db.statement<{ slot_name: string | null; wal_status: string | null; restart_pos: number | null }>(
    `look up slot ${slot} (pg_replication_slots)`,
    // A logical slot's restart_lsn can lie before the position it confirmed; where it streams from is the latter.
    `SELECT s.slot_name, coalesce(l.wal_status, s.wal_status) AS wal_status, pg_wal_lsn_diff(coalesce(s.confirmed_flush_lsn, s.restart_lsn), o.origin_lsn)::int AS restart_pos
     FROM service.wal_origin o
     LEFT JOIN pg_replication_slots s ON s.slot_name = $1
     LEFT JOIN (SELECT slot_name, 'lost' AS wal_status FROM ${SLOT_LOSS_TABLE_NAME}) l ON l.slot_name = $1`,
    [slot],
  );
  if (!result.ok) return result;
  const row = result.value.rows[0];
  const exists = row?.slot_name != null;
  return {
    ok: true,
    value: { exists, lost: exists && row?.wal_status === 'lost', restartPos: exists && row?.restart_pos != null ? Number(row.restart_pos) : null },
  };
}

/**
 * A new slot where the WAL is now, as Debezium makes one when it finds none: a logical slot starts
 * at its consistent point; the lab's physical slot would start at the last checkpoint's redo
 * point, so it is moved up to the current position. One statement for both decoders (the run's
 * decoder picks the branch), so PGlite and a server send the same SQL. Returns that position.
 */
export async function createSlotHere(db: TracedDatabase, decoder: DecoderName): Promise<DatabaseOutcome<number>> {
  const slot = CHANGE_SOURCES[decoder].slot;
  const made = await db.statement<{ pos: number }>(
    `create slot ${slot} at the current WAL position`,
    `SELECT pg_wal_lsn_diff(CASE o.decoder
         WHEN '${LOGICAL_PLUGIN}' THEN (SELECT c.lsn FROM pg_create_logical_replication_slot($1, '${LOGICAL_PLUGIN}') c WHERE o.origin_lsn IS NOT NULL)
         ELSE (SELECT a.end_lsn FROM pg_create_physical_replication_slot($1, true) p, pg_replication_slot_advance(p.slot_name, pg_current_wal_lsn()) a WHERE o.origin_lsn IS NOT NULL)
       END, o.origin_lsn)::int AS pos
     FROM service.wal_origin o`,
    [slot],
  );
  return made.ok ? { ok: true, value: Number(made.value.rows[0]!.pos) } : made;
}

/** What an operator does with a lost slot: drop it (Postgres forgets its invalidation with it). */
export async function dropLostSlot(db: TracedDatabase, slot: string): Promise<DatabaseOutcome<unknown>> {
  const dropped = await db.statement(`drop slot ${slot}`, 'SELECT pg_drop_replication_slot($1)', [slot]);
  if (!dropped.ok) return dropped;
  return db.statement('forget the invalidation', `DELETE FROM ${SLOT_LOSS_TABLE_NAME} WHERE slot_name = $1`, [slot]);
}

/**
 * Before each run: no invalidation carried over. TRUNCATE, not DELETE: a fresh file, so the
 * run's insert into it logs the same record every time (a reused page would log another).
 */
export async function clearSlotLoss(runner: SqlRunner): Promise<void> {
  await runner.exec(`TRUNCATE ${SLOT_LOSS_TABLE_NAME}`);
}

/** The slot inspection as a slot that can be lost shows it: the lab's verdict in place of Postgres'. */
export async function withSlotLoss(runner: SqlRunner, inspection: TableSnapshot): Promise<TableSnapshot> {
  const lost = await runner.query<{ slot_name: string; retained_bytes: number; limit_bytes: number }>(`SELECT slot_name, retained_bytes, limit_bytes FROM ${SLOT_LOSS_TABLE_NAME}`);
  const verdict = lost.rows[0];
  const note =
    `${inspection.note} max_slot_wal_keep_size is -1 (no limit) by default (PostgreSQL 13+); the lab's is ${LAB_MAX_SLOT_WAL_KEEP_SIZE_MB} MB. ` +
    (verdict
      ? `At the checkpoint the slot retained ${Number(verdict.retained_bytes)} bytes, over ${Number(verdict.limit_bytes)}: Postgres would show it as lost with restart_lsn NULL and remove its WAL. The lab decides this itself (see cdc-slot-loss.ts) and leaves the WAL in place.`
      : 'A checkpoint invalidates a slot that retains more than that.');
  const rows: TableRow[] = inspection.rows.map((r) => (verdict && r.slot_name === verdict.slot_name ? { ...r, wal_status: 'lost', restart_lsn: null } : r));
  return { ...inspection, note, rows };
}

interface CheckpointerContext {
  at: number;
}

/** The run's slot, whichever decoder reads it, named in the SQL so both sides send the same text. */
const RUN_SLOT = `CASE o.decoder WHEN '${LOGICAL_PLUGIN}' THEN '${CHANGE_SOURCES[LOGICAL_PLUGIN].slot}' ELSE '${CHANGE_SOURCES.pg_walinspect.slot}' END`;

/**
 * Postgres' checkpointer, once, at `at` (real Postgres checkpoints every checkpoint_timeout, 5 min
 * by default, or sooner when max_wal_size fills). Its only part in the story: deciding whether the
 * connector's slot keeps more WAL than max_slot_wal_keep_size allows. No CHECKPOINT statement is
 * sent: on a server it needs superuser or pg_checkpoint, and the lab's verdict does not need one.
 */
export function checkpointerProcess(at: number): ProcessSpec {
  const machine = setup({ types: { context: {} as CheckpointerContext, events: {} as { type: 'CHECKPOINTED' } } }).createMachine({
    id: CHECKPOINTER_PARTICIPANT,
    context: { at },
    initial: 'waiting',
    states: {
      waiting: { meta: { op: 'checkpoint', notBefore: (context: CheckpointerContext) => context.at }, on: { CHECKPOINTED: 'done' } },
      done: { tags: ['idle'] },
    },
  });
  const checkpoint: Operation<CheckpointerContext> = {
    faults: [],
    crashable: false,
    latencyMs: 2,
    intent: () => 'checkpointing',
    async run(ctx) {
      // Measured and decided in one statement, from the WAL the slot really retains.
      const invalidated = await ctx.db.statement<{ slot_name: string }>(
        'checkpoint: invalidate the slot if it retains more WAL than max_slot_wal_keep_size',
        `INSERT INTO ${SLOT_LOSS_TABLE_NAME} (slot_name, retained_bytes, limit_bytes)
         SELECT s.slot_name, pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn), $1::bigint
         FROM service.wal_origin o JOIN pg_replication_slots s ON s.slot_name = ${RUN_SLOT}
         WHERE pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn) > $1::bigint
         RETURNING slot_name`,
        [LIMIT_BYTES],
      );
      const slot = invalidated.ok ? invalidated.value.rows[0]?.slot_name : undefined;
      if (!slot) {
        return { event: { type: 'CHECKPOINTED' }, caption: `Postgres checkpoints; the slot keeps under ${LAB_MAX_SLOT_WAL_KEEP_SIZE_MB} MB of WAL.` };
      }
      ctx.emit({ from: ctx.actor, to: ctx.actor, kind: 'error', label: `slot ${slot}: wal_status = lost, its WAL removed`, ok: false });
      return { event: { type: 'CHECKPOINTED' }, caption: `Postgres checkpoints: slot ${slot} keeps over ${LAB_MAX_SLOT_WAL_KEEP_SIZE_MB} MB of WAL: lost.` };
    },
  };
  return { id: CHECKPOINTER_PARTICIPANT, machine, operations: { checkpoint } };
}

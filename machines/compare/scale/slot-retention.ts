/**
 * The WAL an idle replication slot makes the server keep. A CDC connector captures the outbox
 * only; other tables keep changing. A slot is confirmed only as far as the connector confirms,
 * and a connector that confirms only what it emits never moves while its tables are quiet, so the
 * server keeps every byte of WAL since. Debezium's answer is a heartbeat: write a row to a
 * captured table (`heartbeat.action.query`) and confirm the position of that event. Here the
 * confirmation is `pg_replication_slot_advance` to the current position, after the heartbeat row.
 */
import type { SqlRunner } from '../../kernel/traced-database';
import { one, SCALE_SCHEMA } from './server';
import type { SlotMeasures, SlotPoint } from './types';

/** A name no other part of the lab uses, so a leftover from a broken run is recognisably ours. */
export const SCALE_SLOT = 'dual_write_lab_scale_idle';

const UNCAPTURED = `${SCALE_SCHEMA}.inventory_moves`;
const HEARTBEAT = `${SCALE_SCHEMA}.connector_heartbeat`;

export interface SlotPlan {
  batches: number;
  rowsPerBatch: number;
  step: (label: string) => void;
}

export async function dropScaleSlot(runner: SqlRunner): Promise<void> {
  await runner.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [SCALE_SLOT]);
}

async function retained(runner: SqlRunner, changedRows: number): Promise<SlotPoint> {
  const row = await one<{ bytes: number; status: string }>(
    runner,
    `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 AS bytes, wal_status AS status
       FROM pg_replication_slots WHERE slot_name = $1`,
    [SCALE_SLOT],
  );
  return { changedRows, retainedBytes: row.bytes, walStatus: row.status };
}

async function advanceToNow(runner: SqlRunner): Promise<void> {
  await runner.query('SELECT pg_replication_slot_advance($1, pg_current_wal_lsn())', [SCALE_SLOT]);
}

async function idleSlotRun(runner: SqlRunner, plan: SlotPlan, heartbeat: boolean): Promise<SlotPoint[]> {
  await runner.query('SELECT pg_create_physical_replication_slot($1, true)', [SCALE_SLOT]);
  try {
    // A new physical slot reserves WAL from the last checkpoint's redo point; a connector that
    // has caught up starts from the current position, so both runs start at zero.
    await advanceToNow(runner);
    const points = [await retained(runner, 0)];
    for (let batch = 1; batch <= plan.batches; batch++) {
      await runner.query(`INSERT INTO ${UNCAPTURED} (sku, delta) SELECT 'sku-' || g, 1 FROM generate_series(1, $1::int) AS g`, [plan.rowsPerBatch]);
      if (heartbeat) {
        await runner.query(`INSERT INTO ${HEARTBEAT} (id, beat_at) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET beat_at = excluded.beat_at`);
        await advanceToNow(runner);
      }
      points.push(await retained(runner, batch * plan.rowsPerBatch));
      plan.step(`${heartbeat ? 'With' : 'Without'} a heartbeat: batch ${batch} of ${plan.batches}`);
    }
    return points;
  } finally {
    await dropScaleSlot(runner);
  }
}

export async function measureSlotRetention(runner: SqlRunner, plan: SlotPlan): Promise<SlotMeasures> {
  await runner.exec(`CREATE TABLE ${UNCAPTURED} (id serial PRIMARY KEY, sku text NOT NULL, delta integer NOT NULL)`);
  await runner.exec(`CREATE TABLE ${HEARTBEAT} (id integer PRIMARY KEY, beat_at timestamptz NOT NULL)`);
  const withoutHeartbeat = await idleSlotRun(runner, plan, false);
  const withHeartbeat = await idleSlotRun(runner, plan, true);
  await runner.exec(`DROP TABLE ${UNCAPTURED}, ${HEARTBEAT}`);
  return { slotKind: 'physical', batches: plan.batches, rowsPerBatch: plan.rowsPerBatch, withoutHeartbeat, withHeartbeat };
}

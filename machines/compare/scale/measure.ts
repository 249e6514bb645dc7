/**
 * Runs the three measurements of operations at scale on a Postgres the caller started
 * (`startLabPostgres()`): the relay's poll as the outbox grows, housekeeping by DELETE against
 * dropping partitions, and the WAL an idle replication slot retains. Everything it creates is in
 * the `scale` schema plus one replication slot, and both are gone when it returns or throws: a
 * leftover slot would keep WAL and skew the lab's own WAL views.
 */
import type { SqlRunner } from '../../kernel/traced-database';
import { measureHousekeeping } from './housekeeping';
import { measureOutboxPoll } from './outbox-poll';
import { clockStepMs, now, readFacts, SCALE_SCHEMA, throwIfAborted, walInspectSchema } from './server';
import { dropScaleSlot, measureSlotRetention } from './slot-retention';
import type { ScaleMeasures, ScaleOptions } from './types';

export const SCALE_DEFAULTS = {
  pollSizes: [100, 500, 1_000, 10_000, 100_000],
  unpublishedRows: 10,
  repetitions: 7,
  housekeepingRows: 100_000,
  housekeepingDays: 10,
  slotBatches: 10,
  rowsPerBatch: 1_000,
} as const;

const HOUSEKEEPING_STEPS = 4;

function checkOptions(o: Required<Omit<ScaleOptions, 'onProgress' | 'signal'>>): void {
  const whole = (n: number) => Number.isInteger(n) && n > 0;
  if (o.pollSizes.length === 0 || !o.pollSizes.every(whole)) throw new Error('pollSizes must be whole numbers above zero');
  if (o.pollSizes.some((n, i) => i > 0 && n <= o.pollSizes[i - 1]!)) throw new Error('pollSizes must ascend: the outbox only grows');
  for (const key of ['unpublishedRows', 'repetitions', 'housekeepingRows', 'slotBatches', 'rowsPerBatch'] as const) {
    if (!whole(o[key])) throw new Error(`${key} must be a whole number above zero`);
  }
  if (!Number.isInteger(o.housekeepingDays) || o.housekeepingDays < 2) throw new Error('housekeepingDays must be 2 or more: one day is kept');
  // The rows still waiting for the relay must all fall on the last day, the one that is kept.
  if (o.housekeepingRows / o.housekeepingDays < o.unpublishedRows) throw new Error('a day must hold at least unpublishedRows rows');
}

export async function measureScale(runner: SqlRunner, options: ScaleOptions): Promise<ScaleMeasures> {
  const o = { ...SCALE_DEFAULTS, ...options };
  checkOptions(o);
  const total = o.pollSizes.length * 2 + HOUSEKEEPING_STEPS + o.slotBatches * 2;
  let done = 0;
  const step = (label: string) => {
    done += 1;
    o.onProgress?.(done, total, label);
    throwIfAborted(o.signal);
  };

  throwIfAborted(o.signal);
  const started = now();
  await removeScaleObjects(runner);
  try {
    await runner.exec(`CREATE SCHEMA ${SCALE_SCHEMA}; CREATE TABLE ${SCALE_SCHEMA}.wal_flush (id serial PRIMARY KEY)`);
    const inspect = await walInspectSchema(runner);
    const postgres = await readFacts(runner);
    const poll = await measureOutboxPoll(runner, { sizes: o.pollSizes, unpublished: o.unpublishedRows, repetitions: o.repetitions, step });
    const housekeeping = await measureHousekeeping(runner, inspect, {
      rows: o.housekeepingRows,
      days: o.housekeepingDays,
      unpublished: o.unpublishedRows,
      step,
    });
    const slot = await measureSlotRetention(runner, { batches: o.slotBatches, rowsPerBatch: o.rowsPerBatch, step });
    return {
      format: 1,
      where: o.where,
      measuredAt: new Date().toISOString(),
      elapsedMs: Math.round(now() - started),
      clockStepMs: clockStepMs(),
      postgres,
      poll,
      housekeeping,
      slot,
    };
  } finally {
    await removeScaleObjects(runner);
  }
}

/** The slot and the schema (with pg_walinspect if this measurement created it there). */
export async function removeScaleObjects(runner: SqlRunner): Promise<void> {
  await dropScaleSlot(runner);
  await runner.exec(`DROP SCHEMA IF EXISTS ${SCALE_SCHEMA} CASCADE`);
}

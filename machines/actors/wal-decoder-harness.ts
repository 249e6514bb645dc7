/**
 * For the decoder's tests: the CDC connector's loop without its statechart, on a lab database.
 * Each poll reads from the stored (confirmed) position, "publishes" what committed, stores the
 * batch's end, and moves the slot to where the next read must begin — what cdc-connector.ts does.
 */
import { createTracedDatabase, type TraceSink } from '../kernel/traced-database';
import { CHANGE_SOURCES } from './change-source';
import type { DecoderName } from './logical-decoder';
import { OUTBOX_TABLE, type LabDatabase } from './postgres';
import { describeTables, prepareWalRun, WAL_ORIGIN_TABLE, type StoredTuple } from './wal';
import type { ChangeBatch } from './wal-decoder';

export const OUTBOX = 'service.outbox';
export const quiet: TraceSink = { actor: 'connector', armed: () => undefined, inEffect: () => undefined, emit() {}, strike() {}, markMutation() {}, lockRefused() {} };

/** An outbox INSERT for `event`, as the services write it. */
export const outboxRow = (event: string) =>
  `INSERT INTO ${OUTBOX} (event_id, aggregate_type, aggregate_id, event_type, payload, created_at) VALUES ('${event}', 'Order', '1', 'OrderPlaced', '{}', '2026-01-01T00:00:00Z')`;

/** A fresh run: the outbox and the WAL origin made, the slot moved up to the run's start. */
export async function freshOutboxRun(db: LabDatabase): Promise<void> {
  await db.reset([WAL_ORIGIN_TABLE, OUTBOX_TABLE], ['service.wal_origin', OUTBOX]);
  await prepareWalRun(db.runner);
}

export interface ConnectorLoop {
  /** Event ids of the outbox inserts published, in order, duplicates included. */
  published: string[];
  /** Relative xids the decoder reported rolled back, in order. */
  rolledBack: number[];
  poll(): Promise<ChangeBatch>;
  /** The position stored after the last batch that published something. */
  stored(): number;
  /** The slot's restart_lsn, relative to the run's start: the WAL Postgres keeps for the connector. */
  slotRestart(): Promise<number>;
  /** A logical slot's confirmed_flush_lsn, relative (null for the physical slot, which has none). */
  slotConfirmed(): Promise<number | null>;
}

/** The loop on `db`, resuming at `stored` (0: the run's start), reading through `decoder`. */
export async function connectorLoop(db: LabDatabase, stored = 0, decoder: DecoderName = 'pg_walinspect'): Promise<ConnectorLoop> {
  const traced = createTracedDatabase(db.runner, quiet);
  const tables = await describeTables(traced, [OUTBOX]);
  if (!tables.ok) throw new Error(tables.error);
  const source = CHANGE_SOURCES[decoder];
  const published: string[] = [];
  const rolledBack: number[] = [];
  let images: Record<string, StoredTuple> = {};
  return {
    published,
    rolledBack,
    async poll() {
      const batch = await source.read(traced, stored, tables.value, images);
      if (!batch.ok) throw new Error(batch.error);
      const { committed, end, restart } = batch.value;
      rolledBack.push(...batch.value.rolledBack);
      if (committed.length === 0) return batch.value;
      published.push(...committed.filter((c) => c.op === 'c').map((c) => String(c.after!.event_id)));
      stored = end;
      images = batch.value.images;
      await source.advance(traced, restart);
      return batch.value;
    },
    stored: () => stored,
    slotRestart: async () => (await slot()).restart,
    slotConfirmed: async () => (await slot()).confirmed,
  };

  async function slot() {
    const r = await db.runner.query<{ restart: number; confirmed: number | null }>(
      `SELECT pg_wal_lsn_diff(s.restart_lsn, o.origin_lsn)::int AS restart, pg_wal_lsn_diff(s.confirmed_flush_lsn, o.origin_lsn)::int AS confirmed
       FROM pg_replication_slots s, service.wal_origin o WHERE s.slot_name = $1`,
      [source.slot],
    );
    const row = r.rows[0]!;
    return { restart: Number(row.restart), confirmed: row.confirmed == null ? null : Number(row.confirmed) };
  }
}

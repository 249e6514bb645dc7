/**
 * Where the CDC connector gets its changes, behind one small interface so its statechart does not
 * care: on PGlite, raw WAL records of a physical slot decoded by the lab (pg_walinspect,
 * wal-decoder.ts); on a real server, a logical slot read through test_decoding
 * (logical-decoder.ts), as a real connector reads one. Which one a run uses is decided by the
 * runner when the run is prepared (`decoderOf`), kept in `service.wal_origin`, and read by the
 * connector when it connects.
 */
import type { DatabaseOutcome, TracedDatabase } from '../kernel/traced-database';
import { LOGICAL_PLUGIN, LOGICAL_SLOT, readLogical, type DecoderName } from './logical-decoder';
import { showPos, SLOT_NAME, type CapturedTable, type StoredTuple } from './wal';
import { readWalinspect, type ChangeBatch } from './wal-decoder';

export interface ChangeSource {
  decoder: DecoderName;
  /** The replication slot the connector confirms its position to. */
  slot: string;
  /** What an empty read says: nothing at all past the connector's position. */
  nothingNew: string;
  /** Everything committed (and, for pg_walinspect, everything logged) past `from`, decoded. */
  read(db: TracedDatabase, from: number, tables: CapturedTable[], images: Record<string, StoredTuple>): Promise<DatabaseOutcome<ChangeBatch>>;
  /** Confirms `pos` to the slot: Postgres may recycle the WAL before it. */
  advance(db: TracedDatabase, pos: number): Promise<unknown>;
}

/** `pg_replication_slot_advance` takes an LSN; the lab's positions are offsets from the run's origin. */
const advanceTo = (slot: string) => (db: TracedDatabase, pos: number) =>
  db.statement(`advance slot ${slot} to ${showPos(pos)}`, `SELECT slot_name FROM service.wal_origin o, pg_replication_slot_advance('${slot}', o.origin_lsn + $1::numeric)`, [pos]);

export const CHANGE_SOURCES: Record<DecoderName, ChangeSource> = {
  pg_walinspect: {
    decoder: 'pg_walinspect',
    slot: SLOT_NAME,
    nothingNew: 'The connector finds no new WAL records.',
    read: readWalinspect,
    advance: advanceTo(SLOT_NAME),
  },
  [LOGICAL_PLUGIN]: {
    decoder: LOGICAL_PLUGIN,
    slot: LOGICAL_SLOT,
    nothingNew: 'The connector finds no new transactions in its slot.',
    read: (db, from, tables) => readLogical(db, from, tables),
    advance: advanceTo(LOGICAL_SLOT),
  },
};

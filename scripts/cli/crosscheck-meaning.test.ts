/** The CDC runs compared by meaning: what the two decoders must write differently becomes the same line, and nothing else does. */
import { describe, expect, it } from 'vitest';
import { cdcMeaning } from './crosscheck-meaning';

// One run's lines as each decoder writes them (shortened from real runs: PGlite, then PostgreSQL 15).
const PGLITE = [
  'trace #10 step 6 t=503 connector → postgres sql: read WAL from +0 (pg_get_wal_records_info) | SELECT pg_wal_lsn_diff(r.start_lsn, o.origin_lsn)::int AS pos FROM …',
  'trace #11 step 6 t=503 postgres → connector reply: 18 rows',
  'trace #20 step 11 t=516 connector → broker offset-commit: commit offset connect-offsets/p0 = 1472',
  "trace #22 step 13 t=518 connector → postgres sql: advance slot cdc to +1472 | SELECT slot_name FROM service.wal_origin o, pg_replication_slot_advance('cdc', o.origin_lsn + 1472::numeric)",
  "trace #24 step 14 t=520 consumer → postgres sql: insert shipment | BEGIN ; INSERT INTO consumer.processed_events VALUES ('orders@+1208', '2026-01-01 00:00:00.52+00') ; COMMIT",
  'trace #26 step 15 t=530 connector → postgres sql: store row images | INSERT INTO service.cdc_connector_state (id, row_images) VALUES (1, \'{"service.orders/0/1":{"natts":4}}\') ON CONFLICT (id) DO UPDATE SET row_images = excluded.row_images',
  'step 6 t=503 connector.poll:1: The connector reads 18 WAL records: 2 inserts on outbox; tx 1 aborted. | connector=publishing',
  'step 13 t=518 connector.advance-slot:1: The connector advances slot cdc to +1472; older WAL may go. | connector=advancing',
  'step 14 t=1015 connector.poll:2: The connector drops rolled-back tx 2 from 9 records; it stays at +1472. | connector=idle',
  'step 15 t=1520 connector.poll:3: The connector finds no new WAL records. | connector=idle',
  'anomaly duplicate-delivery — order 1: delivered twice | orders@+1208: twice',
];
const SERVER = [
  "trace #10 step 6 t=503 connector → postgres sql: read changes from +0 (pg_logical_slot_peek_changes, test_decoding) | SELECT pg_wal_lsn_diff(c.lsn, o.origin_lsn)::int AS pos, c.data FROM service.wal_origin o CROSS JOIN LATERAL pg_logical_slot_peek_changes('dual_write_lab_cdc', …) c",
  'trace #11 step 6 t=503 postgres → connector reply: 11 rows',
  'trace #20 step 11 t=516 connector → broker offset-commit: commit offset connect-offsets/p0 = 1520',
  "trace #22 step 13 t=518 connector → postgres sql: advance slot dual_write_lab_cdc to +1520 | SELECT slot_name FROM service.wal_origin o, pg_replication_slot_advance('dual_write_lab_cdc', o.origin_lsn + 1520::numeric)",
  "trace #24 step 14 t=520 consumer → postgres sql: insert shipment | BEGIN ; INSERT INTO consumer.processed_events VALUES ('orders@+1264', '2026-01-01 00:00:00.52+00') ; COMMIT",
  "trace #26 step 15 t=530 connector → postgres sql: store row images | INSERT INTO service.cdc_connector_state (id, row_images) VALUES (1, '{}') ON CONFLICT (id) DO UPDATE SET row_images = excluded.row_images",
  'step 6 t=503 connector.poll:1: The connector reads 11 test_decoding lines: 2 inserts on outbox. | connector=publishing',
  'step 13 t=518 connector.advance-slot:1: The connector advances slot dual_write_lab_cdc to +1520; older WAL may go. | connector=advancing',
  'step 14 t=1015 connector.poll:2: The connector reads 3 test_decoding lines of other tables; it stays at +1520. | connector=idle',
  'step 15 t=1520 connector.poll:3: The connector finds no new transactions in its slot. | connector=idle',
  'anomaly duplicate-delivery — order 1: delivered twice | orders@+1264: twice',
];

describe('CDC runs by meaning', () => {
  it("makes the decoders' lines the same where they must differ", () => {
    expect(cdcMeaning(SERVER)).toEqual(cdcMeaning(PGLITE));
    const meant = cdcMeaning(PGLITE);
    expect(meant[0]).toBe("trace #10 step 6 t=503 connector → postgres sql: read changes from +p0 (the decoder) | the decoder's read");
    expect(meant[1]).toBe("trace #11 step 6 t=503 postgres → connector reply: the decoder's rows");
    expect(meant[2]).toMatch(/connect-offsets\/p0 = p2$/);
    // A timestamp's zone is not a position.
    expect(meant[4]).toContain("('orders@+p1', '2026-01-01 00:00:00.52+00')");
  });

  it('keeps every other difference: states, changes read, anomalies, a position seen on one side only', () => {
    const differs = (edit: (lines: string[]) => string[]) => expect(cdcMeaning(edit([...SERVER]))).not.toEqual(cdcMeaning(PGLITE));
    differs((l) => l.map((x) => x.replace('connector=idle', 'connector=heartbeating')));
    differs((l) => l.map((x) => x.replace('2 inserts on outbox', '1 insert on outbox')));
    differs((l) => l.filter((x) => !x.startsWith('anomaly')));
    // A re-read stored at a new position on one side only: the ranks shift.
    differs((l) => l.map((x) => x.replace('it stays at +1520', 'it stays at +1600')));
    // The rows a reply carries are the decoder's only right after its read.
    expect(cdcMeaning(['trace #1 step 1 t=0 postgres → service reply: 2 rows'])).toEqual(['trace #1 step 1 t=0 postgres → service reply: 2 rows']);
  });
});

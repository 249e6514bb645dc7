/**
 * full_page_writes=on, Postgres' default: the first change to a page after a checkpoint logs the
 * whole page. At wal_level=replica the heap record then carries the page image and no tuple of its
 * own (redo restores the page from the image); only wal_level=logical keeps the tuple as well. The
 * lab runs PGlite with full_page_writes=off (machines/runtime/pglite.ts); here it is on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { pg_walinspect } from '@electric-sql/pglite/contrib/pg_walinspect';
import { readFileSync } from 'node:fs';
import { ensureBootImage } from '../runtime/boot-image-node';
import { LAB_START_PARAMS } from '../runtime/pglite';
import { LabDatabase } from './postgres';
import { connectorLoop, freshOutboxRun, OUTBOX, outboxRow } from './wal-decoder-harness';

let pg: PGlite;
let db: LabDatabase;
beforeAll(async () => {
  pg = await PGlite.create({
    loadDataDir: new Blob([readFileSync(await ensureBootImage())]),
    extensions: { pg_walinspect },
    startParams: [...PGlite.defaultStartParams, ...LAB_START_PARAMS, '-c', 'full_page_writes=on'],
  });
  db = new LabDatabase(pg);
});
afterAll(() => pg.close());

const heapRecords = async () =>
  (await db.runner.query<{ record_type: string; fpi_length: number; block_data_length: number; has_image: boolean }>(
    `SELECT r.record_type, r.fpi_length, b.block_data_length, b.block_fpi_data IS NOT NULL AS has_image
     FROM service.wal_origin o, pg_get_wal_records_info(o.origin_lsn, pg_current_wal_lsn()) r
     JOIN pg_get_wal_block_info(o.origin_lsn, pg_current_wal_lsn()) b ON b.start_lsn = r.start_lsn AND b.block_id = 0
     WHERE r.resource_manager = 'Heap' AND b.relfilenode = pg_relation_filenode('${OUTBOX}')`,
  )).rows;

describe('with full_page_writes=on', () => {
  it('logs the first insert into a page after a checkpoint as a page image with no tuple data, the next one with its tuple', async () => {
    await freshOutboxRun(db);
    expect((await db.runner.query<{ setting: string }>(`SELECT setting FROM pg_settings WHERE name = 'full_page_writes'`)).rows[0]!.setting).toBe('on');
    await db.runner.exec(outboxRow('evt-1'));
    await db.runner.exec('CHECKPOINT');
    await db.runner.exec(outboxRow('evt-2'));
    await db.runner.exec(outboxRow('evt-3'));
    const records = await heapRecords();
    // The first insert makes the page (INSERT+INIT: nothing to restore, its tuple is logged).
    expect(records.map((r) => [r.record_type, r.fpi_length > 0, r.block_data_length > 0, r.has_image])).toEqual([
      ['INSERT+INIT', false, true, false],
      ['INSERT', true, false, true],
      ['INSERT', false, true, false],
    ]);
  });

  it('decodes an insert and an update logged only as page images, from the images', async () => {
    await freshOutboxRun(db);
    await db.runner.exec(outboxRow('evt-1'));
    await db.runner.exec('CHECKPOINT');
    await db.runner.exec(outboxRow('evt-2'));
    await db.runner.exec(outboxRow('evt-3'));
    const connector = await connectorLoop(db);
    await connector.poll();
    expect(connector.published).toEqual(['evt-1', 'evt-2', 'evt-3']);

    // Read the rows first: setting their hint bits after the checkpoint would log a page image of its own.
    await db.runner.query(`SELECT count(*) FROM ${OUTBOX}`);
    await db.runner.exec('CHECKPOINT');
    await db.runner.exec(`UPDATE ${OUTBOX} SET published = true WHERE event_id = 'evt-1'`);
    expect((await heapRecords()).at(-1)).toMatchObject({ record_type: 'HOT_UPDATE', block_data_length: 0, has_image: true });
    const batch = await connector.poll();
    expect(batch.committed.map((c) => [c.op, c.before?.event_id, c.before?.published, c.after?.event_id, c.after?.published])).toEqual([['u', 'evt-1', false, 'evt-1', true]]);
  });
});

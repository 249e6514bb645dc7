/**
 * A transaction the server never finished: it wrote to the outbox, its WAL reached disk, and the
 * server died before COMMIT. Recovery writes no ABORT for it; the WAL just goes on. Reproduced on
 * real PGlite: the data directory is copied while the transaction is open (the files a crash
 * leaves), and a new instance starts from the copy, running crash recovery.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
import { ensureBootImage } from '../runtime/boot-image-node';
import { startLabPostgres } from '../runtime/pglite';
import type { LabDatabase } from './postgres';
import { createTracedDatabase } from '../kernel/traced-database';
import { connectorLoop, freshOutboxRun, OUTBOX, outboxRow, quiet } from './wal-decoder-harness';
import { decodeRecords } from './wal-decoder';
import { describeTables, readWal } from './wal';

const running: PGlite[] = [];
afterEach(async () => {
  for (const pg of running.splice(0)) await pg.close().catch(() => undefined);
});

async function boot(image: Blob): Promise<{ pg: PGlite; db: LabDatabase }> {
  const started = await startLabPostgres({ loadDataDir: image });
  running.push(started.pg);
  return started;
}

/**
 * Runs `before` and leaves `open` unfinished, then "crashes": the data directory as it is on disk
 * at that moment, started again. PGlite writes WAL out only at a commit or a checkpoint (a server's
 * WAL writer does so every 200 ms): the CHECKPOINT inside the open transaction puts its records on
 * disk, as the WAL writer would.
 */
async function crashWithOpenTransaction(before: string[], open: string): Promise<LabDatabase> {
  const first = await boot(new Blob([readFileSync(await ensureBootImage())]));
  await freshOutboxRun(first.db);
  for (const sql of before) await first.db.runner.exec(sql);
  await first.db.runner.exec(`BEGIN; ${open}; CHECKPOINT`);
  const onDisk = await first.pg.dumpDataDir('none');
  const restarted = await boot(onDisk);
  return restarted.db;
}

const walOf = async (db: LabDatabase) =>
  (await db.runner.query<{ rmgr: string; record_type: string; description: string }>(
    `SELECT resource_manager AS rmgr, record_type, description FROM service.wal_origin o, pg_get_wal_records_info(o.origin_lsn, pg_current_wal_lsn()) WHERE resource_manager IN ('Heap', 'Transaction', 'Standby', 'XLOG')`,
  )).rows;

describe('a transaction a crash left with neither COMMIT nor ABORT', () => {
  it('is dropped as aborted at the shutdown checkpoint recovery writes, and holds neither the position nor the slot', async () => {
    const db = await crashWithOpenTransaction([outboxRow('evt-1')], outboxRow('evt-crashed'));
    await db.runner.exec(outboxRow('evt-2'));
    const wal = await walOf(db);
    const kinds = wal.map((r) => `${r.rmgr} ${r.record_type}`);
    // prepareWalRun's origin row, evt-1, the crashed insert, evt-2; all but the crashed one committed.
    expect(kinds.filter((k) => k.startsWith('Heap INSERT'))).toHaveLength(4);
    expect(kinds.filter((k) => k === 'Transaction COMMIT')).toHaveLength(3);
    expect(kinds).not.toContain('Transaction ABORT');
    // Before the crash, the checkpoint's RUNNING_XACTS lists it as running; recovery's checkpoint says "shutdown".
    expect(wal.find((r) => r.record_type === 'RUNNING_XACTS')!.description).toMatch(/; 1 xacts: \d+$/);
    expect(wal.find((r) => r.record_type === 'CHECKPOINT_SHUTDOWN')!.description).toMatch(/; shutdown$/);

    const connector = await connectorLoop(db);
    await connector.poll();
    await connector.poll();
    await connector.poll();
    expect(connector.published).toEqual(['evt-1', 'evt-2']);
    expect(connector.rolledBack).toHaveLength(1);
    expect(await connector.slotRestart()).toBe(connector.stored());

    // Without the shutdown checkpoint, the next RUNNING_XACTS ends it: its oldestRunningXid is past
    // the crashed xid (a server logs one at least every 15 s while WAL is written, PGlite at a checkpoint).
    await db.runner.query('SELECT pg_log_standby_snapshot()');
    // pg_walinspect reads only WAL already flushed; in PGlite a commit flushes it.
    await db.runner.exec(outboxRow('evt-3'));
    const traced = createTracedDatabase(db.runner, quiet);
    const records = await readWal(traced, 'read WAL', 0);
    if (!records.ok) throw new Error(records.error);
    const tables = await describeTables(traced, [OUTBOX]);
    if (!tables.ok) throw new Error(tables.error);
    const withoutShutdown = records.value.filter((r) => r.recordType !== 'CHECKPOINT_SHUTDOWN');
    const crashed = decodeRecords(withoutShutdown, tables.value, {}).rolledBack;
    expect(crashed).toEqual(connector.rolledBack);
    const runningXacts = withoutShutdown.filter((r) => r.recordType === 'RUNNING_XACTS');
    expect(runningXacts.map((r) => r.oldestRunning! > crashed[0]!)).toEqual([false, true]);
    // Cut before that RUNNING_XACTS, it is still open: it holds the restart position.
    const cut = withoutShutdown.filter((r) => r.pos < runningXacts[1]!.pos);
    const open = decodeRecords(cut, tables.value, {});
    expect(open.rolledBack).toEqual([]);
    expect(open.restart).toBeLessThan(open.end);
  });

  it('keeps a prepared transaction open across the crash: its COMMIT PREPARED after recovery still emits it once', async () => {
    const db = await crashWithOpenTransaction([`BEGIN; ${outboxRow('evt-prepared')}; PREPARE TRANSACTION 'survives'`], outboxRow('evt-crashed'));
    await db.runner.exec(outboxRow('evt-2'));
    const connector = await connectorLoop(db);
    await connector.poll();
    await connector.poll();
    expect(connector.published).toEqual(['evt-2']);
    expect(await connector.slotRestart()).toBeLessThan(connector.stored());
    await db.runner.exec(`COMMIT PREPARED 'survives'`);
    await connector.poll();
    await connector.poll();
    expect(connector.published).toEqual(['evt-2', 'evt-prepared']);
    expect(await connector.slotRestart()).toBe(connector.stored());
  });
});

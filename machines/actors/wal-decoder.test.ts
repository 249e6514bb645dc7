/**
 * The CDC decoder on WAL situations the patterns rarely reach, each on real PGlite: what a
 * log-tailing connector must make of records it did not write itself.
 */
import { describe, expect, it } from 'vitest';
import { createTracedDatabase } from '../kernel/traced-database';
import { useLabPostgres } from '../testing/postgres';
import { decodeRecords } from './wal-decoder';
import { connectorLoop, freshOutboxRun, outboxRow, quiet } from './wal-decoder-harness';
import { describeTables, prepareWalRun, readWal, WAL_ORIGIN_TABLE } from './wal';

const postgres = useLabPostgres();
const ITEMS = 'service.items';

async function freshItems() {
  const { db } = postgres;
  await db.reset([WAL_ORIGIN_TABLE, `CREATE TABLE ${ITEMS} (id int PRIMARY KEY, label text NOT NULL)`], ['service.wal_origin', ITEMS]);
  await prepareWalRun(db.runner);
  const traced = createTracedDatabase(db.runner, quiet);
  const tables = await describeTables(traced, [ITEMS]);
  if (!tables.ok) throw new Error(tables.error);
  const decodeFrom = async (pos: number) => {
    const read = await readWal(traced, 'read WAL', pos);
    if (!read.ok) throw new Error(read.error);
    return decodeRecords(read.value, tables.value, {});
  };
  return { run: (sql: string) => db.runner.exec(sql), decodeFrom };
}

async function outboxConnector() {
  const { db } = postgres;
  await freshOutboxRun(db);
  const loop = await connectorLoop(db);
  return { ...loop, run: (sql: string) => db.runner.exec(sql) };
}

describe('the CDC decoder', () => {
  it("emits a prepared transaction's changes at its COMMIT PREPARED, in commit order, and drops them at ROLLBACK PREPARED", async () => {
    const { run, decodeFrom } = await freshItems();
    await run(`BEGIN; INSERT INTO ${ITEMS} VALUES (1, 'prepared'); PREPARE TRANSACTION 'g1'`);
    await run(`INSERT INTO ${ITEMS} VALUES (2, 'plain')`);

    const whilePrepared = await decodeFrom(0);
    expect(whilePrepared.committed.map((c) => c.after?.id)).toEqual([2]);
    // In doubt, not yet committed: the WAL must be kept from its insert on, though the read is confirmed to its end.
    expect(whilePrepared.restart).toBeGreaterThan(0);
    expect(whilePrepared.restart).toBeLessThan(whilePrepared.committed[0]!.pos);
    expect(whilePrepared.end).toBeGreaterThan(whilePrepared.committed[0]!.pos);
    await run(`COMMIT PREPARED 'g1'`);
    await run(`BEGIN; INSERT INTO ${ITEMS} VALUES (3, 'rolled back'); PREPARE TRANSACTION 'g2'`);
    await run(`ROLLBACK PREPARED 'g2'`);
    const after = await decodeFrom(0);
    expect(after.committed.map((c) => [c.op, c.after?.id])).toEqual([
      ['c', 2],
      ['c', 1],
    ]);
    expect(after.rolledBack).toHaveLength(1);
    // Nothing left open: the slot may follow the confirmed position.
    expect(after.restart).toBe(after.end);
  });

  it("emits a subtransaction's changes with its parent's commit, in WAL order, and drops a rolled-back savepoint's", async () => {
    const { run, decodeFrom } = await freshItems();
    await run(`BEGIN; INSERT INTO ${ITEMS} VALUES (1, 'top'); SAVEPOINT s; INSERT INTO ${ITEMS} VALUES (2, 'released'); RELEASE s;
      SAVEPOINT t; INSERT INTO ${ITEMS} VALUES (3, 'rolled back to'); ROLLBACK TO t; INSERT INTO ${ITEMS} VALUES (4, 'top again'); COMMIT`);
    const batch = await decodeFrom(0);
    // The released savepoint's insert is logged under its own xid; the COMMIT lists it ("subxacts: …").
    expect(batch.committed.map((c) => c.after?.id)).toEqual([1, 2, 4]);
    expect(new Set(batch.committed.map((c) => c.tx)).size).toBe(1);
    expect(batch.rolledBack).toHaveLength(1);
    expect(batch.restart).toBe(batch.end);
  });

  it('emits a transactional logical message with its commit, drops it with a rollback, and a non-transactional one at once', async () => {
    const { run, decodeFrom } = await freshItems();
    await run(`BEGIN; SELECT pg_logical_emit_message(true, 'outbox', '{"n":1}'); INSERT INTO ${ITEMS} VALUES (1, 'with message'); COMMIT`);
    await run(`BEGIN; SELECT pg_logical_emit_message(true, 'outbox', 'rolled back'); SELECT pg_logical_emit_message(false, 'audit', 'said anyway'); ROLLBACK`);
    // An abort is not flushed at once, and pg_walinspect reads only flushed WAL: the next commit flushes it.
    await run(`INSERT INTO ${ITEMS} VALUES (2, 'flushes')`);
    const batch = await decodeFrom(0);
    expect(batch.committed.map((c) => [c.op, c.table, c.after])).toEqual([
      ['m', 'outbox', { content: '{"n":1}' }],
      ['c', ITEMS, { id: 1, label: 'with message' }],
      ['m', 'audit', { content: 'said anyway' }],
      ['c', ITEMS, { id: 2, label: 'flushes' }],
    ]);
    expect(batch.rolledBack).toHaveLength(1);
  });

  // PGlite is one session: a transaction left open there would swallow every later statement. A
  // prepared transaction is the open one here: in the WAL it is just as open (no COMMIT, no ABORT)
  // until COMMIT PREPARED, and later transactions commit around it.
  it('publishes a commit once while an earlier transaction stays open, and the open one once when it commits', async () => {
    const lab = await outboxConnector();
    await lab.run(`BEGIN; ${outboxRow('evt-A')}; PREPARE TRANSACTION 'open-a'`);
    await lab.run(outboxRow('evt-B'));

    await lab.poll();
    await lab.poll();
    await lab.poll();
    expect(lab.published).toEqual(['evt-B']);

    await lab.run(`COMMIT PREPARED 'open-a'`);
    await lab.poll();
    await lab.poll();
    expect(lab.published).toEqual(['evt-B', 'evt-A']);
  });

  it('counts a prepared, unresolved transaction as open: it holds the slot until its COMMIT PREPARED, which emits it once', async () => {
    const lab = await outboxConnector();
    await lab.run(outboxRow('evt-1'));
    await lab.run(`BEGIN; ${outboxRow('evt-2')}; PREPARE TRANSACTION 'held'`);
    await lab.run(outboxRow('evt-3'));
    await lab.poll();
    const held = await lab.slotRestart();
    // The slot keeps the WAL from the prepared transaction's first record; the connector has confirmed past it.
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(lab.stored());
    // A RUNNING_XACTS record lists it as running (prepared transactions are): still open.
    await lab.run('SELECT pg_log_standby_snapshot()');
    await lab.run(outboxRow('evt-4'));
    await lab.poll();
    await lab.poll();
    expect(await lab.slotRestart()).toBe(held);
    expect(lab.published).toEqual(['evt-1', 'evt-3', 'evt-4']);

    await lab.run(`COMMIT PREPARED 'held'`);
    await lab.poll();
    await lab.poll();
    expect(lab.published).toEqual(['evt-1', 'evt-3', 'evt-4', 'evt-2']);
    // Nothing open any more: the slot follows the connector.
    expect(await lab.slotRestart()).toBe(lab.stored());
  });
});

/**
 * The CDC decoder on WAL situations the patterns rarely reach, each on real PGlite: what a
 * log-tailing connector must make of records it did not write itself.
 */
import { describe, expect, it } from 'vitest';
import { createTracedDatabase, type TraceSink } from '../kernel/traced-database';
import { useLabPostgres } from '../testing/postgres';
import { decodeRecords } from './wal-decoder';
import { describeTables, prepareWalRun, readWal, WAL_ORIGIN_TABLE } from './wal';

const postgres = useLabPostgres();
const ITEMS = 'service.items';
const quiet: TraceSink = { actor: 'connector', armed: () => undefined, inEffect: () => undefined, emit() {}, strike() {}, markMutation() {}, lockRefused() {} };

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

describe('the CDC decoder', () => {
  it("emits a prepared transaction's changes at its COMMIT PREPARED, in commit order, and drops them at ROLLBACK PREPARED", async () => {
    const { run, decodeFrom } = await freshItems();
    await run(`BEGIN; INSERT INTO ${ITEMS} VALUES (1, 'prepared'); PREPARE TRANSACTION 'g1'`);
    await run(`INSERT INTO ${ITEMS} VALUES (2, 'plain')`);

    const whilePrepared = await decodeFrom(0);
    expect(whilePrepared.committed.map((c) => c.after?.id)).toEqual([2]);
    // In doubt, not yet committed: the position a connector may confirm stays before it.
    const preparedInsert = (await decodeFrom(0)).end;
    expect(preparedInsert).toBeGreaterThan(0);

    await run(`COMMIT PREPARED 'g1'`);
    await run(`BEGIN; INSERT INTO ${ITEMS} VALUES (3, 'rolled back'); PREPARE TRANSACTION 'g2'`);
    await run(`ROLLBACK PREPARED 'g2'`);
    const after = await decodeFrom(0);
    expect(after.committed.map((c) => [c.op, c.after?.id])).toEqual([
      ['c', 2],
      ['c', 1],
    ]);
    expect(after.rolledBack).toHaveLength(1);
    // Nothing left open: the whole read can be confirmed.
    expect(after.end).toBeGreaterThan(preparedInsert);
  });
});

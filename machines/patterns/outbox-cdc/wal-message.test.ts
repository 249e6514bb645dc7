/**
 * outbox-cdc's wal-message variant on real PGlite: the event travels as a logical decoding
 * message in the order's transaction, with no outbox table at all.
 */
import { describe, expect, it } from 'vitest';
import type { RunResult, TableSnapshot } from '../../kernel/types';
import { lab } from '../../testing/lab-driver';
import { useLabPostgres } from '../../testing/postgres';

const postgres = useLabPostgres();
const walMessage = () => lab(postgres.db, 'outbox-cdc').variant('wal-message');
const lastSnapshot = (result: RunResult) => result.snapshots!.at(-1)!;
const find = (tables: TableSnapshot[], name: string) => tables.find((t) => t.name.startsWith(name))!;

describe('outbox-cdc, wal-message', () => {
  it('publishes each order placed from a message in its transaction; no outbox row is ever written', async () => {
    const result = await walMessage().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const snapshot = lastSnapshot(result);
    expect(find(snapshot.tables, 'service.outbox').rows).toEqual([]);
    const wal = find(snapshot.inspections!, 'write-ahead log').rows;
    expect(wal.filter((r) => r.rmgr === 'LogicalMessage' && r.record === 'MESSAGE')).toHaveLength(2);
    expect(wal.filter((r) => r.relation === 'outbox')).toEqual([]);
    expect(result.steps.map((s) => s.caption)).toContain('The connector reads 11 WAL records: 2 messages on outbox.');
  });

  it('emits nothing for a rolled-back order: its message is in the WAL, a COMMIT is not', async () => {
    const result = await walMessage().fault('db-write-fails', 'service.write-order:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const wal = find(lastSnapshot(result).inspections!, 'write-ahead log').rows;
    expect(wal.filter((r) => r.rmgr === 'LogicalMessage')).toHaveLength(2);
    const published = result.steps.filter((s) => /publishes OrderPlaced/.test(s.caption)).map((s) => s.caption);
    expect(published).toEqual(['The connector publishes OrderPlaced for order 2 to outbox.event.Order.']);
  });
});

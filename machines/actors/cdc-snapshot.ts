/**
 * The CDC connector's way back from a lost slot (cdc-slot-loss.ts), as Debezium's with
 * snapshot.mode=when_needed: a new slot where the WAL is now, then a snapshot of the captured
 * tables. Split from cdc-connector.ts, whose statechart runs these operations.
 */
import type { Operation } from '../kernel/pattern';
import type { OutgoingMessage } from './broker';
import { CHANGE_SOURCES } from './change-source';
import { isSkipped, plural, type ConnectorConfig, type ConnectorContext } from './cdc-connector-model';
import { seconds } from './cdc-offsets';
import { createSlotHere, slotStatus } from './cdc-slot-loss';
import { ordersOf } from './orders-concerned';
import { showPos, type RowImage } from './wal';

/**
 * With snapshot.mode=when_needed, after its slot was lost and dropped: a new slot where the WAL
 * is now, and every row of the captured tables read in one REPEATABLE READ transaction and routed
 * as if inserted (Debezium marks them op `r`; the outbox router passes them on like inserts).
 * Streaming goes on from the new slot's start: nothing between the old offset and it is read.
 */
export function snapshot(config: ConnectorConfig): Operation<ConnectorContext> {
  return {
    faults: [],
    crashable: true,
    latencyMs: 5,
    intent: () => 'taking a snapshot of the captured tables',
    async run(ctx) {
      const decoder = ctx.context.decoder;
      const slot = await slotStatus(ctx.db, decoder);
      if (!slot.ok) return { event: { type: 'READ_FAILED' }, caption: 'The connector cannot look up its slot and tries again.' };
      let pos = slot.value.restartPos ?? 0;
      const created = !slot.value.exists;
      if (created) {
        const made = await createSlotHere(ctx.db, decoder);
        if (!made.ok) return { event: { type: 'READ_FAILED' }, caption: 'The connector cannot create its slot and tries again.' };
        pos = made.value;
      }
      const read = await ctx.db.transaction(`snapshot ${config.captured.join(', ')}`, async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        const rows: { table: string; row: RowImage }[] = [];
        for (const table of config.captured) {
          for (const row of (await tx.query<RowImage>(`SELECT * FROM ${table} ORDER BY 1`)).rows) rows.push({ table, row });
        }
        return rows;
      });
      if (!read.ok) return { event: { type: 'READ_FAILED' }, caption: 'The connector fails to read its snapshot and tries again.' };
      const routed = read.value.map(({ table, row }) => config.toMessage({ table, op: 'c', before: null, after: row, tx: 0, pos }));
      const messages = routed.filter((m): m is OutgoingMessage => m !== null && !isSkipped(m));
      const tables = config.captured.map((t) => t.replace(/^.*\./, '')).join(', ');
      const name = CHANGE_SOURCES[decoder].slot;
      return {
        event: { type: 'SNAPSHOT', messages, end: pos, images: {}, tables: ctx.context.tables, at: ctx.now },
        orders: ordersOf(messages),
        caption: `The connector ${created ? `creates slot ${name} at ${showPos(pos)}, ` : ''}snapshots ${tables}: ${plural(read.value.length, 'row')}.`,
      };
    },
  };
}

/** A connector that started down says so when it comes back the first time. */
export function endOfOutage(restart: Operation<unknown>): Operation<ConnectorContext> {
  return {
    ...restart,
    async run(ctx) {
      const result = await restart.run(ctx);
      return ctx.context.downUntil > 0 ? { ...result, caption: `The connector comes back after ${seconds(ctx.context.downUntil)} down, memory empty.` } : result;
    },
  };
}

/**
 * What each state of the CDC connector does (cdc-connector.ts): connect, read the WAL through the
 * run's decoder, publish, store its position, advance the slot, write a heartbeat.
 */
import type { Operation, OperationContext } from '../kernel/pattern';
import type { OutgoingMessage } from './broker';
import { firstOrder, ordersOf } from './orders-concerned';
import { CHANGE_SOURCES } from './change-source';
import { describeTables, showPos, type StoredTuple } from './wal';
import type { RowChange } from './wal-decoder';
import { flushDueAt, KAFKA_CONNECT_OFFSET_FLUSH_INTERVAL_MS, seconds } from './cdc-offsets';
import { changedRelations, checkRelations, keptRelations, withKeptNames, type KeptRelations } from './cdc-relations';
import { slotStatus } from './cdc-slot-loss';
import { HEARTBEAT_TABLE_NAME, isSkipped, OFFSETS_GROUP, OFFSETS_TOPIC, plural, type ConnectorConfig, type ConnectorContext } from './cdc-connector-model';

function storedPosition(ctx: OperationContext<ConnectorContext>): number {
  return ctx.broker.committedOffsets(OFFSETS_GROUP, OFFSETS_TOPIC)[0] ?? 0;
}

export function connect(config: ConnectorConfig): Operation<ConnectorContext> {
  return {
    faults: [],
    crashable: false,
    latencyMs: 3,
    intent: () => 'connecting to the slot',
    async run(ctx) {
      const described = await describeTables(ctx.db, config.captured);
      if (!described.ok) return { event: { type: 'CONNECT_FAILED' }, caption: 'The connector cannot read the catalogue and tries again.' };
      let tables = described.value;
      const position = storedPosition(ctx);
      let images: Record<string, StoredTuple> = {};
      if (config.keepsRowImages) {
        const state = await ctx.db.statement<{ row_images: string; relations: string | null }>(
          'load row images',
          `SELECT row_images${config.followsRelations ? ', relations' : ''} FROM service.cdc_connector_state WHERE id = 1`,
        );
        if (!state.ok) return { event: { type: 'CONNECT_FAILED' }, caption: 'The connector cannot load its row images and tries again.' };
        const kept = state.value.rows[0];
        images = kept ? (JSON.parse(kept.row_images) as Record<string, StoredTuple>) : {};
        if (config.followsRelations) {
          // The columns as of its stored position (see cdc-relations.ts); the first start records them.
          if (kept?.relations) tables = withKeptNames(tables, JSON.parse(kept.relations) as KeptRelations);
          else if (!kept) {
            await ctx.db.statement(
              'record the relations it starts with',
              `INSERT INTO service.cdc_connector_state (id, row_images, relations) VALUES (1, '{}', $1) ON CONFLICT (id) DO NOTHING`,
              [JSON.stringify(keptRelations(tables))],
            );
          }
        }
      }
      if (config.slotLoss) {
        const slot = await slotStatus(ctx.db, described.decoder);
        if (!slot.ok) return { event: { type: 'CONNECT_FAILED' }, caption: 'The connector cannot look up its slot and tries again.' };
        const name = CHANGE_SOURCES[described.decoder].slot;
        if (slot.value.lost) {
          // Debezium: "can no longer get changes from replication slot"; the task fails and stays failed.
          ctx.emit({ from: ctx.actor, to: ctx.actor, kind: 'error', label: `task failed: slot ${name} is lost`, ok: false });
          ctx.send(config.slotLoss.operator, { type: 'TASK_FAILED', at: ctx.now, slot: name });
          return { event: { type: 'SLOT_LOST' }, caption: `The connector's task fails: slot ${name} was invalidated, its WAL is gone.` };
        }
        if (!slot.value.exists || (slot.value.restartPos ?? 0) > position) {
          // snapshot.mode=when_needed: the stored offset names WAL the server no longer has.
          return {
            event: { type: 'NEEDS_SNAPSHOT', tables, decoder: described.decoder },
            caption: `The connector's offset ${showPos(position)} is gone from the server: when_needed snapshots.`,
          };
        }
      }
      return {
        event: { type: 'CONNECTED', position, tables, images, decoder: described.decoder, at: ctx.now },
        caption: `The connector finds the captured tables' files and resumes at WAL ${showPos(position)}.`,
      };
    },
  };
}

const OP_NAMES = { c: 'insert', u: 'update', d: 'delete', m: 'message' } as const;

/** "2 inserts, 2 deletes on outbox": what a read found, table by table ("skipped update": logged, not published). */
function describeChanges(changes: RowChange[], skipped: (change: RowChange) => boolean = () => false): string {
  const tables = new Map<string, Map<string, number>>();
  for (const c of changes) {
    const table = c.table.replace(/^.*\./, '');
    const counts = tables.get(table) ?? new Map<string, number>();
    const op = skipped(c) ? `skipped ${OP_NAMES[c.op]}` : OP_NAMES[c.op];
    counts.set(op, (counts.get(op) ?? 0) + 1);
    tables.set(table, counts);
  }
  return [...tables].map(([table, counts]) => `${[...counts].map(([op, n]) => plural(n, op)).join(', ')} on ${table}`).join('; ');
}


export function poll(config: ConnectorConfig): Operation<ConnectorContext> {
  return {
    faults: [],
    crashable: true,
    latencyMs: 3,
    intent: () => 'reading the WAL',
    async run(ctx) {
      const due = flushDueAt(ctx.context);
      if (due !== null && ctx.now >= due) {
        return { event: { type: 'FLUSH_DUE' }, caption: `The connector's offset flush is due: every ${seconds(ctx.context.flushIntervalMs!)} here.` };
      }
      const from = ctx.context.position ?? storedPosition(ctx);
      const source = CHANGE_SOURCES[ctx.context.decoder];
      let batch = await source.read(ctx.db, from, ctx.context.tables, ctx.context.images);
      if (!batch.ok) return { event: { type: 'READ_FAILED' }, caption: 'The connector fails to read the WAL.' };
      if (batch.value.read === 0) return { event: { type: 'EMPTY' }, caption: source.nothingNew };
      let tables = ctx.context.tables;
      let relationChange = '';
      if (config.followsRelations && batch.value.committed.length > 0) {
        const check = await checkRelations(ctx.db, config.captured);
        if (!check.ok) return { event: { type: 'READ_FAILED' }, caption: 'The connector fails to read the catalogue.' };
        const changed = changedRelations(tables, check.value);
        if (changed.length > 0) {
          // Changes after the table's new definition are read again under its new columns; those
          // before keep the columns they were written with, as pgoutput's RELATION messages give them.
          const after = await source.read(ctx.db, from, check.value.tables, ctx.context.images);
          if (!after.ok) return { event: { type: 'READ_FAILED' }, caption: 'The connector fails to read the WAL.' };
          const changedAt = new Map(changed.map((c) => [c.table, c.tx]));
          const isAfter = (c: RowChange) => c.tx > (changedAt.get(c.table) ?? Infinity);
          const committed = [...batch.value.committed.filter((c) => !isAfter(c)), ...after.value.committed.filter(isAfter)].sort((a, b) => a.pos - b.pos);
          batch = { ok: true, value: { ...after.value, committed } };
          tables = check.value.tables;
          relationChange = 'new columns';
          ctx.emit({ from: ctx.actor, to: ctx.actor, kind: 'reply', label: `RELATION ${changed.map((c) => c.table).join(', ')}: columns changed in tx ${changed.map((c) => c.tx).join(', ')}`, ok: true });
        }
      }
      const { committed, rolledBack, end, images, unit } = batch.value;
      // pg_walinspect counts WAL records ("18 WAL records", "8 records of other tables"); logical decoding its lines.
      const count = (short: boolean) => plural(batch.value.read, short && unit === 'WAL record' ? 'record' : unit);
      // A rolled-back transaction left records but no COMMIT: said briefly, captions stay short.
      const droppedTx = rolledBack.length > 0 ? `rolled-back tx ${rolledBack.join(', ')}` : '';
      if (committed.length === 0) {
        const read = droppedTx ? `The connector drops ${droppedTx} from ${count(true)}` : `The connector reads ${count(true)} of other tables`;
        if (config.heartbeat && end > from) return { event: { type: 'HEARTBEAT_DUE' }, caption: `${read}: time for a heartbeat.` };
        return { event: { type: 'EMPTY' }, caption: `${read}; it stays at ${showPos(from)}.` };
      }
      const routed = committed.map((c) => config.toMessage(c));
      const messages = routed.filter((m): m is OutgoingMessage => m !== null && !isSkipped(m));
      for (const r of routed) if (isSkipped(r)) ctx.emit({ from: ctx.actor, to: ctx.actor, kind: 'error', label: `WARN ${r.skipped}`, ok: false });
      const skipped = (c: RowChange) => isSkipped(routed[committed.indexOf(c)] ?? null);
      // With skipped changes named too, the count goes: captions stay under 15 words.
      const counted = (short: boolean) => (routed.some(isSkipped) ? '' : `${count(short)}: `);
      return {
        event: { type: 'CHANGES', messages, end, images, tables, at: ctx.now, restart: batch.value.restart },
        orders: ordersOf(messages),
        caption: droppedTx
          ? `The connector reads ${counted(true)}${describeChanges(committed, skipped)}; tx ${rolledBack.join(', ')} aborted.`
          : relationChange
            ? `The connector reads ${describeChanges(committed, skipped)}, under new columns.`
            : `The connector reads ${counted(false)}${describeChanges(committed, skipped)}.`,
      };
    },
  };
}

export const publish: Operation<ConnectorContext> = {
  faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost'],
  crashable: true,
  latencyMs: 6,
  intent: (context) => `publishing ${context.batch[0]?.eventType ?? 'a change'} for order ${context.batch[0]?.orderId ?? '?'}`,
  about: (context) => firstOrder(context.batch),
  async run(ctx) {
    const message = ctx.context.batch[0]!;
    const outcome = ctx.broker.publish(message);
    if (!outcome.ok) {
      return {
        event: { type: 'PUBLISH_FAILED' },
        caption: `The connector's publish for order ${message.orderId} fails (${outcome.error}); its position stays put.`,
      };
    }
    return { event: { type: 'PUBLISHED', at: ctx.now }, caption: `The connector publishes ${message.eventType} for order ${message.orderId} to ${message.topic}.` };
  },
};

export function storePosition(config: ConnectorConfig): Operation<ConnectorContext> {
  // On a timer, what it stores is where it has read to; per batch, the end of the batch just out.
  const flushes = config.offsetFlushIntervalMs !== undefined;
  const target = (context: ConnectorContext) => (flushes ? (context.position ?? 0) : context.batchEnd);
  return {
    faults: [],
    crashable: true,
    latencyMs: 2,
    intent: (context) => `storing its position ${showPos(target(context))}`,
    async run(ctx) {
      const pos = target(ctx.context);
      if (config.keepsRowImages) {
        // Images first: if it died between the two, it would re-read from the older position with
        // newer images, which still rebuilds the same rows; the other way round it could not.
        const images = flushes ? ctx.context.images : ctx.context.pendingImages;
        if (config.followsRelations) {
          const tables = flushes || ctx.context.pendingTables.length === 0 ? ctx.context.tables : ctx.context.pendingTables;
          await ctx.db.statement(
            'store row images',
            `INSERT INTO service.cdc_connector_state (id, row_images, relations) VALUES (1, $1, $2)
             ON CONFLICT (id) DO UPDATE SET row_images = excluded.row_images, relations = excluded.relations`,
            [JSON.stringify(images), JSON.stringify(keptRelations(tables))],
          );
        } else {
          await ctx.db.statement(
            'store row images',
            `INSERT INTO service.cdc_connector_state (id, row_images) VALUES (1, $1)
             ON CONFLICT (id) DO UPDATE SET row_images = excluded.row_images`,
            [JSON.stringify(images)],
          );
        }
      }
      ctx.broker.commitOffset(OFFSETS_GROUP, OFFSETS_TOPIC, 0, pos);
      return {
        event: { type: 'STORED' },
        caption: flushes
          ? `The connector flushes offset ${showPos(pos)} (every ${seconds(config.offsetFlushIntervalMs!)}; Kafka Connect: ${seconds(KAFKA_CONNECT_OFFSET_FLUSH_INTERVAL_MS)}).`
          : `The connector stores position ${showPos(pos)} in the broker.`,
      };
    },
  };
}

export const advanceSlot: Operation<ConnectorContext> = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: () => 'advancing the replication slot',
  async run(ctx) {
    // The slot keeps what is flushed and, before that, any transaction still open (its restart).
    const flushed = ctx.context.position ?? 0;
    const pos = Math.min(ctx.context.batchRestart ?? flushed, flushed);
    const source = CHANGE_SOURCES[ctx.context.decoder];
    await source.advance(ctx.db, pos);
    return { event: { type: 'ADVANCED' }, caption: `The connector advances slot ${source.slot} to ${showPos(pos)}; older WAL may go.` };
  },
};

export const heartbeat: Operation<ConnectorContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: () => 'writing a heartbeat',
  async run(ctx) {
    await ctx.db.statement(
      'heartbeat',
      `INSERT INTO ${HEARTBEAT_TABLE_NAME} (id, beats, beat_at) VALUES (1, 1, $1)
       ON CONFLICT (id) DO UPDATE SET beats = ${HEARTBEAT_TABLE_NAME}.beats + 1, beat_at = $1`,
      [ctx.timestamp()],
    );
    return { event: { type: 'BEAT' }, caption: 'The connector writes a heartbeat row, a captured change it can confirm.' };
  },
};

/**
 * A log-tailing CDC connector, Debezium-like, reading the real write-ahead log of the lab's
 * Postgres (see wal.ts). Each poll it reads every record from its stored position on, keeps only
 * heap changes of the tables it captures, buffers them per transaction, and lets a transaction's
 * changes out only when its COMMIT record is there: a rolled-back transaction has none and emits
 * nothing. It publishes each change, then stores its position in the broker (as Kafka Connect
 * keeps offsets in Kafka), then advances the replication slot so Postgres may recycle the WAL.
 * With `offsetFlushIntervalMs` it stores as Kafka Connect does, on a timer: it reads on from its
 * position in memory, and the position becomes durable (then the slot advances) only at the next
 * flush (cdc-offsets.ts); without it, after every batch.
 *
 * A crash after a publish and before the position is stored means the next read starts from the
 * old position: the change goes out again (at least once), and with a flush interval everything
 * published since the last flush does. A connector that stores and advances
 * only when it emits something never moves while only other tables are written, and the slot holds
 * on to all that WAL — the heartbeat problem; with `heartbeat` on, it then writes a row to a
 * captured heartbeat table, which gives it a change to confirm.
 *
 * What it reads through is the run's decoder (change-source.ts): pg_walinspect on PGlite, a
 * logical slot with test_decoding on a real server. The statechart is the same for both.
 */
import { assign, setup } from 'xstate';
import type { Operation, OperationContext, ProcessSpec } from '../kernel/pattern';
import type { OutgoingMessage } from './broker';
import { firstOrder, ordersOf } from './orders-concerned';
import { CRASHED_STATE, restartOperation } from './process';
import { CHANGE_SOURCES } from './change-source';
import type { DecoderName } from './logical-decoder';
import { describeTables, showPos, type CapturedTable, type StoredTuple } from './wal';
import type { RowChange } from './wal-decoder';
import { flushDueAt, KAFKA_CONNECT_OFFSET_FLUSH_INTERVAL_MS, seconds } from './cdc-offsets';
import { changedRelations, checkRelations, keptRelations, withKeptNames, type KeptRelations } from './cdc-relations';
import { slotStatus } from './cdc-slot-loss';
import { endOfOutage, snapshot } from './cdc-snapshot';

export const CONNECTOR_PARTICIPANT = 'connector';
/** Where the connector keeps its position: a consumer group of its own in the broker. */
export const OFFSETS_GROUP = 'cdc-connector';
export const OFFSETS_TOPIC = 'connect-offsets';
export const HEARTBEAT_TABLE_NAME = 'service.cdc_heartbeat';
export const HEARTBEAT_TABLE = `CREATE TABLE ${HEARTBEAT_TABLE_NAME} (
  id integer PRIMARY KEY,
  beats integer NOT NULL,
  beat_at timestamptz NOT NULL
)`;

/**
 * Where a connector that needs row images keeps them, beside its position: a restart that forgot
 * them could not rebuild an UPDATE's row (see `images` below).
 */
export const CONNECTOR_STATE_TABLE = `CREATE TABLE service.cdc_connector_state (
  id integer PRIMARY KEY,
  row_images text NOT NULL,
  relations text
)`;

/** A change a connector reads and deliberately does not publish, with what it logs about it. */
export interface SkippedChange {
  skipped: string;
}

export function isSkipped(routed: OutgoingMessage | SkippedChange | null): routed is SkippedChange {
  return routed !== null && 'skipped' in routed;
}

export interface ConnectorConfig {
  /** Tables whose changes it streams (schema-qualified). */
  captured: string[];
  /** Writes a heartbeat row when it has read only other tables' WAL. */
  heartbeat: boolean;
  /** Keeps row images in `service.cdc_connector_state` (needed to stream UPDATEs and DELETEs). */
  keepsRowImages: boolean;
  /**
   * What to publish for a change; null publishes nothing (a heartbeat, an outbox DELETE); a
   * skipped change publishes nothing and is logged as a warning (an UPDATE on an outbox).
   */
  toMessage(change: RowChange): OutgoingMessage | SkippedChange | null;
  /**
   * Kafka Connect's `offset.flush.interval.ms`, in virtual time: the position is stored on this
   * timer (cdc-offsets.ts). Absent: stored after every batch.
   */
  offsetFlushIntervalMs?: number;
  /**
   * Follows the captured tables' columns when they change mid-stream, as Debezium does from
   * pgoutput's RELATION messages (cdc-relations.ts); needs `keepsRowImages` (they are kept together).
   */
  followsRelations?: boolean;
  /**
   * Its slot can be invalidated (cdc-slot-loss.ts). It starts down, until `downUntil`; on a lost
   * slot its task fails and it alerts `operator`; with snapshot.mode=when_needed, a position
   * the slot no longer has makes it take a new snapshot of the captured tables.
   */
  slotLoss?: { downUntil: number; operator: string };
}

export interface ConnectorContext {
  heartbeat: boolean;
  /** The decoder this run's WAL is read with, learnt when connecting. */
  decoder: DecoderName;
  /** Stored position (bytes from the run's start) it reads from; null until read from the broker. */
  position: number | null;
  tables: CapturedTable[];
  /**
   * Last tuple image per row slot (`table/block/offset`). The WAL at wal_level=replica has no old
   * row in UPDATE and DELETE records, and an UPDATE on the same page logs only the bytes that
   * changed: without these images there is neither a `before` nor a whole `after`.
   */
  images: Record<string, StoredTuple>;
  /** The images as they will be once the current batch is confirmed. */
  pendingImages: Record<string, StoredTuple>;
  batch: OutgoingMessage[];
  /** Position after the records of the current batch: what it stores once the batch is out. */
  batchEnd: number;
  /**
   * Where the slot must keep the WAL from once the batch is out: the first record of a transaction
   * still open, or null to follow the stored position (wal-decoder.ts, `restart`).
   */
  batchRestart?: number | null;
  /** The captured tables' columns as they will be once the current batch is confirmed. */
  pendingTables: CapturedTable[];
  /** offset.flush.interval.ms in virtual time; null stores after every batch. */
  flushIntervalMs: number | null;
  /** When it connected: the flush timer ticks from there. */
  startedAt: number;
  /** When the oldest change not yet flushed was confirmed; null when the flushed position is current. */
  unflushedSince: number | null;
  /** A connector that starts down stays down until then (0: restarts at once). */
  downUntil: number;
}

type ConnectorEvent =
  | { type: 'CONNECTED'; position: number; tables: CapturedTable[]; images: Record<string, StoredTuple>; decoder: DecoderName; at: number }
  | { type: 'CONNECT_FAILED' }
  | { type: 'CHANGES'; messages: OutgoingMessage[]; end: number; images: Record<string, StoredTuple>; tables: CapturedTable[]; at: number; restart?: number }
  | { type: 'EMPTY' }
  | { type: 'HEARTBEAT_DUE' }
  | { type: 'FLUSH_DUE' }
  | { type: 'READ_FAILED' }
  | { type: 'PUBLISHED'; at: number }
  | { type: 'PUBLISH_FAILED' }
  | { type: 'STORED' }
  | { type: 'ADVANCED' }
  | { type: 'BEAT' }
  | { type: 'SLOT_LOST' }
  | { type: 'NEEDS_SNAPSHOT'; tables: CapturedTable[]; decoder: DecoderName }
  | { type: 'SNAPSHOT'; messages: OutgoingMessage[]; end: number; images: Record<string, StoredTuple>; tables: CapturedTable[]; at: number }
  | { type: 'TASK_RESTARTED' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

interface ConnectorInput {
  heartbeat: boolean;
  flushIntervalMs?: number | null;
  downUntil?: number;
}

const fresh = (heartbeat: boolean, flushIntervalMs: number | null = null, downUntil = 0): ConnectorContext => ({
  heartbeat,
  decoder: 'pg_walinspect',
  position: null,
  tables: [],
  images: {},
  pendingImages: {},
  batch: [],
  batchEnd: 0,
  pendingTables: [],
  flushIntervalMs,
  startedAt: 0,
  unflushedSince: null,
  downUntil,
});

const pollTransitions = {
  CHANGES: [
    { guard: 'hasMessages', target: 'publishing', actions: 'takeChanges' },
    // Only changes that publish nothing (a heartbeat): still worth confirming.
    { target: 'storing', actions: 'takeChanges' },
  ],
  EMPTY: { target: 'idle', reenter: true },
  READ_FAILED: { target: 'sleeping', reenter: true },
} as const;

/**
 * With a flush interval, a batch is confirmed in memory once it is out; the flush that makes it
 * durable comes on the timer, from a poll (FLUSH_DUE). Until then an empty read is no rest: the
 * connector keeps polling, so the flush is made before the run can settle.
 */
const flushingPollTransitions = {
  CHANGES: [
    { guard: 'hasMessages', target: 'publishing', actions: 'takeChanges' },
    { target: 'sleeping', actions: ['takeChanges', 'confirm', 'noteUnflushed'] },
  ],
  EMPTY: [{ guard: 'unflushed', target: 'sleeping', reenter: true }, { target: 'idle', reenter: true }],
  FLUSH_DUE: 'storing',
  READ_FAILED: { target: 'sleeping', reenter: true },
} as const;

/** What sets a connector's statechart apart, beyond heartbeats; each adds only states its runs reach. */
export interface ConnectorFeatures {
  /** Stores its position on a timer (`offsetFlushIntervalMs`) instead of after every batch. */
  flushes?: boolean;
  /** Its slot can be lost: it starts down, and has the `failed` and `snapshotting` states. */
  slotLoss?: boolean;
}

/**
 * The connector's statechart. Only a connector with heartbeats has the `heartbeating` state, so
 * every state a machine has is one its runs can reach.
 */
export function createCdcConnectorMachine(withHeartbeat: boolean, features: ConnectorFeatures = {}) {
  const heartbeatStates: Record<string, { meta: { op: string }; on: { BEAT: 'sleeping' } }> = withHeartbeat
    ? { heartbeating: { meta: { op: 'heartbeat' }, on: { BEAT: 'sleeping' } } }
    : {};
  const basePolling = features.flushes ? flushingPollTransitions : pollTransitions;
  const polling = withHeartbeat ? { ...basePolling, HEARTBEAT_DUE: 'heartbeating' } : basePolling;
  const afterBatch = features.flushes ? ({ target: 'sleeping', actions: ['confirm', 'noteUnflushed'] } as const) : ({ target: 'storing' } as const);
  const snapshotTaken = [
    { guard: 'hasMessages', target: 'publishing', actions: ['startFromSnapshot', 'takeChanges'] },
    features.flushes
      ? { target: 'sleeping', actions: ['startFromSnapshot', 'takeChanges', 'confirm', 'noteUnflushed'] }
      : { target: 'storing', actions: ['startFromSnapshot', 'takeChanges'] },
  ];
  // Typed loosely, like the consumer's: XState checks these transitions when the machine is built.
  const slotLossStates: object = features.slotLoss
    ? {
        // Its task failed on a lost slot: it waits for someone to drop the slot and restart it.
        failed: { tags: ['idle'], on: { TASK_RESTARTED: { target: 'connecting', actions: 'restartTask' } } },
        snapshotting: { meta: { op: 'snapshot' }, on: { SNAPSHOT: snapshotTaken, READ_FAILED: { target: 'snapshotting', reenter: true } } },
      }
    : {};
  const connectingSlotLoss = features.slotLoss
    ? ({
        SLOT_LOST: 'failed',
        NEEDS_SNAPSHOT: { target: 'snapshotting', actions: 'prepareSnapshot' },
      } as const)
    : {};
  // A connector that starts down (lost-slot) waits in `crashed` until its outage ends.
  const crashedMeta = features.slotLoss
    ? { op: 'restart', delay: 'restartMs', notBefore: (context: ConnectorContext) => context.downUntil }
    : { op: 'restart', delay: 'restartMs' };
  return setup({
    types: {
      context: {} as ConnectorContext,
      events: {} as ConnectorEvent,
      input: {} as ConnectorInput,
    },
    guards: {
      hasMessages: ({ event }) => (event.type === 'CHANGES' || event.type === 'SNAPSHOT') && event.messages.length > 0,
      moreInBatch: ({ context }) => context.batch.length > 1,
      unflushed: ({ context }) => context.unflushedSince !== null,
    },
    actions: {
      takeChanges: assign(({ event }) =>
        event.type === 'CHANGES' || event.type === 'SNAPSHOT'
          ? { batch: event.messages, batchEnd: event.end, pendingImages: event.images, pendingTables: event.tables, batchRestart: event.type === 'CHANGES' ? (event.restart ?? null) : null }
          : {},
      ),
      nextMessage: assign({ batch: ({ context }) => context.batch.slice(1) }),
      confirm: assign(({ context }) => ({
        position: context.batchEnd,
        images: context.pendingImages,
        batch: [],
        ...(context.pendingTables.length > 0 ? { tables: context.pendingTables } : {}),
      })),
      noteUnflushed: assign(({ context, event }) => ({ unflushedSince: context.unflushedSince ?? ('at' in event ? event.at : 0) })),
      markFlushed: assign({ unflushedSince: null }),
      clearBatch: assign({ batch: [] }),
      // The snapshot's position is where the new slot starts: nothing older can be read again.
      startFromSnapshot: assign(({ event }) => (event.type === 'SNAPSHOT' ? { position: event.end, startedAt: event.at, unflushedSince: null } : {})),
      restartTask: assign(({ context }) => fresh(context.heartbeat, context.flushIntervalMs)),
      prepareSnapshot: assign(({ event }) => (event.type === 'NEEDS_SNAPSHOT' ? { tables: event.tables, decoder: event.decoder } : {})),
    },
  }).createMachine({
    id: 'connector',
    context: ({ input }) => fresh(input.heartbeat, input.flushIntervalMs ?? null, input.downUntil ?? 0),
    initial: features.slotLoss ? CRASHED_STATE : 'connecting',
    states: {
      connecting: {
        meta: { op: 'connect' },
        on: {
          // Sleeping, not idle: a fresh connector must read at least once before it may count as settled.
          CONNECTED: {
            target: 'sleeping',
            actions: assign(({ event }) =>
              event.type === 'CONNECTED' ? { position: event.position, tables: event.tables, images: event.images, decoder: event.decoder, startedAt: event.at, unflushedSince: null } : {},
            ),
          },
          CONNECT_FAILED: { target: 'connecting', reenter: true },
          ...connectingSlotLoss,
        },
      },
      idle: { tags: ['polled-empty'], meta: { op: 'poll', delay: 'relayPollMs' }, on: polling },
      sleeping: { meta: { op: 'poll', delay: 'relayPollMs' }, on: polling },
      publishing: {
        meta: { op: 'publish' },
        on: {
          PUBLISHED: [{ guard: 'moreInBatch', target: 'publishing', reenter: true, actions: 'nextMessage' }, afterBatch],
          // Nothing stored: the next poll reads the same records again and publishes the batch anew.
          PUBLISH_FAILED: { target: 'sleeping', actions: 'clearBatch' },
        },
      },
      storing: { meta: { op: 'store-position' }, on: { STORED: { target: 'advancing', actions: features.flushes ? 'markFlushed' : 'confirm' } } },
      advancing: { meta: { op: 'advance-slot' }, on: { ADVANCED: 'sleeping' } },
      ...heartbeatStates,
      ...slotLossStates,
      [CRASHED_STATE]: {
        meta: crashedMeta,
        on: { RESTARTED: { target: 'connecting', actions: assign(({ context }) => fresh(context.heartbeat, context.flushIntervalMs)) } },
      },
    },
    on: { CRASH: `.${CRASHED_STATE}` },
  });
}

function storedPosition(ctx: OperationContext<ConnectorContext>): number {
  return ctx.broker.committedOffsets(OFFSETS_GROUP, OFFSETS_TOPIC)[0] ?? 0;
}

function connect(config: ConnectorConfig): Operation<ConnectorContext> {
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

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function poll(config: ConnectorConfig): Operation<ConnectorContext> {
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

const publish: Operation<ConnectorContext> = {
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

function storePosition(config: ConnectorConfig): Operation<ConnectorContext> {
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

const advanceSlot: Operation<ConnectorContext> = {
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

const heartbeat: Operation<ConnectorContext> = {
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

/** The connector's position (in memory, ahead of the flushed one between flushes), as the inspections show it. */
export function connectorPosition(context: unknown): number | null {
  return (context as ConnectorContext | undefined)?.position ?? null;
}

export function cdcConnectorProcess(label: string, config: ConnectorConfig): ProcessSpec {
  return {
    id: CONNECTOR_PARTICIPANT,
    machine: createCdcConnectorMachine(config.heartbeat, { flushes: config.offsetFlushIntervalMs !== undefined, slotLoss: config.slotLoss !== undefined }),
    input: { heartbeat: config.heartbeat, flushIntervalMs: config.offsetFlushIntervalMs ?? null, downUntil: config.slotLoss?.downUntil ?? 0 } satisfies ConnectorInput,
    operations: {
      connect: connect(config),
      poll: poll(config),
      publish,
      'store-position': storePosition(config),
      'advance-slot': advanceSlot,
      heartbeat,
      ...(config.slotLoss ? { snapshot: snapshot(config) } : {}),
      restart: config.slotLoss ? endOfOutage(restartOperation(label)) : restartOperation(label),
    },
  };
}

/**
 * A log-tailing CDC connector, Debezium-like, reading the real write-ahead log of the lab's
 * Postgres (see wal.ts). Each poll it reads every record from its stored position on, keeps only
 * heap changes of the tables it captures, buffers them per transaction, and lets a transaction's
 * changes out only when its COMMIT record is there: a rolled-back transaction has none and emits
 * nothing. It publishes each change, then stores its position in the broker (as Kafka Connect
 * keeps offsets in Kafka), then advances the replication slot so Postgres may recycle the WAL.
 *
 * A crash after a publish and before the position is stored means the next read starts from the
 * old position: the change goes out again (at least once). A connector that stores and advances
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
  row_images text NOT NULL
)`;

export interface ConnectorConfig {
  /** Tables whose changes it streams (schema-qualified). */
  captured: string[];
  /** Writes a heartbeat row when it has read only other tables' WAL. */
  heartbeat: boolean;
  /** Keeps row images in `service.cdc_connector_state` (needed to stream UPDATEs and DELETEs). */
  keepsRowImages: boolean;
  /** What to publish for a change; null publishes nothing (a heartbeat, an outbox DELETE). */
  toMessage(change: RowChange): OutgoingMessage | null;
}

interface ConnectorContext {
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
}

type ConnectorEvent =
  | { type: 'CONNECTED'; position: number; tables: CapturedTable[]; images: Record<string, StoredTuple>; decoder: DecoderName }
  | { type: 'CONNECT_FAILED' }
  | { type: 'CHANGES'; messages: OutgoingMessage[]; end: number; images: Record<string, StoredTuple>; restart?: number }
  | { type: 'EMPTY' }
  | { type: 'HEARTBEAT_DUE' }
  | { type: 'READ_FAILED' }
  | { type: 'PUBLISHED' }
  | { type: 'PUBLISH_FAILED' }
  | { type: 'STORED' }
  | { type: 'ADVANCED' }
  | { type: 'BEAT' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

const fresh = (heartbeat: boolean): ConnectorContext => ({ heartbeat, decoder: 'pg_walinspect', position: null, tables: [], images: {}, pendingImages: {}, batch: [], batchEnd: 0 });

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
 * The connector's statechart. Only a connector with heartbeats has the `heartbeating` state, so
 * every state a machine has is one its runs can reach.
 */
export function createCdcConnectorMachine(withHeartbeat: boolean) {
  const heartbeatStates: Record<string, { meta: { op: string }; on: { BEAT: 'sleeping' } }> = withHeartbeat
    ? { heartbeating: { meta: { op: 'heartbeat' }, on: { BEAT: 'sleeping' } } }
    : {};
  const polling = withHeartbeat ? { ...pollTransitions, HEARTBEAT_DUE: 'heartbeating' } : pollTransitions;
  return setup({
    types: {
      context: {} as ConnectorContext,
      events: {} as ConnectorEvent,
      input: {} as { heartbeat: boolean },
    },
    guards: {
      hasMessages: ({ event }) => event.type === 'CHANGES' && event.messages.length > 0,
      moreInBatch: ({ context }) => context.batch.length > 1,
    },
    actions: {
      takeChanges: assign(({ event }) =>
        event.type === 'CHANGES' ? { batch: event.messages, batchEnd: event.end, pendingImages: event.images, batchRestart: event.restart ?? null } : {},
      ),
      nextMessage: assign({ batch: ({ context }) => context.batch.slice(1) }),
      confirm: assign(({ context }) => ({ position: context.batchEnd, images: context.pendingImages, batch: [] })),
      clearBatch: assign({ batch: [] }),
    },
  }).createMachine({
    id: 'connector',
    context: ({ input }) => fresh(input.heartbeat),
    initial: 'connecting',
    states: {
      connecting: {
        meta: { op: 'connect' },
        on: {
          // Sleeping, not idle: a fresh connector must read at least once before it may count as settled.
          CONNECTED: { target: 'sleeping', actions: assign(({ event }) => (event.type === 'CONNECTED' ? { position: event.position, tables: event.tables, images: event.images, decoder: event.decoder } : {})) },
          CONNECT_FAILED: { target: 'connecting', reenter: true },
        },
      },
      idle: { tags: ['polled-empty'], meta: { op: 'poll', delay: 'relayPollMs' }, on: polling },
      sleeping: { meta: { op: 'poll', delay: 'relayPollMs' }, on: polling },
      publishing: {
        meta: { op: 'publish' },
        on: {
          PUBLISHED: [{ guard: 'moreInBatch', target: 'publishing', reenter: true, actions: 'nextMessage' }, { target: 'storing' }],
          // Nothing stored: the next poll reads the same records again and publishes the batch anew.
          PUBLISH_FAILED: { target: 'sleeping', actions: 'clearBatch' },
        },
      },
      storing: { meta: { op: 'store-position' }, on: { STORED: { target: 'advancing', actions: 'confirm' } } },
      advancing: { meta: { op: 'advance-slot' }, on: { ADVANCED: 'sleeping' } },
      ...heartbeatStates,
      [CRASHED_STATE]: {
        meta: { op: 'restart', delay: 'restartMs' },
        on: { RESTARTED: { target: 'connecting', actions: assign(({ context }) => fresh(context.heartbeat)) } },
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
      const tables = await describeTables(ctx.db, config.captured);
      if (!tables.ok) return { event: { type: 'CONNECT_FAILED' }, caption: 'The connector cannot read the catalogue and tries again.' };
      const position = storedPosition(ctx);
      let images: Record<string, StoredTuple> = {};
      if (config.keepsRowImages) {
        const state = await ctx.db.statement<{ row_images: string }>('load row images', 'SELECT row_images FROM service.cdc_connector_state WHERE id = 1');
        if (!state.ok) return { event: { type: 'CONNECT_FAILED' }, caption: 'The connector cannot load its row images and tries again.' };
        images = state.value.rows[0] ? (JSON.parse(state.value.rows[0].row_images) as Record<string, StoredTuple>) : {};
      }
      return {
        event: { type: 'CONNECTED', position, tables: tables.value, images, decoder: tables.decoder },
        caption: `The connector finds the captured tables' files and resumes at WAL ${showPos(position)}.`,
      };
    },
  };
}

const OP_NAMES = { c: 'insert', u: 'update', d: 'delete', m: 'message' } as const;

/** "2 inserts, 2 deletes on outbox": what a read found, table by table. */
function describeChanges(changes: RowChange[]): string {
  const tables = new Map<string, Map<string, number>>();
  for (const c of changes) {
    const table = c.table.replace(/^.*\./, '');
    const counts = tables.get(table) ?? new Map<string, number>();
    counts.set(OP_NAMES[c.op], (counts.get(OP_NAMES[c.op]) ?? 0) + 1);
    tables.set(table, counts);
  }
  return [...tables].map(([table, counts]) => `${[...counts].map(([op, n]) => plural(n, op)).join(', ')} on ${table}`).join('; ');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function poll(config: ConnectorConfig): Operation<ConnectorContext> {
  return {
    faults: [],
    crashable: true,
    latencyMs: 3,
    intent: () => 'reading the WAL',
    async run(ctx) {
      const from = ctx.context.position ?? storedPosition(ctx);
      const source = CHANGE_SOURCES[ctx.context.decoder];
      const batch = await source.read(ctx.db, from, ctx.context.tables, ctx.context.images);
      if (!batch.ok) return { event: { type: 'READ_FAILED' }, caption: 'The connector fails to read the WAL.' };
      if (batch.value.read === 0) return { event: { type: 'EMPTY' }, caption: source.nothingNew };
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
      const messages = committed.map((c) => config.toMessage(c)).filter((m): m is OutgoingMessage => m !== null);
      return {
        event: { type: 'CHANGES', messages, end, images, restart: batch.value.restart },
        orders: ordersOf(messages),
        caption: droppedTx
          ? `The connector reads ${count(true)}: ${describeChanges(committed)}; tx ${rolledBack.join(', ')} aborted.`
          : `The connector reads ${count(false)}: ${describeChanges(committed)}.`,
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
    return { event: { type: 'PUBLISHED' }, caption: `The connector publishes ${message.eventType} for order ${message.orderId} to ${message.topic}.` };
  },
};

function storePosition(config: ConnectorConfig): Operation<ConnectorContext> {
  return {
    faults: [],
    crashable: true,
    latencyMs: 2,
    intent: (context) => `storing its position ${showPos(context.batchEnd)}`,
    async run(ctx) {
      if (config.keepsRowImages) {
        // Images first: if it died between the two, it would re-read from the older position with
        // newer images, which still rebuilds the same rows; the other way round it could not.
        await ctx.db.statement(
          'store row images',
          `INSERT INTO service.cdc_connector_state (id, row_images) VALUES (1, $1)
           ON CONFLICT (id) DO UPDATE SET row_images = excluded.row_images`,
          [JSON.stringify(ctx.context.pendingImages)],
        );
      }
      ctx.broker.commitOffset(OFFSETS_GROUP, OFFSETS_TOPIC, 0, ctx.context.batchEnd);
      return { event: { type: 'STORED' }, caption: `The connector stores position ${showPos(ctx.context.batchEnd)} in the broker.` };
    },
  };
}

const advanceSlot: Operation<ConnectorContext> = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: () => 'advancing the replication slot',
  async run(ctx) {
    const pos = ctx.context.batchRestart ?? ctx.context.position ?? 0;
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

/** The connector's stored position, as the inspections show it. */
export function connectorPosition(context: unknown): number | null {
  return (context as ConnectorContext | undefined)?.position ?? null;
}

export function cdcConnectorProcess(label: string, config: ConnectorConfig): ProcessSpec {
  return {
    id: CONNECTOR_PARTICIPANT,
    machine: createCdcConnectorMachine(config.heartbeat),
    input: { heartbeat: config.heartbeat },
    operations: {
      connect: connect(config),
      poll: poll(config),
      publish,
      'store-position': storePosition(config),
      'advance-slot': advanceSlot,
      heartbeat,
      restart: restartOperation(label),
    },
  };
}

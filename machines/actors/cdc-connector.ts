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
import type { ProcessSpec } from '../kernel/pattern';
import { CRASHED_STATE, restartOperation } from './process';
import { endOfOutage, snapshot } from './cdc-snapshot';
import { CONNECTOR_PARTICIPANT, fresh, type ConnectorConfig, type ConnectorContext, type ConnectorEvent, type ConnectorInput } from './cdc-connector-model';
import { connect, poll, publish, storePosition, advanceSlot, heartbeat } from './cdc-connector-operations';

export * from './cdc-connector-model';

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

/**
 * A polling relay that keeps a cursor instead of asking for unpublished rows: it reads
 * `WHERE id > last_seen ORDER BY id` and remembers the highest id it has published. That trusts
 * ids to become visible in id order, which Postgres does not promise: a sequence hands out ids
 * outside transactions, so a transaction holding a lower id can commit after a higher one — and the
 * cursor has already moved past it. That row is never read.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../kernel/pattern';
import type { TableSnapshot } from '../kernel/types';
import { markOutboxRow, publishOutboxRow, RELAY_BATCH_SIZE, RELAY_PARTICIPANT, type OutboxRow, type RelayContext } from './outbox-relay';
import { outboxOrders } from './orders-concerned';
import { CRASHED_STATE, restartOperation } from './process';

interface CursorRelayContext extends RelayContext {
  /** The highest outbox id published; null after a (re)start until read back from the outbox. */
  lastSeen: number | null;
}

type CursorRelayEvent =
  | { type: 'ROWS'; rows: OutboxRow[]; lastSeen: number }
  | { type: 'EMPTY'; lastSeen: number }
  | { type: 'POLL_FAILED' }
  | { type: 'PUBLISHED' }
  | { type: 'PUBLISH_FAILED' }
  | { type: 'MARKED' }
  | { type: 'MARK_FAILED' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

const pollTransitions = {
  ROWS: { target: 'publishing', actions: 'takeRows' },
  EMPTY: { target: 'idle', reenter: true, actions: 'keepCursor' },
  POLL_FAILED: { target: 'sleeping', reenter: true },
} as const;

// Marking moves the cursor: from now on the relay only asks for ids above this one.
const afterMark = [
  { guard: 'moreInBatch', target: 'publishing', actions: ['advanceCursor', 'nextRow'] },
  { target: 'sleeping', actions: ['advanceCursor', 'clearBatch'] },
] as const;

export const idCursorRelayMachine = setup({
  types: { context: {} as CursorRelayContext, events: {} as CursorRelayEvent },
  guards: { moreInBatch: ({ context }) => context.batch.length > 1 },
  actions: {
    takeRows: assign(({ event }) => (event.type === 'ROWS' ? { batch: event.rows, lastSeen: event.lastSeen } : {})),
    keepCursor: assign(({ event }) => (event.type === 'EMPTY' ? { lastSeen: event.lastSeen } : {})),
    advanceCursor: assign({ lastSeen: ({ context }) => Math.max(context.lastSeen ?? 0, context.batch[0]?.id ?? 0) }),
    nextRow: assign({ batch: ({ context }) => context.batch.slice(1) }),
    clearBatch: assign({ batch: [] }),
  },
}).createMachine({
  id: 'relay',
  context: { batch: [], lastSeen: null },
  initial: 'idle',
  states: {
    idle: { tags: ['polled-empty'], meta: { op: 'poll', delay: 'relayPollMs' }, on: pollTransitions },
    sleeping: { meta: { op: 'poll', delay: 'relayPollMs' }, on: pollTransitions },
    publishing: { meta: { op: 'publish' }, on: { PUBLISHED: 'marking', PUBLISH_FAILED: { target: 'sleeping', actions: 'clearBatch' } } },
    marking: { meta: { op: 'mark' }, on: { MARKED: afterMark, MARK_FAILED: afterMark } },
    [CRASHED_STATE]: {
      meta: { op: 'restart', delay: 'restartMs' },
      on: { RESTARTED: { target: 'sleeping', actions: assign({ batch: [], lastSeen: null }) } },
    },
  },
  on: { CRASH: `.${CRASHED_STATE}` },
});

const pollAfterCursor: Operation<CursorRelayContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `polling the outbox for ids above ${context.lastSeen ?? 'its stored cursor'}`,
  async run(ctx) {
    let lastSeen = ctx.context.lastSeen;
    if (lastSeen === null) {
      // After a restart the cursor is read back from what is already marked published.
      const cursor = await ctx.db.statement<{ last_seen: number }>(
        'read back the cursor',
        'SELECT coalesce(max(id), 0) AS last_seen FROM service.outbox WHERE published',
      );
      if (!cursor.ok) return { event: { type: 'POLL_FAILED' }, caption: 'The relay fails to read its cursor back.' };
      lastSeen = Number(cursor.value.rows[0]!.last_seen);
    }
    const result = await ctx.db.statement<OutboxRow>(
      'poll the outbox after the cursor',
      'SELECT id, event_id, aggregate_id, event_type FROM service.outbox WHERE id > $1 ORDER BY id LIMIT $2',
      [lastSeen, RELAY_BATCH_SIZE],
    );
    if (!result.ok) return { event: { type: 'POLL_FAILED' }, caption: 'The relay fails to read the outbox.' };
    const rows = result.value.rows;
    if (rows.length === 0) {
      return { event: { type: 'EMPTY', lastSeen }, caption: `The relay finds no outbox row with an id above ${lastSeen}.` };
    }
    return {
      event: { type: 'ROWS', rows, lastSeen },
      orders: outboxOrders(rows),
      caption: `The relay reads ${rows.length} row${rows.length === 1 ? '' : 's'} with ids above ${lastSeen}.`,
    };
  },
};

/** The cursor and the batch in the relay's memory. */
export function idCursorRelayMemory(context: unknown): TableSnapshot {
  const c = context as CursorRelayContext | undefined;
  const batch = c?.batch ?? [];
  return {
    name: 'relay memory',
    note: 'last_seen: the highest id published. The next poll asks only for ids above it; a lower id committed later is never read.',
    columns: ['last_seen', 'outbox_id', 'event_id', 'aggregate_id'],
    rows:
      batch.length > 0
        ? batch.map((row) => ({ last_seen: c?.lastSeen ?? null, outbox_id: row.id, event_id: row.event_id, aggregate_id: row.aggregate_id }))
        : [{ last_seen: c?.lastSeen ?? null, outbox_id: null, event_id: null, aggregate_id: null }],
  };
}

export function idCursorRelayProcess(label: string): ProcessSpec {
  return {
    id: RELAY_PARTICIPANT,
    machine: idCursorRelayMachine,
    operations: { poll: pollAfterCursor, publish: publishOutboxRow, mark: markOutboxRow, restart: restartOperation(label) },
  };
}

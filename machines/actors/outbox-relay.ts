/**
 * The polling outbox relay: every poll interval it reads unpublished outbox rows in creation
 * order, publishes each to the broker, and only then marks it published. A crash between the
 * publish and the mark leaves the row unpublished, so the next poll sends it again: delivery is
 * at least once, never at most once.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../kernel/pattern';
import type { TableSnapshot } from '../kernel/types';
import { outboxOrders } from './orders-concerned';
import { CRASHED_STATE, restartOperation } from './process';

export const RELAY_PARTICIPANT = 'relay';
export const RELAY_BATCH_SIZE = 10;
export const ORDERS_TOPIC = 'orders';

export interface OutboxRow {
  id: number;
  event_id: string;
  aggregate_id: string;
  event_type: string;
}

export interface RelayContext {
  batch: OutboxRow[];
}

type RelayEvent =
  | { type: 'ROWS'; rows: OutboxRow[] }
  | { type: 'EMPTY' }
  | { type: 'POLL_FAILED' }
  | { type: 'PUBLISHED' }
  | { type: 'PUBLISH_FAILED' }
  | { type: 'MARKED' }
  | { type: 'MARK_FAILED' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

const pollTransitions = {
  ROWS: { target: 'publishing', actions: 'takeRows' },
  EMPTY: { target: 'idle', reenter: true },
  POLL_FAILED: { target: 'sleeping', reenter: true },
} as const;

const afterMark = [
  { guard: 'moreInBatch', target: 'publishing', actions: 'nextRow' },
  { target: 'sleeping', actions: 'clearBatch' },
] as const;

export const pollingRelayMachine = setup({
  types: { context: {} as RelayContext, events: {} as RelayEvent },
  guards: { moreInBatch: ({ context }) => context.batch.length > 1 },
  actions: {
    takeRows: assign(({ event }) => (event.type === 'ROWS' ? { batch: event.rows } : {})),
    nextRow: assign({ batch: ({ context }) => context.batch.slice(1) }),
    clearBatch: assign({ batch: [] }),
  },
}).createMachine({
  id: 'relay',
  context: { batch: [] },
  initial: 'idle',
  states: {
    idle: { tags: ['polled-empty'], meta: { op: 'poll', delay: 'relayPollMs' }, on: pollTransitions },
    sleeping: { meta: { op: 'poll', delay: 'relayPollMs' }, on: pollTransitions },
    publishing: {
      meta: { op: 'publish' },
      on: {
        PUBLISHED: 'marking',
        // The row stays unpublished; the next poll picks it up again.
        PUBLISH_FAILED: { target: 'sleeping', actions: 'clearBatch' },
      },
    },
    marking: { meta: { op: 'mark' }, on: { MARKED: afterMark, MARK_FAILED: afterMark } },
    [CRASHED_STATE]: { meta: { op: 'restart', delay: 'restartMs' }, on: { RESTARTED: { target: 'sleeping', actions: 'clearBatch' } } },
  },
  on: { CRASH: `.${CRASHED_STATE}` },
});

/** Reads the oldest unpublished rows; shared with the relay that wakes on notifications. */
export const pollOutbox: Operation<RelayContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: () => 'polling the outbox',
  async run(ctx) {
    const result = await ctx.db.statement<OutboxRow>(
      'poll the outbox',
      'SELECT id, event_id, aggregate_id, event_type FROM service.outbox WHERE published = false ORDER BY created_at, id LIMIT $1',
      [RELAY_BATCH_SIZE],
    );
    if (!result.ok) return { event: { type: 'POLL_FAILED' }, caption: 'The relay fails to read the outbox.' };
    const rows = result.value.rows;
    if (rows.length === 0) return { event: { type: 'EMPTY' }, caption: 'The relay polls the outbox and finds no unpublished rows.' };
    return {
      event: { type: 'ROWS', rows },
      orders: outboxOrders(rows),
      caption: `The relay reads ${rows.length} unpublished row${rows.length === 1 ? '' : 's'} from the outbox.`,
    };
  },
};

/** Publishes the first row of the batch; shared by every relay that holds a batch of outbox rows. */
export const publishOutboxRow: Operation<RelayContext> = {
  faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost'],
  crashable: true,
  latencyMs: 6,
  intent: (context) => `publishing outbox row ${context.batch[0]?.id ?? '?'}`,
  about: (context) => outboxOrders(context.batch.slice(0, 1)),
  async run(ctx) {
    const row = ctx.context.batch[0]!;
    const outcome = ctx.broker.publish({
      topic: ORDERS_TOPIC,
      key: row.aggregate_id,
      eventId: row.event_id,
      eventType: row.event_type,
      orderId: Number(row.aggregate_id),
      sourceSeq: row.id,
    });
    if (!outcome.ok) {
      return {
        event: { type: 'PUBLISH_FAILED' },
        caption: `The relay's publish of order ${row.aggregate_id} fails (${outcome.error}); the row stays unpublished.`,
      };
    }
    const who = relayName(ctx.actor);
    return { event: { type: 'PUBLISHED' }, caption: `The ${who} publishes ${row.event_type} for order ${row.aggregate_id}.` };
  },
};

/** Marks the first row of the batch published; shared like {@link publishOutboxRow}. */
export const markOutboxRow: Operation<RelayContext> = {
  faults: ['commit-unknown'],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `marking outbox row ${context.batch[0]?.id ?? '?'} published`,
  about: (context) => outboxOrders(context.batch.slice(0, 1)),
  async run(ctx) {
    const row = ctx.context.batch[0]!;
    const result = await ctx.db.statement(
      `mark outbox row ${row.id} published`,
      'UPDATE service.outbox SET published = true, published_at = $2 WHERE id = $1',
      [row.id, ctx.timestamp()],
    );
    if (!result.ok) return { event: { type: 'MARK_FAILED' }, caption: `The ${relayName(ctx.actor)} cannot tell whether row ${row.id} was marked.` };
    return { event: { type: 'MARKED' }, caption: `The ${relayName(ctx.actor)} marks outbox row ${row.id} as published.` };
  },
};

/** How captions name a relay: "relay", or "relay 2" where a second instance competes with it. */
export function relayName(actor: string): string {
  return actor === RELAY_PARTICIPANT ? 'relay' : actor.replace('-', ' ');
}

/** The rows the relay holds in memory right now: what a crash would make it forget. */
export function relayMemory(context: unknown): TableSnapshot {
  const batch = (context as RelayContext | undefined)?.batch ?? [];
  return {
    name: 'relay memory',
    note: 'Rows the relay has read but not yet marked. A crash forgets them; the outbox does not.',
    columns: ['outbox_id', 'event_id', 'aggregate_id'],
    rows: batch.map((row) => ({ outbox_id: row.id, event_id: row.event_id, aggregate_id: row.aggregate_id })),
  };
}

export function pollingRelayProcess(label: string): ProcessSpec {
  return { id: RELAY_PARTICIPANT, machine: pollingRelayMachine, operations: { poll: pollOutbox, publish: publishOutboxRow, mark: markOutboxRow, restart: restartOperation(label) } };
}

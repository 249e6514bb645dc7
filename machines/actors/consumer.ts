/**
 * The downstream consumer: a member of the `shipping` group that fetches OrderPlaced events,
 * creates a shipment for each in its own tables, then commits its offset. It commits only after
 * the effect, so anything that goes wrong in between means the message comes again
 * (at-least-once). With the idempotency switch on, a `processed_events` row written in the same
 * transaction as the shipment turns those repeats into no-ops.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../kernel/pattern';
import type { StoredMessage } from './broker';
import { CRASHED_STATE, restartOperation } from './process';

export const CONSUMER_PARTICIPANT = 'consumer';
export const CONSUMER_GROUP = 'shipping';
export const FETCH_MAX = 10;

interface ConsumerContext {
  topic: string;
  /** Next offset to read per partition; null until (re)read from the group's committed offsets. */
  positions: number[] | null;
  batch: StoredMessage[];
}

type ConsumerEvent =
  | { type: 'BATCH'; batch: StoredMessage[]; positions: number[] }
  | { type: 'EMPTY'; positions: number[] }
  | { type: 'APPLIED' }
  | { type: 'APPLY_FAILED' }
  | { type: 'COMMITTED' }
  | { type: 'MESSAGES_AVAILABLE' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

export function createConsumerMachine(topic: string) {
  const fresh = (): ConsumerContext => ({ topic, positions: null, batch: [] });
  const fetchTransitions = {
    BATCH: { target: 'applying', actions: 'takeBatch' },
    EMPTY: { target: 'waiting', actions: 'keepPositions' },
  } as const;

  return setup({
    types: { context: {} as ConsumerContext, events: {} as ConsumerEvent },
    guards: { moreInBatch: ({ context }) => context.batch.length > 1 },
    actions: {
      takeBatch: assign(({ event }) => (event.type === 'BATCH' ? { batch: event.batch, positions: event.positions } : {})),
      keepPositions: assign(({ event }) => (event.type === 'EMPTY' ? { positions: event.positions } : {})),
    },
  }).createMachine({
    id: 'consumer',
    context: fresh,
    initial: 'waiting',
    states: {
      fetching: { meta: { op: 'fetch' }, on: fetchTransitions },
      // A long poll, as Kafka consumers do: the fetch stays open until the broker has something.
      waiting: { tags: ['idle'], on: { MESSAGES_AVAILABLE: 'fetching' } },
      applying: {
        meta: { op: 'apply' },
        on: {
          APPLIED: 'committing',
          // Seek back: the failed message and the rest of the batch come again from the committed offset.
          APPLY_FAILED: { target: 'fetching', actions: assign({ positions: null, batch: [] }) },
        },
      },
      committing: {
        meta: { op: 'commit-offset' },
        on: {
          COMMITTED: [
            { guard: 'moreInBatch', target: 'applying', actions: assign({ batch: ({ context }) => context.batch.slice(1) }) },
            { target: 'fetching', actions: assign({ batch: [] }) },
          ],
        },
      },
      [CRASHED_STATE]: { meta: { op: 'restart', delay: 'restartMs' }, on: { RESTARTED: { target: 'fetching', actions: assign(fresh) } } },
    },
    on: { CRASH: `.${CRASHED_STATE}` },
  });
}

const fetch: Operation<ConsumerContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `fetching from ${context.topic}`,
  async run(ctx) {
    const { topic } = ctx.context;
    const positions = ctx.context.positions ?? ctx.broker.committedOffsets(CONSUMER_GROUP, topic);
    const batch = ctx.broker.fetch(CONSUMER_GROUP, topic, positions, FETCH_MAX);
    const next = [...positions];
    for (const m of batch) next[m.partition] = Math.max(next[m.partition] ?? 0, m.offset + 1);
    if (batch.length === 0) {
      return { event: { type: 'EMPTY', positions: next }, caption: 'The consumer finds nothing new and waits on a long poll.' };
    }
    return {
      event: { type: 'BATCH', batch, positions: next },
      caption: `The consumer fetches ${batch.length} message${batch.length === 1 ? '' : 's'} from ${topic}.`,
    };
  },
};

const apply: Operation<ConsumerContext> = {
  faults: ['commit-unknown'],
  crashable: true,
  latencyMs: 4,
  intent: (context) => `applying ${context.batch[0]?.eventType ?? 'the event'} for order ${context.batch[0]?.orderId ?? '?'}`,
  async run(ctx) {
    const message = ctx.context.batch[0]!;
    const idempotent = ctx.scenario.idempotentConsumer;
    const at = ctx.timestamp();
    const result = await ctx.db.transaction(`create shipment for order ${message.orderId}`, async (tx) => {
      if (idempotent) {
        const seen = await tx.query(
          'INSERT INTO consumer.processed_events (event_id, processed_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING',
          [message.eventId, at],
        );
        if (seen.affectedRows === 0) return 'skipped' as const;
      }
      await tx.query('INSERT INTO consumer.shipments (order_id, event_id, created_at) VALUES ($1, $2, $3)', [
        message.orderId,
        message.eventId,
        at,
      ]);
      return 'applied' as const;
    });
    if (!result.ok) {
      return {
        event: { type: 'APPLY_FAILED' },
        caption: `The consumer gets an error applying order ${message.orderId} and will read it again.`,
      };
    }
    return {
      event: { type: 'APPLIED' },
      caption:
        result.value === 'skipped'
          ? `The consumer skips ${message.eventId}: processed_events already has it.`
          : `The consumer creates a shipment for order ${message.orderId}.`,
    };
  },
};

const commitOffset: Operation<ConsumerContext> = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `committing its offset past order ${context.batch[0]?.orderId ?? '?'}`,
  async run(ctx) {
    const message = ctx.context.batch[0]!;
    ctx.broker.commitOffset(CONSUMER_GROUP, ctx.context.topic, message.partition, message.offset + 1);
    return {
      event: { type: 'COMMITTED' },
      caption: `The consumer commits offset ${message.offset + 1} on ${message.topic}/p${message.partition}.`,
    };
  },
};

export function consumerProcess(topic: string, label: string): ProcessSpec {
  return {
    id: CONSUMER_PARTICIPANT,
    machine: createConsumerMachine(topic),
    operations: { fetch, apply, 'commit-offset': commitOffset, restart: restartOperation(label) },
  };
}

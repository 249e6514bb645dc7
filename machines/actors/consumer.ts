/**
 * The downstream consumer: a member of the `shipping` group that fetches OrderPlaced events,
 * creates a shipment for each in its own tables, then commits its offset. It commits only after
 * the effect, so anything that goes wrong in between means the message comes again
 * (at-least-once). With the idempotency switch on, a `processed_events` row written in the same
 * transaction as the shipment turns those repeats into no-ops.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../kernel/pattern';
import type { IsolationLevel, StoredMessage } from './broker';
import { firstOrder, ordersOf } from './orders-concerned';
import { CRASHED_STATE, restartOperation } from './process';

export const CONSUMER_PARTICIPANT = 'consumer';
export const CONSUMER_GROUP = 'shipping';
export const FETCH_MAX = 10;

export interface ConsumerContext {
  topic: string;
  /** Next offset to read per partition; null until (re)read from the group's committed offsets. */
  positions: number[] | null;
  batch: StoredMessage[];
  /** The consumer group whose offsets it reads and commits (`shipping` unless told otherwise). */
  group: string;
  /** Failed applies of the message in hand; with `maxFailures` set it skips the message at that count. */
  failures: number;
  maxFailures: number | null;
  /** How captions name it: `consumer` unless told otherwise. */
  who: string;
}

type ConsumerEvent =
  | { type: 'BATCH'; batch: StoredMessage[]; positions: number[] }
  | { type: 'EMPTY'; positions: number[] }
  | { type: 'APPLIED' }
  | { type: 'APPLY_FAILED' }
  | { type: 'COMMITTED' }
  | { type: 'AUTO_COMMITTED' }
  | { type: 'MESSAGES_AVAILABLE' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

/**
 * `autoCommit`: the offsets of a fetched batch are committed before its effects, as an
 * auto-commit that commits what was handed to the application does (see `autoCommit` below).
 */
export function createConsumerMachine(topic: string, group: string = CONSUMER_GROUP, maxFailures: number | null = null, who = 'consumer', autoCommit = false) {
  const fresh = (): ConsumerContext => ({ topic, positions: null, batch: [], group, failures: 0, maxFailures, who });
  const fetchTransitions = {
    BATCH: { target: autoCommit ? 'auto-committing' : 'applying', actions: 'takeBatch' },
    EMPTY: { target: 'waiting', actions: 'keepPositions' },
  } as const;
  // Committed already: after an effect the consumer goes straight on to the next message.
  const afterEffect = autoCommit
    ? [
        { guard: 'moreInBatch' as const, target: 'applying', actions: ['resetFailures', 'nextInBatch'] as const },
        { target: 'fetching', actions: ['resetFailures', 'clearBatch'] as const },
      ]
    : { target: 'committing', actions: 'resetFailures' as const };
  // Typed loosely: one of the two shapes, whose transitions XState checks when the machine is built.
  const commitStates: object = autoCommit
    ? { 'auto-committing': { meta: { op: 'auto-commit' }, on: { AUTO_COMMITTED: 'applying' } } }
    : {
        committing: {
          meta: { op: 'commit-offset' },
          on: {
            COMMITTED: [
              { guard: 'moreInBatch' as const, target: 'applying', actions: 'nextInBatch' as const },
              { target: 'fetching', actions: 'clearBatch' as const },
            ],
          },
        },
      };

  return setup({
    types: { context: {} as ConsumerContext, events: {} as ConsumerEvent },
    guards: {
      moreInBatch: ({ context }) => context.batch.length > 1,
      outOfAttempts: ({ context }) => context.maxFailures !== null && context.failures + 1 >= context.maxFailures,
    },
    actions: {
      takeBatch: assign(({ event }) => (event.type === 'BATCH' ? { batch: event.batch, positions: event.positions } : {})),
      keepPositions: assign(({ event }) => (event.type === 'EMPTY' ? { positions: event.positions } : {})),
      nextInBatch: assign({ batch: ({ context }) => context.batch.slice(1) }),
      clearBatch: assign({ batch: [] }),
      resetFailures: assign({ failures: 0 }),
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
          APPLIED: afterEffect,
          APPLY_FAILED: [
            // A consumer with a failure budget gives up on a message that keeps failing: it commits past it.
            { guard: 'outOfAttempts', target: autoCommit ? 'fetching' : 'committing', actions: 'resetFailures' },
            // Seek back: the failed message and the rest of the batch come again from the committed offset.
            { target: 'fetching', actions: assign({ positions: null, batch: [], failures: ({ context }) => context.failures + 1 }) },
          ],
        },
      },
      ...commitStates,
      [CRASHED_STATE]: { meta: { op: 'restart', delay: 'restartMs' }, on: { RESTARTED: { target: 'fetching', actions: assign(fresh) } } },
    },
    on: { CRASH: `.${CRASHED_STATE}` },
  });
}

const fetch: Operation<ConsumerContext> = fetchOperation();

/** `isolation`: read a topic written by transactions at that level (omitted: every record, as ever). */
function fetchOperation(isolation?: IsolationLevel): Operation<ConsumerContext> {
  return {
    faults: [],
    crashable: true,
    latencyMs: 3,
    intent: (context) => `fetching from ${context.topic}`,
    async run(ctx) {
      const { topic, group } = ctx.context;
      const positions = ctx.context.positions ?? ctx.broker.committedOffsets(group, topic);
      const batch = ctx.broker.fetch(group, topic, positions, FETCH_MAX, isolation);
      const next = [...positions];
      for (const m of batch) next[m.partition] = Math.max(next[m.partition] ?? 0, m.offset + 1);
      if (batch.length === 0) {
        return { event: { type: 'EMPTY', positions: next }, caption: `The ${ctx.context.who} finds nothing new and waits on a long poll.` };
      }
      return {
        event: { type: 'BATCH', batch, positions: next },
        orders: ordersOf(batch),
        caption: `The ${ctx.context.who} fetches ${batch.length} message${batch.length === 1 ? '' : 's'} from ${topic}.`,
      };
    },
  };
}

/**
 * The table a consumer keeps, when asked to, of every event it applies in the order it applied
 * them, with the position the source gave the event: the checker compares the two orders per key.
 */
export const APPLIED_EVENTS_TABLE = `CREATE TABLE consumer.applied_events (
  seq serial PRIMARY KEY,
  event_id text NOT NULL,
  aggregate_key text NOT NULL,
  event_type text NOT NULL,
  source_seq integer
)`;

export interface ConsumerOptions {
  /**
   * Record each applied event in `consumer.applied_events`. Events other than OrderPlaced then
   * change nothing but that log (they follow an order that already has its shipment).
   */
  recordApplied?: boolean;
}

const apply: Operation<ConsumerContext> = applyOperation({});

function applyOperation(options: ConsumerOptions): Operation<ConsumerContext> {
  return {
    faults: ['commit-unknown'],
    crashable: true,
    latencyMs: 4,
    intent: (context) => `applying ${context.batch[0]?.eventType ?? 'the event'} for order ${context.batch[0]?.orderId ?? '?'}`,
    about: (context) => firstOrder(context.batch),
    async run(ctx) {
      const message = ctx.context.batch[0]!;
      const idempotent = ctx.scenario.idempotentConsumer;
      const at = ctx.timestamp();
      const label = options.recordApplied && message.eventType !== 'OrderPlaced' ? `apply ${message.eventType} for order ${message.orderId}` : `create shipment for order ${message.orderId}`;
      const result = await ctx.db.transaction(label, async (tx) => {
        if (idempotent) {
          const seen = await tx.query(
            'INSERT INTO consumer.processed_events (event_id, processed_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING',
            [message.eventId, at],
          );
          if (seen.affectedRows === 0) return 'skipped' as const;
        }
        if (options.recordApplied) {
          await tx.query('INSERT INTO consumer.applied_events (event_id, aggregate_key, event_type, source_seq) VALUES ($1, $2, $3, $4)', [
            message.eventId,
            message.key,
            message.eventType,
            message.sourceSeq ?? null,
          ]);
          if (message.eventType !== 'OrderPlaced') return 'recorded' as const;
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
            : result.value === 'recorded'
              ? `The consumer applies ${message.eventType} for order ${message.orderId}.`
              : `The consumer creates a shipment for order ${message.orderId}.`,
      };
    },
  };
}

const commitOffset: Operation<ConsumerContext> = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `committing its offset past order ${context.batch[0]?.orderId ?? '?'}`,
  about: (context) => firstOrder(context.batch),
  async run(ctx) {
    const message = ctx.context.batch[0]!;
    ctx.broker.commitOffset(ctx.context.group, ctx.context.topic, message.partition, message.offset + 1);
    return {
      event: { type: 'COMMITTED' },
      caption: `The ${ctx.context.who} commits offset ${message.offset + 1} on ${message.topic}/p${message.partition}.`,
    };
  },
};

/**
 * An auto-commit that runs ahead of the effects: the offsets of everything handed to the
 * application are committed on a timer (librdkafka's default, enable.auto.commit with
 * auto.offset.store; every 5 s there, at once here), so a crash before the effect skips the
 * message for good. The Java client instead commits, inside poll(), what the previous poll
 * returned, which a loop that finishes each batch before polling again has already applied.
 */
const autoCommitOffsets: Operation<ConsumerContext> = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `auto-committing offsets past ${context.batch.length} message${context.batch.length === 1 ? '' : 's'} not yet applied`,
  about: (context) => ordersOf(context.batch),
  async run(ctx) {
    const { batch, group, topic, positions } = ctx.context;
    const partitions = [...new Set(batch.map((m) => m.partition))].sort((a, b) => a - b);
    for (const partition of partitions) ctx.broker.commitOffset(group, topic, partition, positions![partition]!);
    const where = partitions.map((p) => `p${p} → ${positions![p]}`).join(', ');
    return { event: { type: 'AUTO_COMMITTED' }, caption: `Auto-commit commits ${where} before any shipment exists.` };
  },
};

export function consumerProcess(topic: string, label: string, options: ConsumerOptions & { autoCommit?: boolean; isolation?: IsolationLevel } = {}): ProcessSpec {
  const commit: Record<string, Operation<ConsumerContext>> = options.autoCommit ? { 'auto-commit': autoCommitOffsets } : { 'commit-offset': commitOffset };
  return {
    id: CONSUMER_PARTICIPANT,
    machine: createConsumerMachine(topic, CONSUMER_GROUP, null, 'consumer', options.autoCommit ?? false),
    operations: { fetch: options.isolation ? fetchOperation(options.isolation) : fetch, apply: options.recordApplied ? applyOperation(options) : apply, ...commit, restart: restartOperation(label) },
  };
}

export interface GroupConsumerOptions {
  id: string;
  label: string;
  /** How its captions name it ("projector"). */
  who: string;
  topic: string;
  group: string;
  /** Its own effect, in place of creating a shipment; it answers APPLIED or APPLY_FAILED. */
  apply: Operation<ConsumerContext>;
  /** Give up on a message after this many failed applies (commit past it); default: retry forever. */
  maxFailures?: number;
}

/**
 * Another consumer of a topic, in a group of its own, with its own effect: the same long poll,
 * commit-after-effect and seek-back-on-error as the shipping consumer.
 */
export function groupConsumerProcess(options: GroupConsumerOptions): ProcessSpec {
  return {
    id: options.id,
    machine: createConsumerMachine(options.topic, options.group, options.maxFailures ?? null, options.who),
    operations: { fetch, apply: options.apply, 'commit-offset': commitOffset, restart: restartOperation(options.label) },
  };
}

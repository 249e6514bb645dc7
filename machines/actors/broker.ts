/**
 * A Kafka-like broker: topics split into partitions by key, an append-only log per partition,
 * consumer groups with committed offsets. Its state lives in a statechart whose transitions are
 * pure, so the whole broker can be snapshotted, replayed and shown as it was after any step.
 */
import { assign, setup, type SnapshotFrom } from 'xstate';
import { initialSnapshot, nextSnapshot } from '../kernel/pure-transition';
import { hashString } from '../kernel/rng';
import type { TopicMessage, TopicSnapshot } from '../kernel/types';
import { armedOneOf, type TraceSink } from '../kernel/traced-database';
import type { FaultKind } from '../kernel/vocabulary';
import type { BrokerCapability, BrokerPort, OutgoingMessage, ProducerStamp, PublishOutcome, StoredMessage } from '../kernel/ports/broker';
import { isTransactionEvent, reduceTransaction, transactionalPort, transactionStateOf, visibleRecords, type TransactionalContext, type TransactionEvent } from './broker-transactions';

export type { BrokerCapability, BrokerPort, IsolationLevel, OutgoingMessage, ProducerStamp, PublishOutcome, StoredMessage, TransactionalProducer } from '../kernel/ports/broker';

export const BROKER_PARTICIPANT = 'broker';
export const DEFAULT_PARTITIONS = 2;
/** The downstream consumer group whose deliveries the checker judges (the shipping consumer's). */
export const DOWNSTREAM_GROUP = 'shipping';

/** The faults a publish (or an XA prepare or commit) can meet at the broker. */
const PUBLISH_FAULTS: readonly FaultKind[] = ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost'];

interface BrokerContext extends TransactionalContext {
  partitions: Record<string, StoredMessage[][]>;
  /** group → topic → committed offset per partition (the next offset to read). */
  committed: Record<string, Record<string, number[]>>;
  /** `topic/partition/offset` → how many times a consumer fetched it. */
  deliveries: Record<string, number>;
  /**
   * XA: messages prepared under a global transaction id, stored but invisible to consumers until
   * the coordinator commits them (only an XA-capable broker ever holds any).
   */
  prepared?: Record<string, OutgoingMessage[]>;
  /** Idempotent producers: `pid/topic/partition` → the last sequence stored and where. */
  producers?: Record<string, { sequence: number; offset: number }>;
  /** Producer ids handed out so far (InitProducerId). */
  producerIds?: number;
}

type BrokerEvent =
  | { type: 'APPEND'; message: OutgoingMessage; at: number; producer?: ProducerStamp }
  | { type: 'INIT_PRODUCER' }
  | { type: 'FETCHED'; refs: string[] }
  | { type: 'COMMIT_OFFSET'; group: string; topic: string; partition: number; offset: number }
  | { type: 'XA_PREPARE'; gid: string; message: OutgoingMessage }
  | { type: 'XA_END'; gid: string }
  | TransactionEvent;

export function messageRef(m: { topic: string; partition: number; offset: number }): string {
  return `${m.topic}/p${m.partition}@${m.offset}`;
}

export function partitionFor(key: string, partitions: number = DEFAULT_PARTITIONS): number {
  return hashString(key) % partitions;
}

/** Where the broker keeps an idempotent producer's last sequence: per producer and partition, as Kafka does. */
export function producerPartitionKey(producerId: number, topic: string, partition: number): string {
  return `${producerId}/${topic}/${partition}`;
}

function emptyPartitions(): StoredMessage[][] {
  return Array.from({ length: DEFAULT_PARTITIONS }, () => []);
}

export const brokerMachine = setup({
  types: { context: {} as BrokerContext, events: {} as BrokerEvent },
}).createMachine({
  id: 'broker',
  context: { partitions: {}, committed: {}, deliveries: {} },
  initial: 'up',
  states: {
    up: {
      on: {
        APPEND: {
          actions: assign({
            partitions: ({ context, event }) => {
              const topic = context.partitions[event.message.topic] ?? emptyPartitions();
              const partition = partitionFor(event.message.key, topic.length);
              const log = topic[partition] ?? [];
              const stored: StoredMessage = { ...event.message, partition, offset: log.length, storedAt: event.at };
              const nextTopic = topic.map((p, i) => (i === partition ? [...p, stored] : p));
              return { ...context.partitions, [event.message.topic]: nextTopic };
            },
            producers: ({ context, event }) => {
              if (!event.producer) return context.producers;
              const partitions = context.partitions[event.message.topic] ?? emptyPartitions();
              const partition = partitionFor(event.message.key, partitions.length);
              const key = producerPartitionKey(event.producer.producerId, event.message.topic, partition);
              return { ...context.producers, [key]: { sequence: event.producer.sequence, offset: partitions[partition]?.length ?? 0 } };
            },
          }),
        },
        INIT_PRODUCER: { actions: assign({ producerIds: ({ context }) => (context.producerIds ?? 0) + 1 }) },
        FETCHED: {
          actions: assign({
            deliveries: ({ context, event }) => {
              const next = { ...context.deliveries };
              for (const ref of event.refs) next[ref] = (next[ref] ?? 0) + 1;
              return next;
            },
          }),
        },
        XA_PREPARE: {
          actions: assign({
            prepared: ({ context, event }) => ({ ...context.prepared, [event.gid]: [...(context.prepared?.[event.gid] ?? []), event.message] }),
          }),
        },
        XA_END: {
          actions: assign({
            prepared: ({ context, event }) => Object.fromEntries(Object.entries(context.prepared ?? {}).filter(([gid]) => gid !== event.gid)),
          }),
        },
        // Transactions (machines/actors/broker-transactions.ts): one pure reducer for all five events.
        ...Object.fromEntries(
          (['TXN_INIT', 'TXN_BEGIN', 'TXN_APPEND', 'TXN_OFFSETS', 'TXN_END'] as const).map((type) => [
            type,
            { actions: assign(({ context, event }) => (isTransactionEvent(event) ? reduceTransaction(context, event, emptyPartitions) : {})) },
          ]),
        ),
        COMMIT_OFFSET: {
          actions: assign({
            committed: ({ context, event }) => {
              const group = context.committed[event.group] ?? {};
              const offsets = [...(group[event.topic] ?? Array.from({ length: DEFAULT_PARTITIONS }, () => 0))];
              offsets[event.partition] = event.offset;
              return { ...context.committed, [event.group]: { ...group, [event.topic]: offsets } };
            },
          }),
        },
      },
    },
  },
});

export type BrokerSnapshot = SnapshotFrom<typeof brokerMachine>;

/** Owns the broker's snapshot across a run and hands out ports bound to one operation. */
export const MESSAGES_AVAILABLE = { type: 'MESSAGES_AVAILABLE' } as const;

export class Broker {
  #snapshot = initialSnapshot(brokerMachine) as BrokerSnapshot;

  /** Called after every append, so consumers waiting on a long poll wake up. */
  constructor(private readonly onAppend: () => void = () => {}) {}

  #send(event: BrokerEvent): void {
    this.#snapshot = nextSnapshot(brokerMachine, this.#snapshot, event) as BrokerSnapshot;
  }

  get context(): BrokerContext {
    return this.#snapshot.context;
  }

  topicNames(): string[] {
    return Object.keys(this.context.partitions).sort();
  }

  /** Every message in every topic, in topic, partition, offset order. */
  messages(): TopicMessage[] {
    const all: TopicMessage[] = [];
    for (const topic of this.topicNames()) {
      for (const log of this.context.partitions[topic] ?? []) {
        for (const m of log) {
          all.push({
            topic: m.topic,
            partition: m.partition,
            offset: m.offset,
            key: m.key,
            eventId: m.eventId,
            eventType: m.eventType,
            orderId: m.orderId,
            ...(m.op ? { op: m.op } : {}),
            ...(m.payload !== undefined ? { payload: m.payload } : {}),
            ...(m.headers ? { headers: m.headers } : {}),
            deliveries: this.context.deliveries[messageRef(m)] ?? 0,
            ...(m.transaction ? { transaction: { id: m.transaction, state: transactionStateOf(this.context, m)! } } : {}),
            ...(m.control ? { control: m.control } : {}),
          });
        }
      }
    }
    return all;
  }

  /** Messages prepared under a global transaction and not yet committed or rolled back (XA only). */
  preparedMessages(): { gid: string; message: OutgoingMessage }[] {
    return Object.entries(this.context.prepared ?? {})
      .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
      .flatMap(([gid, messages]) => messages.map((message) => ({ gid, message })));
  }

  /** The topics as the live views show them, with the downstream group's committed offsets. */
  topicsView(): TopicSnapshot[] {
    return this.snapshotTopics(DOWNSTREAM_GROUP);
  }

  snapshotTopics(group: string): TopicSnapshot[] {
    const messages = this.messages();
    return this.topicNames().map((topic) => {
      const partitions = this.context.partitions[topic]?.length ?? DEFAULT_PARTITIONS;
      const offsets = this.context.committed[group]?.[topic] ?? Array.from({ length: partitions }, () => 0);
      return {
        topic,
        partitions,
        messages: messages.filter((m) => m.topic === topic),
        committed: Object.fromEntries(offsets.map((o, p) => [p, o])),
      };
    });
  }

  /** The stored record this stamp was first written as, when the producer sends it again. */
  #storedStamp(message: OutgoingMessage, producer: ProducerStamp): StoredMessage | undefined {
    const log = this.context.partitions[message.topic] ?? emptyPartitions();
    const partition = partitionFor(message.key, log.length);
    const last = this.context.producers?.[producerPartitionKey(producer.producerId, message.topic, partition)];
    // Kafka keeps the last five batches per producer and partition; one record per batch here, and
    // a resend is always of the latest, so the last sequence is what a duplicate matches.
    if (!last || producer.sequence !== last.sequence) return undefined;
    return log[partition]![last.offset];
  }

  port(sink: TraceSink, now: number): BrokerPort {
    const emit = sink.emit;
    return {
      publish: (message, producer) => {
        const armed = armedOneOf(sink, PUBLISH_FAULTS);
        const fault = armed?.kind;
        const stamp = producer ? ` [pid ${producer.producerId}, seq ${producer.sequence}]` : '';
        const label = `publish ${message.eventType} (order ${message.orderId}) → ${message.topic}${stamp}`;
        if (fault === 'broker-unavailable' || fault === 'publish-timeout-lost') {
          sink.strike();
          emit({ from: sink.actor, to: BROKER_PARTICIPANT, kind: 'publish', label, ok: false, fault: armed! });
          const error = fault === 'broker-unavailable' ? 'broker unavailable' : 'request timed out';
          emit({ from: BROKER_PARTICIPANT, to: sink.actor, kind: 'error', label: error, ok: false, fault: armed! });
          return { ok: false, stored: null, error };
        }
        const duplicate = producer ? this.#storedStamp(message, producer) : undefined;
        if (duplicate) {
          // A resend of a stamp the log already holds: answered with the first copy's offset, nothing appended.
          emit({ from: sink.actor, to: BROKER_PARTICIPANT, kind: 'publish', label, ok: true });
          if (fault === 'publish-timeout-stored') {
            sink.strike();
            emit({ from: BROKER_PARTICIPANT, to: sink.actor, kind: 'error', label: `ack lost: timed out (already stored at ${messageRef(duplicate)})`, ok: false, fault: armed! });
            return { ok: false, stored: duplicate, error: 'request timed out' };
          }
          emit({ from: BROKER_PARTICIPANT, to: sink.actor, kind: 'reply', label: `duplicate sequence: ack ${messageRef(duplicate)}, not stored again`, ok: true });
          return { ok: true, stored: duplicate };
        }
        this.#send({ type: 'APPEND', message, at: now, ...(producer ? { producer } : {}) });
        sink.markMutation();
        this.onAppend();
        const log = this.context.partitions[message.topic]!;
        const stored = log[partitionFor(message.key, log.length)]!.at(-1)!;
        emit({ from: sink.actor, to: BROKER_PARTICIPANT, kind: 'publish', label, ok: true });
        if (fault === 'publish-timeout-stored') {
          sink.strike();
          emit({ from: BROKER_PARTICIPANT, to: sink.actor, kind: 'error', label: `ack lost: timed out (stored at ${messageRef(stored)})`, ok: false, fault: armed! });
          return { ok: false, stored, error: 'request timed out' };
        }
        emit({ from: BROKER_PARTICIPANT, to: sink.actor, kind: 'reply', label: `ack ${messageRef(stored)}`, ok: true });
        return { ok: true, stored };
      },

      initProducerId: () => {
        this.#send({ type: 'INIT_PRODUCER' });
        const id = this.context.producerIds!;
        emit({ from: sink.actor, to: BROKER_PARTICIPANT, kind: 'request', label: 'InitProducerId', ok: true });
        emit({ from: BROKER_PARTICIPANT, to: sink.actor, kind: 'reply', label: `producer id ${id}`, ok: true });
        return id;
      },

      fetch: (group, topic, positions, max, isolation) => {
        const logs = this.context.partitions[topic] ?? emptyPartitions();
        const batch: StoredMessage[] = [];
        logs.forEach((log, p) => {
          for (const m of visibleRecords(this.context, log, positions[p] ?? 0, isolation)) if (batch.length < max) batch.push(m);
        });
        // Deliveries count what downstream received. A service reading its own events back
        // (listen to yourself, in a group of its own) is not downstream delivery.
        if (group === DOWNSTREAM_GROUP) this.#send({ type: 'FETCHED', refs: batch.map(messageRef) });
        emit({ from: sink.actor, to: BROKER_PARTICIPANT, kind: 'fetch', label: `fetch ${topic} for ${group} from ${positions.map((o, p) => `p${p}@${o}`).join(', ')}${isolation ? ` (${isolation})` : ''}`, ok: true });
        emit({
          from: BROKER_PARTICIPANT,
          to: sink.actor,
          kind: 'reply',
          label: batch.length === 0 ? 'no new messages' : `${batch.map((m) => `${m.eventType} (order ${m.orderId}) ${messageRef(m)}`).join(', ')}`,
          ok: true,
        });
        return batch;
      },

      commitOffset: (group, topic, partition, offset) => {
        this.#send({ type: 'COMMIT_OFFSET', group, topic, partition, offset });
        sink.markMutation();
        emit({ from: sink.actor, to: BROKER_PARTICIPANT, kind: 'offset-commit', label: `commit offset ${topic}/p${partition} = ${offset}`, ok: true });
      },

      prepare: (gid, message, capability) => {
        const label = `XA PREPARE '${gid}': ${message.eventType} (order ${message.orderId})`;
        const armed = armedOneOf(sink, PUBLISH_FAULTS);
        const fault = armed?.kind;
        emit({ from: sink.actor, to: BROKER_PARTICIPANT, kind: 'publish', label, ok: capability === 'xa' && fault === undefined, ...(fault ? { fault: armed! } : {}) });
        if (capability === 'log-only') {
          const error = 'protocol not supported: the log has no prepare, only append';
          emit({ from: BROKER_PARTICIPANT, to: sink.actor, kind: 'error', label: error, ok: false });
          return { ok: false, error };
        }
        if (fault === 'broker-unavailable' || fault === 'publish-timeout-lost' || fault === 'publish-timeout-stored') {
          sink.strike();
          const error = fault === 'broker-unavailable' ? 'broker unavailable' : 'request timed out';
          // A prepare whose answer is lost counts as a "no" vote; the stored copy is rolled back below.
          if (fault === 'publish-timeout-stored') this.#send({ type: 'XA_PREPARE', gid, message });
          emit({ from: BROKER_PARTICIPANT, to: sink.actor, kind: 'error', label: error, ok: false, fault: armed! });
          return { ok: false, error };
        }
        this.#send({ type: 'XA_PREPARE', gid, message });
        sink.markMutation();
        emit({ from: BROKER_PARTICIPANT, to: sink.actor, kind: 'reply', label: `prepared '${gid}' (stored, invisible)`, ok: true });
        return { ok: true };
      },

      commitPrepared: (gid) => {
        const messages = this.context.prepared?.[gid] ?? [];
        const armed = armedOneOf(sink, PUBLISH_FAULTS);
        const fault = armed?.kind;
        emit({ from: sink.actor, to: BROKER_PARTICIPANT, kind: 'publish', label: `XA COMMIT '${gid}'`, ok: fault === undefined, ...(fault ? { fault: armed! } : {}) });
        if (fault === 'broker-unavailable' || fault === 'publish-timeout-lost') {
          sink.strike();
          const error = fault === 'broker-unavailable' ? 'broker unavailable' : 'request timed out';
          emit({ from: BROKER_PARTICIPANT, to: sink.actor, kind: 'error', label: error, ok: false, fault: armed! });
          return messages.map(() => ({ ok: false, stored: null, error }) as const);
        }
        const outcomes: PublishOutcome[] = [];
        for (const message of messages) {
          this.#send({ type: 'APPEND', message, at: now });
          const log = this.context.partitions[message.topic]!;
          outcomes.push({ ok: true, stored: log[partitionFor(message.key, log.length)]!.at(-1)! });
        }
        this.#send({ type: 'XA_END', gid });
        sink.markMutation();
        if (messages.length > 0) this.onAppend();
        const refs = outcomes.map((o) => (o.stored ? messageRef(o.stored) : '?')).join(', ');
        if (fault === 'publish-timeout-stored') {
          sink.strike();
          emit({ from: BROKER_PARTICIPANT, to: sink.actor, kind: 'error', label: `ack lost: timed out (committed ${refs || 'nothing'})`, ok: false, fault: armed! });
          return outcomes.map((o) => ({ ok: false, stored: o.stored, error: 'request timed out' }) as const);
        }
        emit({ from: BROKER_PARTICIPANT, to: sink.actor, kind: 'reply', label: messages.length > 0 ? `committed '${gid}' → ${refs}` : `nothing prepared under '${gid}'`, ok: true });
        return outcomes;
      },

      rollbackPrepared: (gid) => {
        const held = (this.context.prepared?.[gid] ?? []).length;
        this.#send({ type: 'XA_END', gid });
        if (held > 0) sink.markMutation();
        emit({ from: sink.actor, to: BROKER_PARTICIPANT, kind: 'publish', label: `XA ROLLBACK '${gid}'`, ok: true });
        emit({ from: BROKER_PARTICIPANT, to: sink.actor, kind: 'reply', label: held > 0 ? `dropped ${held} prepared message${held === 1 ? '' : 's'}` : `nothing prepared under '${gid}'`, ok: true });
      },

      ...transactionalPort(
        {
          context: () => this.context,
          send: (event) => this.#send(event),
          partitionOf: (message) => partitionFor(message.key, (this.context.partitions[message.topic] ?? emptyPartitions()).length),
          onAppend: this.onAppend,
        },
        sink,
        now,
        BROKER_PARTICIPANT,
      ),

      preparedIds: () => Object.keys(this.context.prepared ?? {}).sort(),

      committedOffsets: (group, topic) => {
        const partitions = this.context.partitions[topic]?.length ?? DEFAULT_PARTITIONS;
        return this.context.committed[group]?.[topic] ?? Array.from({ length: partitions }, () => 0);
      },
    };
  }
}

/**
 * Kafka transactions on the lab's broker: a transactional.id maps to one producer id whose epoch
 * grows with every InitProducerId, so a restarted producer fences its earlier self and aborts
 * what that one left open. Records written in a transaction go into the log at once; the
 * transaction's end writes a control record (a marker) into every partition it touched, and a
 * commit applies the consumer offsets sent to it in the same transition: output and input
 * position become visible together or not at all.
 *
 * What the lab leaves out: the transaction coordinator and its log (the broker's own context
 * plays both), `transaction.timeout.ms` (real default 60 s: a producer that never comes back has
 * its transaction aborted by the coordinator; the lab's processes always restart, and the
 * restart's InitProducerId aborts it sooner), and batching (one record per append).
 */
import type { IsolationLevel, OutgoingMessage, PublishOutcome, StoredMessage, TransactionalProducer, TransactionOutcome } from '../kernel/ports/broker';
import type { TraceSink } from '../kernel/traced-database';

export type TransactionState = 'open' | 'committed' | 'aborted';

export interface TransactionRecord {
  state: TransactionState;
  /** `topic/partition` of every partition a record of it went to: where its marker goes. */
  partitions: string[];
  /** Consumer offsets sent to it, applied only by its commit. */
  offsets: { group: string; topic: string; partition: number; offset: number }[];
}

export interface TransactionalContext {
  partitions: Record<string, StoredMessage[][]>;
  committed: Record<string, Record<string, number[]>>;
  producerIds?: number;
  /** transactional.id → its producer id, current epoch, the open transaction and how many it began. */
  transactionalIds?: Record<string, { producerId: number; epoch: number; open: string | null; begun: number }>;
  transactions?: Record<string, TransactionRecord>;
}

export type TransactionEvent =
  | { type: 'TXN_INIT'; transactionalId: string; at: number }
  | { type: 'TXN_BEGIN'; transactionalId: string }
  | { type: 'TXN_APPEND'; transaction: string; message: OutgoingMessage; partition: number; at: number }
  | { type: 'TXN_OFFSETS'; transaction: string; group: string; topic: string; offsets: Record<number, number> }
  | { type: 'TXN_END'; transaction: string; commit: boolean; at: number };

const TXN_EVENT_TYPES = new Set(['TXN_INIT', 'TXN_BEGIN', 'TXN_APPEND', 'TXN_OFFSETS', 'TXN_END']);

export function isTransactionEvent(event: { type: string }): event is TransactionEvent {
  return TXN_EVENT_TYPES.has(event.type);
}

function append(partitions: TransactionalContext['partitions'], topic: string, partition: number, record: Omit<StoredMessage, 'offset' | 'partition' | 'topic'>, emptyTopic: () => StoredMessage[][]) {
  const logs = partitions[topic] ?? emptyTopic();
  const log = logs[partition] ?? [];
  const stored = { ...record, topic, partition, offset: log.length } as StoredMessage;
  return { ...partitions, [topic]: logs.map((p, i) => (i === partition ? [...p, stored] : p)) };
}

/** Ends a transaction: a marker in every partition it wrote to, and on commit its offsets. */
function end<C extends TransactionalContext>(context: C, id: string, commit: boolean, at: number, emptyTopic: () => StoredMessage[][]): Partial<C> {
  const txn = context.transactions?.[id];
  if (!txn || txn.state !== 'open') return {};
  let partitions = context.partitions;
  for (const where of txn.partitions) {
    const [topic, p] = [where.slice(0, where.lastIndexOf('/')), Number(where.slice(where.lastIndexOf('/') + 1))];
    const marker = { key: id, eventId: id, eventType: commit ? 'COMMIT' : 'ABORT', orderId: 0, storedAt: at, transaction: id, control: commit ? ('commit' as const) : ('abort' as const) };
    partitions = append(partitions, topic, p, marker, emptyTopic);
  }
  let committed = context.committed;
  if (commit) {
    for (const o of txn.offsets) {
      const group = committed[o.group] ?? {};
      const offsets = [...(group[o.topic] ?? emptyTopic().map(() => 0))];
      offsets[o.partition] = o.offset;
      committed = { ...committed, [o.group]: { ...group, [o.topic]: offsets } };
    }
  }
  const tidEntry = Object.entries(context.transactionalIds ?? {}).find(([, v]) => v.open === id);
  const transactionalIds = tidEntry ? { ...context.transactionalIds, [tidEntry[0]]: { ...tidEntry[1], open: null } } : context.transactionalIds;
  return {
    partitions,
    committed,
    transactionalIds,
    transactions: { ...context.transactions, [id]: { ...txn, state: commit ? 'committed' : 'aborted' } },
  } as Partial<C>;
}

/** The broker's pure transition for a transaction event: what changes in its context. */
export function reduceTransaction<C extends TransactionalContext>(context: C, event: TransactionEvent, emptyTopic: () => StoredMessage[][]): Partial<C> {
  switch (event.type) {
    case 'TXN_INIT': {
      const known = context.transactionalIds?.[event.transactionalId];
      const ended = known?.open ? end(context, known.open, false, event.at, emptyTopic) : {};
      const after = { ...context, ...ended };
      const producerIds = known ? (context.producerIds ?? 0) : (context.producerIds ?? 0) + 1;
      const entry = known ? { ...known, epoch: known.epoch + 1, open: null } : { producerId: producerIds, epoch: 0, open: null, begun: 0 };
      return { ...ended, producerIds, transactionalIds: { ...after.transactionalIds, [event.transactionalId]: entry } } as Partial<C>;
    }
    case 'TXN_BEGIN': {
      const known = context.transactionalIds![event.transactionalId]!;
      const id = `${event.transactionalId}#${known.begun + 1}`;
      return {
        transactionalIds: { ...context.transactionalIds, [event.transactionalId]: { ...known, open: id, begun: known.begun + 1 } },
        transactions: { ...context.transactions, [id]: { state: 'open', partitions: [], offsets: [] } },
      } as Partial<C>;
    }
    case 'TXN_APPEND': {
      const txn = context.transactions![event.transaction]!;
      const where = `${event.message.topic}/${event.partition}`;
      return {
        partitions: append(context.partitions, event.message.topic, event.partition, { ...event.message, storedAt: event.at, transaction: event.transaction }, emptyTopic),
        transactions: { ...context.transactions, [event.transaction]: { ...txn, partitions: txn.partitions.includes(where) ? txn.partitions : [...txn.partitions, where] } },
      } as Partial<C>;
    }
    case 'TXN_OFFSETS': {
      const txn = context.transactions![event.transaction]!;
      const sent = Object.entries(event.offsets).map(([p, offset]) => ({ group: event.group, topic: event.topic, partition: Number(p), offset }));
      const kept = txn.offsets.filter((o) => !sent.some((s) => s.group === o.group && s.topic === o.topic && s.partition === o.partition));
      return { transactions: { ...context.transactions, [event.transaction]: { ...txn, offsets: [...kept, ...sent] } } } as Partial<C>;
    }
    case 'TXN_END':
      return end(context, event.transaction, event.commit, event.at, emptyTopic);
  }
}

/**
 * The records of one partition from `from` on that a consumer at `isolation` is given. Without an
 * isolation level (patterns with no transactions) that is every record, as before.
 */
export function visibleRecords(context: TransactionalContext, log: StoredMessage[], from: number, isolation: IsolationLevel | undefined): StoredMessage[] {
  if (isolation === undefined) return log.slice(from);
  const visible: StoredMessage[] = [];
  for (const m of log.slice(from)) {
    if (m.control) continue;
    const state = m.transaction ? context.transactions?.[m.transaction]?.state : undefined;
    if (isolation === 'read_committed') {
      // The last stable offset: nothing past an open transaction's first record is handed out.
      if (state === 'open') break;
      if (state === 'aborted') continue;
    }
    visible.push(m);
  }
  return visible;
}

export function transactionStateOf(context: TransactionalContext, m: StoredMessage): TransactionState | undefined {
  return m.transaction ? context.transactions?.[m.transaction]?.state : undefined;
}

interface TransactionalBroker {
  context(): TransactionalContext;
  send(event: TransactionEvent): void;
  partitionOf(message: OutgoingMessage): number;
  onAppend(): void;
}

const FENCED = 'ProducerFencedException: a newer epoch of this transactional.id exists';

/** The transactional calls of a broker port bound to one operation, traced on its sink. */
export function transactionalPort(broker: TransactionalBroker, sink: TraceSink, now: number, brokerId: string) {
  const emit = sink.emit;
  const request = (label: string) => emit({ from: sink.actor, to: brokerId, kind: 'request', label, ok: true });
  const reply = (label: string, ok = true) => emit({ from: brokerId, to: sink.actor, kind: ok ? 'reply' : 'error', label, ok });
  const current = (producer: TransactionalProducer) => broker.context().transactionalIds?.[producer.transactionalId];
  /** A zombie: an older epoch of a transactional.id that was initialised again since. */
  const fenced = (producer: TransactionalProducer, label: string): TransactionOutcome | null => {
    if ((current(producer)?.epoch ?? -1) === producer.epoch) return null;
    request(label);
    reply(FENCED, false);
    return { ok: false, error: FENCED };
  };
  const stamp = (p: TransactionalProducer) => `[${p.transactionalId}, pid ${p.producerId}, epoch ${p.epoch}]`;
  return {
    initTransactions: (transactionalId: string): { producer: TransactionalProducer; aborted: string | null } => {
      const open = broker.context().transactionalIds?.[transactionalId]?.open ?? null;
      broker.send({ type: 'TXN_INIT', transactionalId, at: now });
      const entry = broker.context().transactionalIds![transactionalId]!;
      request(`InitProducerId transactional.id=${transactionalId}`);
      if (open) {
        sink.markMutation();
        broker.onAppend();
      }
      reply(`producer id ${entry.producerId}, epoch ${entry.epoch}${open ? `; earlier epoch fenced, ${open} aborted (ABORT marker)` : ''}`);
      return { producer: { transactionalId, producerId: entry.producerId, epoch: entry.epoch }, aborted: open };
    },
    beginTransaction: (producer: TransactionalProducer): TransactionOutcome => {
      const refused = fenced(producer, `beginTransaction ${stamp(producer)}`);
      if (refused) return refused;
      // Client-side in Kafka: nothing reaches the coordinator until the first send.
      broker.send({ type: 'TXN_BEGIN', transactionalId: producer.transactionalId });
      return { ok: true };
    },
    sendInTransaction: (producer: TransactionalProducer, message: OutgoingMessage): PublishOutcome => {
      const label = `publish ${message.eventType} (order ${message.orderId}) → ${message.topic} in ${current(producer)?.open ?? 'no transaction'} ${stamp(producer)}`;
      const refused = fenced(producer, label);
      if (refused && !refused.ok) return { ok: false, stored: null, error: refused.error };
      const transaction = current(producer)!.open!;
      const partition = broker.partitionOf(message);
      broker.send({ type: 'TXN_APPEND', transaction, message, partition, at: now });
      sink.markMutation();
      broker.onAppend();
      const stored = broker.context().partitions[message.topic]![partition]!.at(-1)!;
      emit({ from: sink.actor, to: brokerId, kind: 'publish', label, ok: true });
      reply(`ack ${message.topic}/p${partition}@${stored.offset} (in open ${transaction})`);
      return { ok: true, stored };
    },
    sendOffsetsToTransaction: (producer: TransactionalProducer, group: string, topic: string, offsets: Record<number, number>): TransactionOutcome => {
      const where = Object.entries(offsets).map(([p, o]) => `${topic}/p${p} = ${o}`).join(', ');
      const label = `sendOffsetsToTransaction ${group}: ${where}`;
      const refused = fenced(producer, label);
      if (refused) return refused;
      const transaction = current(producer)!.open!;
      broker.send({ type: 'TXN_OFFSETS', transaction, group, topic, offsets });
      sink.markMutation();
      emit({ from: sink.actor, to: brokerId, kind: 'offset-commit', label, ok: true });
      reply(`offsets held in ${transaction} until it ends`);
      return { ok: true };
    },
    commitTransaction: (producer: TransactionalProducer): TransactionOutcome => endTransaction(producer, true),
    abortTransaction: (producer: TransactionalProducer): TransactionOutcome => endTransaction(producer, false),
  };

  function endTransaction(producer: TransactionalProducer, commit: boolean): TransactionOutcome {
    const verb = commit ? 'commitTransaction' : 'abortTransaction';
    const refused = fenced(producer, `${verb} ${stamp(producer)}`);
    if (refused) return refused;
    const transaction = current(producer)!.open;
    request(`${verb} ${transaction ?? '(none open)'}`);
    if (!transaction) {
      reply('no open transaction');
      return { ok: true };
    }
    const touched = broker.context().transactions![transaction]!.partitions;
    broker.send({ type: 'TXN_END', transaction, commit, at: now });
    sink.markMutation();
    broker.onAppend();
    reply(`${commit ? 'COMMIT' : 'ABORT'} marker written to ${touched.map((w) => w.replace(/\/(\d+)$/, '/p$1')).join(', ') || 'no partition'}${commit ? '; offsets committed with it' : ''}`);
    return { ok: true };
  }
}

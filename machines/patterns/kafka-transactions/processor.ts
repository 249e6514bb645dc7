/**
 * The shipment processor: read-process-write inside the broker. For each OrderPlaced it begins a
 * transaction, produces ShipmentRequested to `shipments`, sends its input offset to the same
 * transaction and commits, so the output and the consumed position become visible together. A
 * crash leaves the transaction open; the restart's InitProducerId with the same transactional.id
 * fences the old epoch and aborts it, and the order is read again from the committed offset.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import type { StoredMessage, TransactionalProducer } from '../../actors/broker';
import { ORDERS_TOPIC } from '../../actors/outbox-relay';
import { firstOrder, ordersOf } from '../../actors/orders-concerned';
import { CRASHED_STATE, restartOperation } from '../../actors/process';

export const PROCESSOR_PARTICIPANT = 'processor';
export const PROCESSOR_GROUP = 'shipment-processor';
export const TRANSACTIONAL_ID = 'shipment-processor-1';
export const SHIPMENTS_TOPIC = 'shipments';

export interface ProcessorContext {
  producer: TransactionalProducer | null;
  message: StoredMessage | null;
}

type ProcessorEvent =
  | { type: 'INITIALIZED'; producer: TransactionalProducer }
  | { type: 'MESSAGE'; message: StoredMessage }
  | { type: 'EMPTY' }
  | { type: 'DONE' }
  | { type: 'FENCED' }
  | { type: 'MESSAGES_AVAILABLE' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

const fresh = (): ProcessorContext => ({ producer: null, message: null });

export const processorMachine = setup({
  types: { context: {} as ProcessorContext, events: {} as ProcessorEvent },
  actions: {
    forget: assign({ message: null }),
  },
}).createMachine({
  id: PROCESSOR_PARTICIPANT,
  context: fresh,
  initial: 'initializing',
  states: {
    initializing: {
      meta: { op: 'init-transactions' },
      on: { INITIALIZED: { target: 'fetching', actions: assign({ producer: ({ event }) => event.producer }) } },
    },
    fetching: {
      meta: { op: 'fetch' },
      on: { MESSAGE: { target: 'producing', actions: assign({ message: ({ event }) => event.message }) }, EMPTY: 'waiting' },
    },
    waiting: { tags: ['idle'], on: { MESSAGES_AVAILABLE: 'fetching' } },
    producing: { meta: { op: 'produce' }, on: { DONE: 'sending-offsets', FENCED: { target: 'initializing', actions: 'forget' } } },
    'sending-offsets': { meta: { op: 'send-offsets' }, on: { DONE: 'committing', FENCED: { target: 'initializing', actions: 'forget' } } },
    committing: { meta: { op: 'commit' }, on: { DONE: { target: 'fetching', actions: 'forget' }, FENCED: { target: 'initializing', actions: 'forget' } } },
    [CRASHED_STATE]: { meta: { op: 'restart', delay: 'restartMs' }, on: { RESTARTED: { target: 'initializing', actions: assign(fresh) } } },
  },
  on: { CRASH: `.${CRASHED_STATE}` },
});

const about = (context: ProcessorContext) => firstOrder(context.message ? [context.message] : []);

const initTransactions: Operation<ProcessorContext> = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: () => `initialising transactions as ${TRANSACTIONAL_ID}`,
  async run(ctx) {
    const { producer, aborted } = ctx.broker.initTransactions(TRANSACTIONAL_ID);
    return {
      event: { type: 'INITIALIZED', producer },
      caption: aborted
        ? `The processor gets epoch ${producer.epoch}; the broker aborts the old epoch's ${aborted}.`
        : `The processor registers ${TRANSACTIONAL_ID} and gets epoch ${producer.epoch}.`,
    };
  },
};

const fetch: Operation<ProcessorContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: () => `fetching from ${ORDERS_TOPIC}`,
  async run(ctx) {
    // Always from the committed offsets: they move only when a transaction commits.
    const positions = ctx.broker.committedOffsets(PROCESSOR_GROUP, ORDERS_TOPIC);
    const [message] = ctx.broker.fetch(PROCESSOR_GROUP, ORDERS_TOPIC, positions, 1, 'read_committed');
    if (!message) return { event: { type: 'EMPTY' }, caption: 'The processor finds no new orders and waits on a long poll.' };
    return { event: { type: 'MESSAGE', message }, orders: ordersOf([message]), caption: `The processor reads OrderPlaced for order ${message.orderId}.` };
  },
};

const produce: Operation<ProcessorContext> = {
  faults: [],
  crashable: true,
  latencyMs: 4,
  intent: (context) => `producing ShipmentRequested for order ${context.message?.orderId ?? '?'} in a transaction`,
  about,
  async run(ctx) {
    const { producer, message } = ctx.context as { producer: TransactionalProducer; message: StoredMessage };
    const begun = ctx.broker.beginTransaction(producer);
    const sent = begun.ok
      ? ctx.broker.sendInTransaction(producer, {
          topic: SHIPMENTS_TOPIC,
          key: message.key,
          // From the input's id: a retried transaction produces the same event again, not a new one.
          eventId: `shp-${message.eventId}`,
          eventType: 'ShipmentRequested',
          orderId: message.orderId,
        })
      : null;
    if (!sent?.ok) return { event: { type: 'FENCED' }, caption: 'The broker fences the processor: a newer epoch exists.' };
    return { event: { type: 'DONE' }, caption: `The processor produces ShipmentRequested for order ${message.orderId}, not yet committed.` };
  },
};

const sendOffsets: Operation<ProcessorContext> = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `adding its offset past order ${context.message?.orderId ?? '?'} to the transaction`,
  about,
  async run(ctx) {
    const { producer, message } = ctx.context as { producer: TransactionalProducer; message: StoredMessage };
    const sent = ctx.broker.sendOffsetsToTransaction(producer, PROCESSOR_GROUP, ORDERS_TOPIC, { [message.partition]: message.offset + 1 });
    if (!sent.ok) return { event: { type: 'FENCED' }, caption: 'The broker fences the processor: a newer epoch exists.' };
    return { event: { type: 'DONE' }, caption: `The processor adds offset ${message.offset + 1} on ${ORDERS_TOPIC}/p${message.partition} to the transaction.` };
  },
};

const commit: Operation<ProcessorContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `committing the transaction for order ${context.message?.orderId ?? '?'}`,
  about,
  async run(ctx) {
    const { producer, message } = ctx.context as { producer: TransactionalProducer; message: StoredMessage };
    const committed = ctx.broker.commitTransaction(producer);
    if (!committed.ok) return { event: { type: 'FENCED' }, caption: 'The broker fences the processor: a newer epoch exists.' };
    return { event: { type: 'DONE' }, caption: `The processor commits: shipment and offset for order ${message.orderId} together.` };
  },
};

export function processorProcess(label: string): ProcessSpec {
  return {
    id: PROCESSOR_PARTICIPANT,
    machine: processorMachine,
    operations: { 'init-transactions': initTransactions, fetch, produce, 'send-offsets': sendOffsets, commit, restart: restartOperation(label) },
  };
}

/** What the processor holds in memory: its producer session and the order in hand. */
export function processorMemory(context: unknown) {
  const c = context as ProcessorContext | undefined;
  return {
    name: 'processor memory',
    note: 'The producer epoch and the order in hand. A crash forgets both; the open transaction stays in the broker.',
    columns: ['transactional_id', 'epoch', 'order_id'],
    rows: c?.producer ? [{ transactional_id: c.producer.transactionalId, epoch: c.producer.epoch, order_id: c.message?.orderId ?? null }] : [],
  };
}

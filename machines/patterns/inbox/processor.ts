/**
 * The inbox processor: it reads unprocessed rows from `consumer.inbox` and, for each, ships the
 * order and marks the row processed in one transaction, so a crash leaves either both or
 * neither. The inbox consumer nudges it after every store; it also reads the inbox after a
 * restart, so a nudge lost while it was down loses nothing.
 *
 * With `retentionMs` set it also sweeps: rows processed longer ago than that are deleted, as
 * real inboxes forget message ids after a deduplication window.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import { firstOrder, ordersOf } from '../../actors/orders-concerned';
import { CRASHED_STATE, restartOperation } from '../../actors/process';

export const PROCESSOR_PARTICIPANT = 'processor';
export const INBOX_BATCH_SIZE = 10;
/** What the inbox consumer sends after storing a message: "look at the inbox". */
export const INBOX_NUDGE = { type: 'INBOX_NUDGE' } as const;

export interface InboxRow {
  message_id: string;
  order_id: number;
  event_type: string;
}

export interface ProcessorContext {
  batch: InboxRow[];
}

type ProcessorEvent =
  | { type: 'ROWS'; rows: InboxRow[] }
  | { type: 'EMPTY' }
  | { type: 'PROCESSED' }
  | { type: 'PROCESS_FAILED' }
  | { type: 'PURGED' }
  | typeof INBOX_NUDGE
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

/**
 * Without a sweep the processor waits for a nudge and nothing else (the run can settle there);
 * with one it sweeps on a timer while it waits, settling once a sweep finds nothing to delete.
 */
export function createProcessorMachine(sweeps: boolean) {
  const waiting = sweeps
    ? { tags: ['polled-empty'], meta: { op: 'purge', delay: 'relayPollMs' }, on: { INBOX_NUDGE: 'claiming', PURGED: { target: 'waiting', reenter: true } } }
    : { tags: ['idle'], on: { INBOX_NUDGE: 'claiming' } };
  return setup({
    types: { context: {} as ProcessorContext, events: {} as ProcessorEvent },
    guards: { moreInBatch: ({ context }) => context.batch.length > 1 },
    actions: {
      takeRows: assign(({ event }) => (event.type === 'ROWS' ? { batch: event.rows } : {})),
      nextRow: assign({ batch: ({ context }) => context.batch.slice(1) }),
      clearBatch: assign({ batch: [] }),
    },
  }).createMachine({
    id: PROCESSOR_PARTICIPANT,
    context: { batch: [] },
    initial: 'waiting',
    states: {
      waiting,
      claiming: { meta: { op: 'claim' }, on: { ROWS: { target: 'processing', actions: 'takeRows' }, EMPTY: 'waiting' } },
      processing: {
        meta: { op: 'process' },
        on: {
          PROCESSED: [
            { guard: 'moreInBatch', target: 'processing', reenter: true, actions: 'nextRow' },
            // Read the inbox again: rows stored while this batch was processed are there.
            { target: 'claiming', actions: 'clearBatch' },
          ],
          // Rolled back (or committed unseen): the row is read again, or is processed already.
          PROCESS_FAILED: { target: 'claiming', actions: 'clearBatch' },
        },
      },
      [CRASHED_STATE]: { meta: { op: 'restart', delay: 'restartMs' }, on: { RESTARTED: { target: 'claiming', actions: 'clearBatch' } } },
    },
    on: { CRASH: `.${CRASHED_STATE}` },
  });
}

const claim: Operation<ProcessorContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: () => 'reading the inbox',
  async run(ctx) {
    // One processor: a plain read is enough. Several would claim with FOR UPDATE SKIP LOCKED.
    const result = await ctx.db.statement<InboxRow>(
      'read unprocessed inbox rows',
      'SELECT message_id, order_id, event_type FROM consumer.inbox WHERE processed_at IS NULL ORDER BY received_at, message_id LIMIT $1',
      [INBOX_BATCH_SIZE],
    );
    // A failed read is an empty one for now: the next nudge or restart reads again.
    if (!result.ok) return { event: { type: 'EMPTY' }, caption: 'The processor fails to read the inbox.' };
    const rows = result.value.rows;
    if (rows.length === 0) return { event: { type: 'EMPTY' }, caption: 'The processor finds no unprocessed rows in the inbox.' };
    return {
      event: { type: 'ROWS', rows },
      orders: ordersOf(rows.map((r) => ({ orderId: Number(r.order_id) }))),
      caption: `The processor reads ${rows.length} unprocessed inbox row${rows.length === 1 ? '' : 's'}.`,
    };
  },
};

const process: Operation<ProcessorContext> = {
  faults: ['commit-unknown'],
  crashable: true,
  latencyMs: 4,
  intent: (context) => `processing inbox row ${context.batch[0]?.message_id ?? '?'}`,
  about: (context) => firstOrder(context.batch.map((r) => ({ orderId: Number(r.order_id) }))),
  async run(ctx) {
    const row = ctx.context.batch[0]!;
    const orderId = Number(row.order_id);
    const at = ctx.timestamp();
    const result = await ctx.db.transaction(`ship order ${orderId} and mark ${row.message_id} processed`, async (tx) => {
      // The guard: a row someone processed meanwhile changes nothing.
      const marked = await tx.query('UPDATE consumer.inbox SET processed_at = $2 WHERE message_id = $1 AND processed_at IS NULL', [row.message_id, at]);
      if (marked.affectedRows === 0) return 'already' as const;
      if (ctx.scenario.idempotentConsumer) {
        const seen = await tx.query('INSERT INTO consumer.processed_events (event_id, processed_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING', [row.message_id, at]);
        if (seen.affectedRows === 0) return 'skipped' as const;
      }
      await tx.query('INSERT INTO consumer.shipments (order_id, event_id, created_at) VALUES ($1, $2, $3)', [orderId, row.message_id, at]);
      return 'shipped' as const;
    });
    if (!result.ok) {
      return {
        event: { type: 'PROCESS_FAILED' },
        caption: result.committed
          ? `The processor sees an error, though order ${orderId} shipped and its row is marked.`
          : `The processor's transaction for order ${orderId} rolls back; the row stays unprocessed.`,
      };
    }
    const captions = {
      shipped: `The processor ships order ${orderId} and marks ${row.message_id} processed, together.`,
      skipped: `The processor skips ${row.message_id}: processed_events already has it.`,
      already: `The processor finds ${row.message_id} already processed and ships nothing.`,
    };
    return { event: { type: 'PROCESSED' }, caption: captions[result.value] };
  },
};

function purgeOperation(retentionMs: number): Operation<ProcessorContext> {
  return {
    faults: [],
    crashable: true,
    latencyMs: 3,
    intent: () => 'deleting expired inbox rows',
    async run(ctx) {
      const result = await ctx.db.statement(
        'delete inbox rows past the window',
        `DELETE FROM consumer.inbox WHERE processed_at < $1::timestamptz - interval '${retentionMs} milliseconds'`,
        [ctx.timestamp()],
      );
      const deleted = result.ok ? result.value.affectedRows : 0;
      return {
        event: { type: 'PURGED' },
        caption:
          deleted === 0
            ? `The processor finds no inbox rows processed over ${retentionMs} ms ago.`
            : `The processor deletes ${deleted} inbox row${deleted === 1 ? '' : 's'} processed over ${retentionMs} ms ago.`,
      };
    },
  };
}

/** `retentionMs`: sweep rows processed longer ago than this; omitted, the inbox keeps every id. */
export function processorProcess(label: string, retentionMs?: number): ProcessSpec {
  const sweeps = retentionMs !== undefined;
  return {
    id: PROCESSOR_PARTICIPANT,
    machine: createProcessorMachine(sweeps),
    operations: { claim, process, ...(sweeps ? { purge: purgeOperation(retentionMs) } : {}), restart: restartOperation(label) },
  };
}

/** The rows the processor holds in memory: a crash forgets them, the inbox keeps them. */
export function processorMemory(context: unknown) {
  const batch = (context as ProcessorContext | undefined)?.batch ?? [];
  return {
    name: 'processor memory',
    note: 'Inbox rows the processor has read but not yet processed. A crash forgets them; the inbox does not.',
    columns: ['message_id', 'order_id'],
    rows: batch.map((r) => ({ message_id: r.message_id, order_id: Number(r.order_id) })),
  };
}
